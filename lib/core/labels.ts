/** Label keys and values virtwork puts on every object it synthesizes. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_RUN_ID = 'virtwork/run-id';
export const LABEL_ROLE = 'virtwork/role';
/**
 * Instance of a workload type, on the objects of every instance not named after its type (`cpu-light`, a fleet
 * cell). Not `app.kubernetes.io/instance`: Argo CD uses that key to track what it applied.
 */
export const LABEL_INSTANCE = 'virtwork/instance';
export const MANAGED_BY = 'virtwork';

/** Identifies what a set of labels describes. */
export interface LabelSource {
  /** Workload name, e.g. `cpu` or a catalog entry name. */
  readonly workload: string;
  /** Run id (configuration, stable across synths). */
  readonly runId: string;
  /** Role of a multi-role workload (`server`, `client`, …). */
  readonly role?: string;
  /**
   * Instance name (see instanceLabel): labelled only when it differs from the workload type.
   * @default the workload type
   */
  readonly instance?: string;
}

/**
 * The `virtwork/instance` label of an instance, or none for the instance named after its workload type: so that
 * `workloads: [cpu]` and `new CpuWorkload(chart, 'cpu')` keep the labels they always had.
 */
export function instanceLabel(workload: string, instance: string | undefined): Record<string, string> {
  return instance === undefined || instance === workload ? {} : { [LABEL_INSTANCE]: instance };
}

/** The labels of DESIGN.md: managed-by, name, component, run-id, the instance and the role when there is one. */
export function workloadLabels(source: LabelSource): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_NAME]: `virtwork-${source.workload}`,
    [LABEL_COMPONENT]: source.workload,
    [LABEL_RUN_ID]: source.runId,
    ...instanceLabel(source.workload, source.instance),
  };
  if (source.role !== undefined) labels[LABEL_ROLE] = source.role;
  return labels;
}

/** A selector scoped to one workload (its instance, and role): never role alone. */
export function workloadSelector(workload: string, role?: string, instance?: string): Record<string, string> {
  const selector: Record<string, string> = { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_COMPONENT]: workload, ...instanceLabel(workload, instance) };
  if (role !== undefined) selector[LABEL_ROLE] = role;
  return selector;
}
