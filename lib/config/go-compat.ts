/**
 * The Go virtwork's configuration (`config.yaml` keys, `VIRTWORK_*` variables and `run` / `cleanup` flags) and
 * where each went. Keys and variables that moved are read with one note each (the value is not used); Go flags
 * that moved are refused with the mapping. Same-meaning spellings are aliases of the settings themselves
 * (`container-disk-image`, `from-catalog`, …) and need no entry here. docs/migrating-from-go.md is generated from
 * this table and the settings.
 */
export interface GoOption {
  /** The Go `config.yaml` key (hyphenated; the underscore spelling of its docs is matched too). */
  readonly key?: string;
  /** The Go environment variable. */
  readonly env?: string;
  /** The Go flag(s), as written in `virtwork run --help`. */
  readonly flags?: readonly string[];
  /** Where the meaning lives now, completing "…: the Go virtwork's; here …". */
  readonly here: string;
}

/** Go options with a new home (in virtwork-apply) or no meaning here. */
export const GO_MOVED: readonly GoOption[] = [
  {
    key: 'dry-run', env: 'VIRTWORK_DRY_RUN', flags: ['--dry-run'],
    here: '`virtwork synth` never touches a cluster (the manifests are the dry run); preview an apply with `virtwork-apply apply --dry-run=server`, a cleanup with `virtwork-apply cleanup --dry-run`',
  },
  {
    key: 'wait-for-ready', env: 'VIRTWORK_WAIT_FOR_READY', flags: ['--no-wait'],
    here: 'waiting is asked for, not default: `virtwork-apply apply --wait` (or `virtwork-apply wait`)',
  },
  { key: 'timeout', env: 'VIRTWORK_TIMEOUT', flags: ['--timeout'], here: '`virtwork-apply wait --timeout <duration>` (90s, 10m, 1h)' },
  { key: 'kubeconfig', env: 'VIRTWORK_KUBECONFIG', flags: ['--kubeconfig'], here: '`virtwork-apply --kubeconfig <file>`, or `KUBECONFIG`' },
  { key: 'vm-concurrency', env: 'VIRTWORK_VM_CONCURRENCY', flags: ['--vm-concurrency'], here: '`virtwork-apply apply --concurrency <n>`' },
  { key: 'audit', env: 'VIRTWORK_AUDIT', flags: ['--audit', '--no-audit'], here: 'only `virtwork-apply` records runs; `virtwork-apply --no-audit` turns it off' },
  {
    key: 'audit-db', flags: ['--audit-db'],
    here: '`virtwork-apply --audit-db <file>`, or the variable `VIRTWORK_AUDIT_DB` (which virtwork-apply reads)',
  },
  { key: 'verbose', env: 'VIRTWORK_VERBOSE', flags: ['--verbose'], here: 'no setting (it had no effect in the Go tool either); virtwork prints only what it did' },
  { key: 'cleanup-mode', env: 'VIRTWORK_CLEANUP_MODE', here: 'no setting (the Go tool set it internally); `virtwork-apply cleanup [--run-id <id>] [--dry-run]`' },
  { env: 'VIRTWORK_COMMAND', here: 'no setting (the Go container image\'s entrypoint); run `npx virtwork <command>`' },
  { env: 'VIRTWORK_ARGS', here: 'no setting (the Go container image\'s entrypoint); run `npx virtwork <command> <args>`' },
  { flags: ['--delete-namespace'], here: '`virtwork-apply cleanup --delete-namespace`' },
  { flags: ['--yes', '-y'], here: '`virtwork-apply cleanup --yes`' },
];

/**
 * Variables the tools read on purpose that are not settings of `virtwork.yaml`: they pass the unknown-variable check.
 * Each names who reads it.
 */
export const ENV_ALLOWLIST: Readonly<Record<string, string>> = {
  VIRTWORK_AUDIT_DB: 'virtwork-apply: the audit file',
  VIRTWORK_PRELINK: 'virtwork-apply (compiled): 0 loads @kubernetes/client-node itself instead of the file npm run build linked',
  VIRTWORK_CRD_DIR: 'npm run import: the CRD directory (default ../shared/crds)',
  VIRTWORK_BENCH_TIME: 'npm run bench: the time budget of a benchmark',
  VIRTWORK_APP: 'apps/launch.cjs (npx cdk8s synth): tsx, build or bundle, how to run the cdk8s app (default: the linked app when the build is fresh)',
  VIRTWORK_PROMETHEUS_URL: 'virtwork-apply check-signals: the Prometheus (or Thanos querier) URL',
  VIRTWORK_PROMETHEUS_TOKEN: 'virtwork-apply check-signals: a bearer token',
  VIRTWORK_PROMETHEUS_TOKEN_FILE: 'virtwork-apply check-signals: a file holding the bearer token',
  VIRTWORK_PROMETHEUS_CA_FILE: 'virtwork-apply check-signals: the CA bundle of the Prometheus URL',
  VIRTWORK_HEARTBEAT_DIR: 'inside the guest only: the directory of the virtwork-heartbeat helper (default /run/virtwork/heartbeat; the tests point it elsewhere)',
  VIRTWORK_TEST_KUBECONFIG: 'the test harness: the kubeconfig of the test API server',
  VIRTWORK_TEST_SKIP_REASON: 'the test harness: why integration tests skip',
  VIRTWORK_GUEST_ACCEL: 'npm run test:guests: kvm where /dev/kvm really boots guests (default TCG)',
  VIRTWORK_GUEST_WORKERS: 'npm run test:guests: guests booting at once',
  VIRTWORK_GUEST_BOOT_MINUTES: 'npm run test:guests: minutes a boot may take until cloud-init is done',
  VIRTWORK_GUEST_MAX_SECONDS: 'npm run test:guests: hard limit on each qemu process',
  VIRTWORK_GUEST_IMAGE_WORKLOADS: 'npm run test:guests: a narrower golden image while iterating',
  VIRTWORK_GUEST_TMPDIR: 'npm run test:guests: where the scratch directory goes',
  VIRTWORK_GUEST_IMAGE: 'npm run test:guests (set by its global setup): the golden qcow2',
  VIRTWORK_GUEST_IMAGE_KEY: 'npm run test:guests (set by its global setup): the image cache key',
  VIRTWORK_GUEST_WORKDIR: 'npm run test:guests (set by its global setup): the scratch directory',
};

/** The Go option of a file key (hyphen or underscore spelling), when it moved. */
export function goKey(key: string): GoOption | undefined {
  const hyphenated = key.replace(/_/g, '-');
  return GO_MOVED.find((o) => o.key === hyphenated);
}

/** The Go option of a variable, when it moved. */
export function goEnv(name: string): GoOption | undefined {
  return GO_MOVED.find((o) => o.env === name);
}

/** The note for a Go key or variable that is read and ignored. */
export function goNote(where: string, o: GoOption): string {
  return `note: ${where}: a Go virtwork setting, ignored; here: ${o.here}`;
}
