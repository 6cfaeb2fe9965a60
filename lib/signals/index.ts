// The signal contract: what each workload's VMs must move in KubeVirt's metrics, and what is rendered from it.
// Only re-exports (the Prometheus client and check are edge code for virtwork-apply check-signals and stay out).
export * from './kubevirt-metrics';
export * from './signal-kinds';
export * from './contract';
export * from './catalog-signals';
export * from './run-signals';
export * from './prometheus-rule';
export * from './grafana-dashboard';
export * from './kube-burner';
export * from './signals-chart';
