import { Construct } from 'constructs';
import * as kubevirt from '../../imports/kubevirt.io';
import { VirtworkError, show } from '../core/errors';
import { checkDnsSubdomain } from '../core/names';

/**
 * Annotations that make a VirtualMachineInstanceMigration behave as the one-shot request it is under GitOps:
 * Argo CD runs it as a PostSync hook (after the VMs are healthy, re-created on each sync, never pruned or reported
 * OutOfSync), Flux creates it once and never re-applies it (`ssa: IfNotPresent`).
 */
export const MIGRATION_GITOPS_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/hook': 'PostSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
  'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent',
};

/** Which VMs of a workload get a migration: all, or VM indices (in every role of a multi-role workload). */
export type MigrationSelection = 'all' | readonly number[];

/** Props of {@link VirtualMachineMigration}. */
export interface VirtualMachineMigrationProps {
  /** Name of the VM (and so of its VMI) to migrate. */
  readonly vmName: string;
  /** Namespace of the VM. */
  readonly namespace: string;
  /** Labels (virtwork's, so that cleanup finds the object). */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A live migration of a running VM: a VirtualMachineInstanceMigration named `<vm>-migration`, annotated for GitOps
 * ({@link MIGRATION_GITOPS_ANNOTATIONS}). KubeVirt admits it only while the VMI runs.
 *
 * @see https://kubevirt.io/user-guide/compute/live_migration/
 */
export class VirtualMachineMigration extends Construct {
  /** The migration object's name. */
  public readonly name: string;
  /** The L1 VirtualMachineInstanceMigration. */
  public readonly migration: kubevirt.VirtualMachineInstanceMigration;

  public constructor(scope: Construct, id: string, props: VirtualMachineMigrationProps) {
    super(scope, id);
    this.name = checkDnsSubdomain(`${props.vmName}: migration name`, `${props.vmName}-migration`);
    this.migration = new kubevirt.VirtualMachineInstanceMigration(this, 'migration', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...props.labels },
        annotations: { ...MIGRATION_GITOPS_ANNOTATIONS },
      },
      spec: { vmiName: props.vmName },
    });
  }
}

/** Checks a selection against the VM count of a workload; returns the chosen indices in order. */
export function migrationIndices(where: string, selection: MigrationSelection | undefined, vmCount: number): number[] {
  if (selection === undefined) return [];
  if (selection === 'all') return [...Array(vmCount).keys()];
  if (!Array.isArray(selection)) throw new VirtworkError(`${where}: migrate must be "all" or a list of VM indices, got ${show(selection)}`);
  for (const i of selection) {
    if (!Number.isInteger(i) || i < 0 || i >= vmCount) {
      throw new VirtworkError(`${where}: migrate: VM index ${show(i)} does not exist (the workload has VMs 0 to ${vmCount - 1})`);
    }
  }
  return [...new Set(selection)].sort((a, b) => a - b);
}
