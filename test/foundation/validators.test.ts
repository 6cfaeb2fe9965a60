import { execLines, schemaProblems, shellcheckProblems, systemdProblems, userDataProblems } from '../support/validators';

// The validators are what make the rest of the suite meaningful: prove that each one rejects bad input.
describe('test validators', () => {
  const vm = () => ({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'vm' },
    spec: { runStrategy: 'Always', template: { spec: { domain: { devices: {} } } } },
  });

  it('accepts a minimal VirtualMachine against the real CRD schema', () => {
    expect(schemaProblems(vm())).toEqual([]);
  });

  it('fails when a VirtualMachine field is unknown or of the wrong type', () => {
    const bad: any = vm();
    bad.spec.template.spec.domain.cpu = { cores: 'two' };
    bad.spec.runStategy = 'Always';
    const problems = schemaProblems(bad);
    expect(problems.join('\n')).toMatch(/cores must be integer/);
    expect(problems.join('\n')).toMatch(/runStategy/);
  });

  it('fails when a Secret carries a field core/v1 does not have', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringDta: {} };
    expect(schemaProblems(secret)).toEqual([expect.stringMatching(/stringDta/)]);
  });

  it('fails when a unit is broken, but tolerates guest binaries missing on this machine', () => {
    const ok = '[Unit]\nDescription=x\n\n[Service]\nExecStart=/usr/bin/stress-ng --cpu 0\n\n[Install]\nWantedBy=multi-user.target\n';
    expect(systemdProblems({ 'virtwork-ok.service': ok })).toEqual([]);
    const broken = ok.replace('[Service]', '[Service]\nType=sometimes');
    expect(systemdProblems({ 'virtwork-broken.service': broken }).join('\n')).toMatch(/Failed to parse service type/);
  });

  it('fails when a script has a shellcheck finding', () => {
    expect(shellcheckProblems('#!/bin/bash\necho "$1"\n')).toEqual([]);
    expect(shellcheckProblems('#!/bin/bash\nrm -rf $DIR/*\n').join('\n')).toMatch(/SC2086|SC2115/);
  });

  it('fails when user-data breaks the cloud-init schema', () => {
    const bad = '#cloud-config\nwrite_files:\n  - path: /x\n    content: y\n    permissions: 420\n';
    expect(userDataProblems(bad).join('\n')).toMatch(/permissions/);
  });

  it('splits Exec lines the way systemd does', () => {
    const unit = 'ExecStart=/bin/bash -c "while true; do echo \\"a b\\" 100%%; done"\n';
    expect(execLines(unit)).toEqual([['/bin/bash', '-c', 'while true; do echo "a b" 100%; done']]);
  });
});
