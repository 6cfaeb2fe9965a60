import { Testing } from 'cdk8s';
import { VirtualMachineMigration, migrationIndices } from '../../lib/vm/migration';
import { K8sObject, validateObjects } from '../support/validators';

describe('VirtualMachineMigration', () => {
  it('emits a labelled VMIM for the VM, annotated as a one-shot for Argo CD and Flux (snapshot)', () => {
    // WHEN a migration of virtwork-cpu-0 is requested
    const chart = Testing.chart();
    new VirtualMachineMigration(chart, 'm', { vmName: 'virtwork-cpu-0', namespace: 'virtwork', labels: { 'app.kubernetes.io/managed-by': 'virtwork' } });
    const [vmim] = Testing.synth(chart) as K8sObject[];

    // THEN it is a valid VirtualMachineInstanceMigration naming the VMI, a PostSync hook for Argo CD, created once by Flux
    expect(vmim).toMatchSnapshot();
    expect(vmim).toMatchObject({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name: 'virtwork-cpu-0-migration' }, spec: { vmiName: 'virtwork-cpu-0' } });
    expect(vmim.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PostSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent',
    });
    expect(validateObjects([vmim])).toEqual([]);
  });
});

describe('migrationIndices', () => {
  it('selects nothing, all, or the given indices in order', () => {
    expect(migrationIndices('cpu', undefined, 3)).toEqual([]);
    expect(migrationIndices('cpu', 'all', 3)).toEqual([0, 1, 2]);
    expect(migrationIndices('cpu', [2, 0, 2], 3)).toEqual([0, 2]);
  });

  it.each([
    [[3], 'cpu: migrate: VM index 3 does not exist (the workload has VMs 0 to 2)'],
    [[-1], 'cpu: migrate: VM index -1 does not exist'],
    ['some', 'cpu: migrate must be "all" or a list of VM indices, got "some"'],
  ])('fails when the selection is %j', (selection, message) => {
    expect(() => migrationIndices('cpu', selection as any, 3)).toThrow(message);
  });
});
