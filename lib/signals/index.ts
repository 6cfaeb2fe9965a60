// The signal contract: what each workload's VMs must move in KubeVirt's metrics. Only re-exports. What is rendered
// from it (run signals, PrometheusRule, Grafana dashboard, kube-burner, the signals chart) is exported by lib/index.ts
// file by file, and the Prometheus client and check are edge code for virtwork-apply check-signals and stay out.
export * from './kubevirt-metrics';
export * from './signal-kinds';
export * from './contract';
export * from './catalog-signals';
