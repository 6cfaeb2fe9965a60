import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDefault, renderConfigTemplate, renderConfigurationDoc } from '../../lib/config/docs';
import { parseConfigFile } from '../../lib/config/loader';
import { SETTINGS, WORKLOAD_ENTRY, WORKLOAD_FLAGS } from '../../lib/config/schema';
import { Setting } from '../../lib/config/setting';
import { loadConfig } from '../../lib/config/synth-input';
import { BUILTIN_WORKLOADS, DEFAULT_WORKLOADS } from '../../lib/workloads/_registry';
import { scratch, writeFiles } from '../cli/_run';

const ROOT = resolve(__dirname, '..', '..');

describe('docs/configuration.md', () => {
  it('is up to date with lib/config/schema.ts (run `npm run docs:config` when this fails)', () => {
    expect(readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8')).toBe(renderConfigurationDoc());
  });

  it.each([...Object.values(SETTINGS), ...Object.values(WORKLOAD_FLAGS)] as Setting[])('documents $key: key, type, default, variable, flag', (s) => {
    const doc = renderConfigurationDoc();
    const section = doc.slice(doc.indexOf(`### \`${s.key}\``));
    expect(section).toContain(`- type: ${s.type}; allowed: ${s.allowed}`);
    expect(section).toContain(`- default: ${formatDefault(s)}`);
    expect(section).toContain(s.env === undefined ? '- environment: none' : `\`${s.env}\``);
    expect(section).toContain(s.flag === undefined ? '- flag: none' : `- flag: \`${s.flag}\``);
    expect(section).toContain(s.description);
  });

  it('documents every key of a workloads entry', () => {
    const doc = renderConfigurationDoc();
    for (const key of ['enabled', 'params', 'vm-count', 'cpu-cores', 'memory', 'disk-size']) expect(doc).toMatch(new RegExp(`^\\| \`${key}\` \\|`, 'm'));
    expect(doc).toContain(WORKLOAD_ENTRY.enabled.description);
  });
});

describe('renderConfigTemplate', () => {
  it('is a valid configuration that selects the default workloads', () => {
    const layer = parseConfigFile(renderConfigTemplate(), 'virtwork.yaml', '/');
    expect(layer.settings).toEqual({});
    expect([...layer.workloads.keys()]).toEqual(DEFAULT_WORKLOADS);
  });

  it('shows the real defaults: uncommented, it still loads to exactly the defaults', () => {
    // GIVEN the template with every commented `key: value` line uncommented
    let inParams = false;
    const uncommented = renderConfigTemplate().split('\n').map((line) => {
      let m = /^(\s*)# (params:)$/.exec(line);
      if (m) {
        inParams = true;
        return m[1] + m[2];
      }
      m = inParams ? /^(\s*)# ( {2}[a-z][-a-z]*: \S.*)$/.exec(line) : null;
      if (m) return m[1] + m[2];
      inParams = false;
      m = /^(\s*)# ([a-z][-a-z]*: \S.*)$/.exec(line);
      return m ? m[1] + m[2] : line;
    }).join('\n');
    expect(uncommented).toMatch(/^ {6}cpu-load-percent: 100$/m);
    const { dir, cleanup } = scratch();
    try {
      writeFiles(dir, { 'virtwork.yaml': uncommented });
      // WHEN loaded
      const { input, merged } = loadConfig({ env: {}, cwd: dir });

      // THEN the settings and every param are the defaults
      for (const [name, s] of Object.entries(SETTINGS) as Array<[keyof typeof SETTINGS, Setting]>) {
        if (s.default !== undefined) expect([name, merged.settings[name]]).toEqual([name, s.default]);
      }
      expect(merged.file!.settings).toEqual(expect.objectContaining({ namespace: 'virtwork', vmCount: 1, cpuCores: 2 }));
      for (const w of input.workloads) {
        const defaults = Object.fromEntries(BUILTIN_WORKLOADS[w.name].params.describe().map((p) => [p.key, p.default]));
        expect(Object.fromEntries(Object.entries(w.params ?? {}).map(([k, v]) => [k, String(v)]))).toEqual(defaults);
      }
    } finally {
      cleanup();
    }
  });
});
