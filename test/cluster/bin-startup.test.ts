import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

describe('what virtwork-apply loads at start', () => {
  it('loads no synthesis code: neither cdk8s nor the workload constructs, charts or renderer', () => {
    // WHEN the virtwork-apply program (every command defined) is loaded in a fresh process
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
      require(${JSON.stringify(path.join(ROOT, 'lib', 'cli', 'virtwork-apply.ts'))});
      console.log(JSON.stringify(Object.keys(require.cache)));
    `], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const loaded = (JSON.parse(r.stdout) as string[]).map((f) => path.relative(ROOT, f));
    // THEN none of it is synthesis: those load only in virtwork (check-signals once loaded the signals chart, cdk8s
    // and every workload construct for the two names of the contract's ConfigMap)
    expect(loaded.filter((f) => /^node_modules\/(cdk8s|cdk8s-plus-28|constructs)\//.test(f) || /^lib\/(workloads|render|fleet|catalog)\//.test(f)
      || f === path.join('lib', 'monitoring', 'signals-chart.ts'))).toEqual([]);
    expect(loaded).toEqual(expect.arrayContaining([path.join('lib', 'cli', 'apply', 'check-signals-command.ts')]));
  });
});
