import { packageInfo } from '../../lib/core/_package';
import { scratch, virtwork } from './_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

describe('virtwork', () => {
  it('lists its commands and exit codes in --help (exit 0)', async () => {
    const r = await virtwork(['--help'], dir);
    expect(r.code).toBe(0);
    for (const cmd of ['synth', 'validate', 'workloads', 'init']) expect(r.out).toMatch(new RegExp(`^ +${cmd}\\b`, 'm'));
    expect(r.out.replace(/\s+/g, ' ')).toContain('Exit codes: 0 success, 1 error (bad input, failed check; one line per problem on stderr), 2 usage error');
  });

  it('documents every flag of synth with its variable and default', async () => {
    const r = await virtwork(['synth', '--help'], dir);
    expect(r.code).toBe(0);
    const text = r.out.replace(/\s+/g, ' ');
    expect(text).toContain('--cpu-cores <n> Guest CPU cores of each VM. (env: VIRTWORK_CPU_CORES, default: 2)');
    expect(text).toContain('comma-separated keys: a comma starts a new key only before a key type');
    expect(text).toContain('-d, --output-dir <dir> directory to replace (env: CDK8S_OUTDIR, default: dist)');
  });

  it.each(['synth', 'validate', 'workloads', 'init'])('shows the global options in `%s --help`', async (cmd) => {
    const r = await virtwork([cmd, '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Global Options:\n(.*\n)*\s+-V, --version/m);
  });

  it('prints its version', async () => {
    expect(await virtwork(['--version'], dir)).toEqual({ code: 0, out: `${packageInfo().version}\n`, err: '' });
  });

  it('fails with a usage error without a command (exit 2)', async () => {
    const r = await virtwork([], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: virtwork');
  });
});
