import { App, Chart } from 'cdk8s';
import {
  CatalogEntry, CatalogWorkload, catalogRegistry, catalogWorkloadClass, parseCatalogEntry,
} from '../../lib/catalog';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { VirtworkError } from '../../lib/core/errors';
import { buildApp, synthesize } from '../../lib/render/synth';
import { BUILTIN_WORKLOADS } from '../../lib/workloads/_registry';
import { K8sObject, execLines, parseManifests, validateObjects } from '../support/validators';
import { DEMO, source, unit } from './_helpers';

const demo = (): CatalogEntry => parseCatalogEntry(source('demo', DEMO));

/** Synthesizes one entry alone and returns its objects. */
function synth(entry: CatalogEntry, sel: { vmCount?: number; params?: Record<string, unknown> } = {}): K8sObject[] {
  const files = synthesize({ namespace: 'load', workloads: [{ name: entry.name, ...sel }], registry: catalogRegistry([entry]) });
  return parseManifests(files.get(`${entry.name}.yaml`)!);
}

type UserData = { packages?: string[]; write_files: { path: string; content: string; permissions: string }[]; runcmd: string[][] };

/** The parsed user-data of one VM. */
function userData(objects: readonly K8sObject[], vm: string): UserData {
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === `${vm}-cloudinit`)!;
  return parseCloudConfig(secret.stringData.userdata) as UserData;
}

const file = (ud: UserData, path: string) => ud.write_files.find((f) => f.path === path)?.content;

describe('CatalogWorkload', () => {
  it('renders a role-based entry through the VM construct: names, labels, units, scripts, storage and Service', () => {
    // GIVEN the DEMO entry (server with a data disk, client with a script, a Service on the servers)
    // WHEN it is synthesized with two VMs per role
    const objects = synth(demo(), { vmCount: 2 });
    // THEN the objects are stable…
    expect(objects).toMatchSnapshot();
    // …and every one passes the CRD schemas, cloud-init schema, systemd-analyze and shellcheck
    expect(validateObjects(objects)).toEqual([]);
    const vms = objects.filter((o) => o.kind === 'VirtualMachine');
    expect(vms.map((v) => [v.metadata.name, v.metadata.labels['virtwork/role'], v.metadata.labels['app.kubernetes.io/component']])).toEqual([
      ['virtwork-demo-server-0', 'server', 'demo'],
      ['virtwork-demo-server-1', 'server', 'demo'],
      ['virtwork-demo-client-0', 'client', 'demo'],
      ['virtwork-demo-client-1', 'client', 'demo'],
    ]);
    // the data disk goes to the servers only
    expect(vms.map((v) => (v.spec.dataVolumeTemplates ?? []).map((t: any) => t.metadata.name))).toEqual([
      ['demo-data-virtwork-demo-server-0'], ['demo-data-virtwork-demo-server-1'], [], [],
    ]);
    expect(vms[0].spec.template.spec.domain.devices.disks).toContainEqual({ name: 'demo-data', serial: 'vw-demo', disk: { bus: 'virtio' } });
    // the Service is scoped to the entry and its server role
    const [service] = objects.filter((o) => o.kind === 'Service');
    expect(service.metadata.name).toBe('virtwork-demo');
    expect(service.spec.selector).toEqual({
      'app.kubernetes.io/managed-by': 'virtwork', 'app.kubernetes.io/component': 'demo', 'virtwork/role': 'server',
    });
    expect(service.spec.ports).toEqual([{ name: 'demo', port: 7000, targetPort: 7000, protocol: 'TCP' }]);
  });

  it('installs each role unit under a name no distribution uses, with params substituted', () => {
    const objects = synth(demo());
    const server = userData(objects, 'virtwork-demo-server-0');
    expect(server.packages).toEqual(expect.arrayContaining(['demo-common', 'demo-server']));
    const unitText = file(server, '/etc/systemd/system/virtwork-demo-server.service')!;
    expect(execLines(unitText)).toEqual([['/usr/bin/demo-server', '--threads=4', '--mode=fast', '--label=demo', '--verbose=false']]);
    expect(server.write_files.map((f) => f.path)).not.toContain('/etc/systemd/system/server.service');
    // the disk is set up by its own unit, which the role unit requires through a drop-in
    expect(file(server, '/etc/systemd/system/virtwork-demo-server.service.d/virtwork-storage.conf')).toBe(
      '# virtwork: start only once the data disks of this VM are mounted\n[Unit]\n' +
        'Requires=virtwork-disk-setup-demo-data.service\nAfter=virtwork-disk-setup-demo-data.service\n',
    );
    const enabled = server.runcmd.filter((c) => c[1] === 'enable' && c[2] === '--now').map((c) => c[3]);
    expect(enabled.slice(-2)).toEqual(['virtwork-disk-setup-demo-data.service', 'virtwork-demo-server.service']);
    // the client's script is not installed on the server
    expect(file(server, '/usr/local/bin/virtwork-demo-client.sh')).toBeUndefined();
  });

  it('substitutes built-in placeholders and lists and dicts as comma-joined safe text', () => {
    const client = userData(synth(demo()), 'virtwork-demo-client-0');
    expect(client.packages).toEqual(expect.arrayContaining(['demo-common']));
    expect(client.packages).not.toContain('demo-server');
    expect(file(client, '/usr/local/bin/virtwork-demo-client.sh')).toBe(
      '#!/bin/bash\nset -euo pipefail\nexec demo-client --host virtwork-demo --tests set,get --opts a=1,b=two --role client\n',
    );
    expect(client.write_files.find((f) => f.path === '/usr/local/bin/virtwork-demo-client.sh')!.permissions).toBe('0755');
    expect(execLines(file(client, '/etc/systemd/system/virtwork-demo-client.service')!)).toEqual([['/usr/local/bin/virtwork-demo-client.sh']]);
    expect(client.write_files.some((f) => f.path.includes('.service.d/'))).toBe(false);
  });

  it('resolves user params with their types (strings from flags, YAML values)', () => {
    const objects = synth(demo(), { params: { threads: '16', mode: 'slow', verbose: 'TRUE', tests: 'lpush;lpop', opts: { x: 'y' } } });
    const server = userData(objects, 'virtwork-demo-server-0');
    expect(execLines(file(server, '/etc/systemd/system/virtwork-demo-server.service')!)[0]).toEqual(
      ['/usr/bin/demo-server', '--threads=16', '--mode=slow', '--label=demo', '--verbose=true'],
    );
    expect(file(userData(objects, 'virtwork-demo-client-0'), '/usr/local/bin/virtwork-demo-client.sh')).toMatch(/--tests lpush,lpop --opts x=y /);
  });

  it('keeps every allowed character verbatim, and the result still passes systemd-analyze and shellcheck', () => {
    const label = 'Az09_.,:/@+=-x';
    const objects = synth(demo(), { params: { label, tests: ['a.b:c/d@e+f=g-h_i'], opts: 'k.e-y_=v.a:l/u@e+-' } });
    const server = userData(objects, 'virtwork-demo-server-0');
    expect(execLines(file(server, '/etc/systemd/system/virtwork-demo-server.service')!)[0]).toContain(`--label=${label}`);
    expect(validateObjects(objects)).toEqual([]);
  });

  describe('fails when a param value could break out of its unit or script', () => {
    const hostile = ['$(reboot)', "'; rm -rf /", 'a\nExecStartPre=/bin/sh -c id', '%h', '`id`', 'a b', '--help', '~root', '*', '{{threads}}',
      '$HOME', '"quoted"', 'a|b', 'a&b', 'a>b', 'a;b', '\\n', ''];
    it.each(hostile.map((v) => [JSON.stringify(v), v]))('label = %s', (_shown, value) => {
      const err = (() => { try { synth(demo(), { params: { label: value } }); } catch (e) { return e; } return undefined; })();
      expect(err).toBeInstanceOf(VirtworkError);
      expect((err as Error).message).toBe(
        'demo.params.label: must be a string of 1 to 256 of letters, digits and _ . , : / @ + = -, starting with a letter, digit, ' +
          `"_", "." or "/", got ${JSON.stringify(value)}`,
      );
    });

    it.each([
      ['threads', '4; reboot', 'an integer from 1 to 64'],
      ['threads', 65, 'an integer from 1 to 64'],
      ['mode', 'fast$(id)', 'one of fast, slow'],
      ['verbose', 'yes', 'true or false'],
      ['tests', 'set;$(reboot)', 'a YAML list or ";"-separated items'],
      ['tests', ['set', 'get,del'], 'a YAML list or ";"-separated items'],
      ['opts', 'a=$(id)', 'a YAML mapping or ";"-separated entries'],
      ['opts', { 'a b': 'c' }, 'a YAML mapping or ";"-separated entries'],
    ])('%s = %j', (key, value, allowed) => {
      expect(() => synth(demo(), { params: { [key]: value } })).toThrow(`demo.params.${key}: must be ${allowed}`);
    });

    it('unknown param, with "did you mean"', () => {
      expect(() => synth(demo(), { params: { thread: 2 } })).toThrow(
        'demo.params.thread: unknown param (did you mean "threads"?); known params: threads, mode, label, verbose, tests, opts',
      );
    });
  });

  it('renders a single-role entry: every unit on every VM, no role label, vmCount VMs', () => {
    const entry = parseCatalogEntry(source('pair', {
      'workload.yaml': 'description: two units\npackages: [stress-ng]\n',
      'a.service': unit('/usr/bin/stress-ng --cpu 1'),
      'b.service': unit('/usr/bin/stress-ng --vm 1'),
    }));
    const objects = synth(entry, { vmCount: 3 });
    expect(validateObjects(objects)).toEqual([]);
    const vms = objects.filter((o) => o.kind === 'VirtualMachine');
    expect(vms.map((v) => v.metadata.name)).toEqual(['virtwork-pair-0', 'virtwork-pair-1', 'virtwork-pair-2']);
    expect(vms.every((v) => !('virtwork/role' in v.metadata.labels))).toBe(true);
    const ud = userData(objects, 'virtwork-pair-1');
    expect(ud.runcmd.filter((c) => c[2] === '--now').map((c) => c[3])).toEqual(['virtwork-health-responder.service', 'virtwork-pair-a.service', 'virtwork-pair-b.service']);
    expect(objects.some((o) => o.kind === 'Service')).toBe(false);
  });

  it('fixes the VM count of a role that declares vm-count, and puts role-less storage and selector on every VM', () => {
    const entry = parseCatalogEntry(source('fixed', {
      'workload.yaml': 'roles:\n  - name: primary\n    vm-count: 1\n  - name: replica\nstorage:\n  - name: data\n    size: 2Gi\n' +
        '    serial: vw-data\n    mount: /srv/data\nservice:\n  ports:\n    - name: pg\n      port: 5432\n',
      'primary.service': unit('/bin/true'),
      'replica.service': unit('/bin/true'),
    }));
    const objects = synth(entry, { vmCount: 3 });
    const vms = objects.filter((o) => o.kind === 'VirtualMachine');
    expect(vms.map((v) => v.metadata.name)).toEqual([
      'virtwork-fixed-primary-0', 'virtwork-fixed-replica-0', 'virtwork-fixed-replica-1', 'virtwork-fixed-replica-2',
    ]);
    expect(vms.every((v) => v.spec.dataVolumeTemplates.length === 1)).toBe(true);
    expect(objects.find((o) => o.kind === 'Service')!.spec.selector).toEqual({
      'app.kubernetes.io/managed-by': 'virtwork', 'app.kubernetes.io/component': 'fixed',
    });
    expect(validateObjects(objects)).toEqual([]);
  });

  it('is usable directly from the library API, with the entry as a prop', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'lib' });
    const w = new CatalogWorkload(chart, 'demo', { entry: demo(), vmCount: 1, params: { threads: 8 } });
    expect(w.workloadName).toBe('demo');
    expect(w.vms.map((v) => v.name)).toEqual(['virtwork-demo-server-0', 'virtwork-demo-client-0']);
    expect(w.service?.name).toBe('virtwork-demo');
    expect(chart.toJson().filter((o) => o.kind === 'Service')[0].metadata.namespace).toBe('lib');
  });
});

describe('catalogWorkloadClass', () => {
  it('plugs an entry into SynthInput.registry like a built-in', () => {
    const cls = catalogWorkloadClass(demo());
    expect(cls.workloadName).toBe('demo');
    expect(cls.params.keys).toEqual(['threads', 'mode', 'label', 'verbose', 'tests', 'opts']);
    const app = buildApp({ namespace: 'virtwork', workloads: [{ name: 'cpu' }, { name: 'demo' }], registry: { ...BUILTIN_WORKLOADS, demo: cls } });
    expect(app.charts.map((c) => c.node.id)).toEqual(['namespace', 'cpu', 'demo']);
  });
});

describe('catalogRegistry', () => {
  it('adds the entries to the built-ins', () => {
    expect(Object.keys(catalogRegistry([demo()]))).toEqual([...Object.keys(BUILTIN_WORKLOADS), 'demo']);
  });

  it('fails when an entry takes the name of a built-in or of another entry', () => {
    const cpu = { ...demo(), name: 'cpu', location: 'catalog/cpu' };
    expect(() => catalogRegistry([cpu])).toThrow('catalog/cpu: catalog entry "cpu" has the name of a built-in workload');
    expect(() => catalogRegistry([demo(), demo()])).toThrow('catalog/demo: catalog entry "demo" has the name of another catalog entry');
  });
});
