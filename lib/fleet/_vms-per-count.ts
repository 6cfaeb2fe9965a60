import { App, Chart } from 'cdk8s';
import type { WorkloadClass } from '../workloads/_registry';
import { VirtworkError } from '../core/errors';
import type { VmsPerCount } from './mix';

const known = new WeakMap<WorkloadClass, VmsPerCount>();

/**
 * How the VMs of a workload class follow its vmCount, measured on the class itself: it is built (in a chart of its
 * own, with its defaults) at vmCount 1 and 2 and its VMs counted. Exact for the built-ins and for catalog entries
 * (roles that follow vm-count, roles with a count of their own), with no table to keep in step. Pure; cached per class.
 */
export function vmsPerCount(cls: WorkloadClass): VmsPerCount {
  let shape = known.get(cls);
  if (!shape) {
    const vms = (vmCount: number) => new cls(new Chart(new App(), 'probe'), 'probe', { vmCount, readinessProbe: false }).vms.length;
    let one: number;
    let two: number;
    try {
      [one, two] = [vms(1), vms(2)];
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new VirtworkError(`${cls.workloadName}: cannot tell how its VMs follow vmCount (it is built with its defaults at vmCount 1 and 2 to count them): ${why}`, { cause: err });
    }
    shape = { perCount: two - one, fixed: one - (two - one) };
    known.set(cls, shape);
  }
  return shape;
}
