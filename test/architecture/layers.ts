import { Layer } from './_graph';

/**
 * The layers of lib/, lowest first: a file may import files of its own layer and of lower ranks only (two layers of
 * the same rank stand beside each other and may not import each other). `onlyFrom`: the only layers that may import
 * this one. docs/architecture.md draws the same table.
 */
export const LAYERS: readonly Layer[] = [
  { rank: 0, name: 'core', paths: ['lib/core/'], what: 'names, labels, quantities, typed params, errors: no cdk8s, no I/O' },
  { rank: 1, name: 'signals', paths: ['lib/signals/'], what: 'the signal contract: what each workload\'s VMs must move in KubeVirt\'s metrics (tables, PromQL helpers)' },
  { rank: 2, name: 'guest', paths: ['lib/guest/'], what: 'text that runs in the guest: cloud-config, systemd units, shell quoting, password hashing, SSH, guest families' },
  { rank: 3, name: 'vm', paths: ['lib/vm/'], what: 'the VirtualMachine construct (L2), its options, Service, user-data Secret modes, provenance' },
  { rank: 4, name: 'workloads', paths: ['lib/workloads/'], what: 'one construct per built-in workload, and the registry' },
  { rank: 5, name: 'catalog', paths: ['lib/catalog/'], what: 'catalog entries: manifest format, checks, loader, the catalog workload construct' },
  { rank: 5, name: 'fleet', paths: ['lib/fleet/'], what: 'fleets: many workload instances from one mix or matrix' },
  { rank: 5, name: 'monitoring', paths: ['lib/monitoring/'], what: 'what is rendered from the contract for a run: PrometheusRule, Grafana dashboard, kube-burner, signals chart' },
  { rank: 6, name: 'render', paths: ['lib/render/'], what: 'synthesis: configuration-free input → cdk8s App → files; dist/ writer, GitOps files, out-of-band and sealed Secrets' },
  { rank: 6, name: 'cluster', paths: ['lib/cluster/'], what: 'the running cluster: apply, wait, cleanup, status, migrate (client-node), Prometheus queries', onlyFrom: ['cli'] },
  { rank: 6, name: 'audit', paths: ['lib/audit/'], what: 'the SQLite run history', onlyFrom: ['cli'] },
  { rank: 7, name: 'config', paths: ['lib/config/'], what: 'virtwork.yaml, VIRTWORK_* and flags → merged configuration → synthesis input; generated configuration docs' },
  { rank: 8, name: 'image', paths: ['lib/image/'], what: 'golden images for the configured workloads (debootstrap, qcow2, containerDisk, blueprints)', onlyFrom: ['cli'] },
  { rank: 8, name: 'api', paths: ['lib/index.ts', 'lib/sealed-secrets.ts'], what: 'the public entry points (the barrel and the kubeseal deep import): re-exports only' },
  { rank: 9, name: 'cli', paths: ['lib/cli/'], what: 'the commander programs virtwork and virtwork-apply: parse, call one function, print' },
];

/** Packages only some layers may import: the public barrel must never load the cluster client or SQLite. */
export const PACKAGE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  '@kubernetes/client-node': ['cluster'],
  'sql.js': ['audit'],
};

/** No lib file may reach this many lines. */
export const MAX_LINES = 300;
