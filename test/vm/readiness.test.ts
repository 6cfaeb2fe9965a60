import { GUEST_AGENT_SYSCONFIG, readinessProbeSpec, unitsActiveCommand } from '../../lib/vm/readiness';
import { shellcheckProblems } from '../support/validators';

describe('unitsActiveCommand', () => {
  it('checks a single unit without a shell', () => {
    expect(unitsActiveCommand(['virtwork-cpu.service'])).toEqual(['/usr/bin/systemctl', 'is-active', '--quiet', 'virtwork-cpu.service']);
  });

  it('requires every unit to be active when there are several (is-active alone succeeds when any one is)', () => {
    // WHEN two units must run
    const argv = unitsActiveCommand(['virtwork-disk-setup-disk.service', 'virtwork-disk@data.service']);

    // THEN the shell line checks each and is clean for shellcheck
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv[2]).toBe("systemctl is-active --quiet virtwork-disk-setup-disk.service && systemctl is-active --quiet virtwork-disk@data.service");
    expect(shellcheckProblems(`#!/bin/sh\n${argv[2]}\n`)).toEqual([]);
  });

  it.each([
    ['virtwork-cpu.service; reboot'],
    ['$(reboot).service'],
    ['a.service\nreboot'],
    ['virtwork-cpu'],
  ])('fails when a unit name is %j', (unit) => {
    expect(() => unitsActiveCommand([unit])).toThrow(`readiness probe: ${JSON.stringify(unit)} is not a systemd unit name`);
  });

  it('fails when there is no unit to check', () => {
    expect(() => unitsActiveCommand([])).toThrow('a readiness probe needs at least one systemd unit');
  });
});

describe('readinessProbeSpec', () => {
  it('fills in the cold-boot defaults and keeps overrides', () => {
    expect(readinessProbeSpec('vm', { command: ['true'], initialDelaySeconds: 300 })).toEqual({
      exec: { command: ['true'] }, initialDelaySeconds: 300, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 10,
    });
  });

  it.each([
    [{ command: [] }, 'vm: readinessProbe.command must be a non-empty argv of non-empty strings, got []'],
    [{ command: ['true'], failureThreshold: 0 }, 'vm: readinessProbe.failureThreshold must be an integer from 1 to 1000, got 0'],
    [{ command: ['true'], periodSeconds: 10, timeoutSeconds: 12 }, 'vm: readinessProbe.timeoutSeconds (12) must be less than periodSeconds (10)'],
  ])('fails when the probe is %j', (probe, message) => {
    expect(() => readinessProbeSpec('vm', probe)).toThrow(message);
  });
});

describe('GUEST_AGENT_SYSCONFIG', () => {
  it('allows guest-exec in every sysconfig variant while keeping the file RPCs blocked', () => {
    const vars = Object.fromEntries(GUEST_AGENT_SYSCONFIG.content.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(Object.keys(vars)).toEqual(['BLACKLIST_RPC', 'FILTER_RPC_ARGS', 'QEMU_GA_ARGS', 'FSFREEZE_HOOK_PATHNAME']);
    for (const v of [vars.BLACKLIST_RPC, vars.FILTER_RPC_ARGS, vars.QEMU_GA_ARGS]) {
      expect(v).toContain('guest-file-read');
      expect(v).not.toContain('guest-exec');
      expect(v).not.toContain('allow-rpcs');
    }
  });
});
