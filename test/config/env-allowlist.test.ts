import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV_ALLOWLIST, GO_MOVED } from '../../lib/config/go-compat';
import { knownEnvNames } from '../../lib/config/env';

const ROOT = resolve(__dirname, '..', '..');

/** Every `VIRTWORK_*` name written in the sources of a directory tree. */
function namesIn(dir: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
    if (!/\.(ts|mjs|cjs|js|sh)$/.test(file)) continue;
    for (const m of readFileSync(join(ROOT, dir, file), 'utf8').matchAll(/\bVIRTWORK_[A-Z0-9_]*[A-Z0-9]\b/g)) names.add(m[0]);
  }
  return names;
}

describe('the VIRTWORK_* variables the code reads', () => {
  it('are each a setting, allowlisted (read on purpose elsewhere) or a Go variable with a note, so none makes virtwork fail', () => {
    // GIVEN every VIRTWORK_* name in the code that runs for users (lib, bin, apps, scripts) and in the test harness
    const used = new Set([...['lib', 'bin', 'apps', 'scripts', 'test/harness'].flatMap((d) => [...namesIn(d)])]);

    // THEN each one passes the unknown-variable check of readEnv
    const passes = new Set([...knownEnvNames(), ...Object.keys(ENV_ALLOWLIST), ...GO_MOVED.map((o) => o.env).filter(Boolean)]);
    expect([...used].filter((n) => !passes.has(n)).sort()).toEqual(['VIRTWORK_VMCOUNT']); // the example of a typo in messages
  });
});
