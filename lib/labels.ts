/** Label keys and values virtwork puts on every object it synthesizes. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_RUN_ID = 'virtwork/run-id';
export const LABEL_ROLE = 'virtwork/role';
export const MANAGED_BY = 'virtwork';

/** Identifies what a set of labels describes. */
export interface LabelSource {
  /** Workload name, e.g. `cpu` or a catalog entry name. */
  readonly workload: string;
  /** Run id (configuration, stable across synths). */
  readonly runId: string;
  /** Role of a multi-role workload (`server`, `client`, …). */
  readonly role?: string;
}

/** The labels of DESIGN.md: managed-by, name, component, run-id, and the role when there is one. */
export function workloadLabels(source: LabelSource): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_NAME]: `virtwork-${source.workload}`,
    [LABEL_COMPONENT]: source.workload,
    [LABEL_RUN_ID]: source.runId,
  };
  if (source.role !== undefined) labels[LABEL_ROLE] = source.role;
  return labels;
}

/** A selector scoped to one workload (and role): never role alone. */
export function workloadSelector(workload: string, role?: string): Record<string, string> {
  const selector: Record<string, string> = { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_COMPONENT]: workload };
  if (role !== undefined) selector[LABEL_ROLE] = role;
  return selector;
}
