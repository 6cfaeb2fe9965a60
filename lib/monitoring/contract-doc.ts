import { DEFAULT_CPU_CORES } from '../vm/sizing';
import { BUILTIN_WORKLOADS } from '../workloads/_registry';
import { SIGNAL_TABLES, describeMin } from '../signals/contract';
import { KUBEVIRT_METRICS_VERSION } from '../signals/kubevirt-metrics';
import { SIGNAL_KINDS, SIGNAL_KIND_IDS } from '../signals/signal-kinds';
import { promDuration } from '../signals/_promql';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown table of every built-in workload's contract with default params (and the default 2 cores). */
export function contractTable(): string {
  const rows = Object.keys(SIGNAL_TABLES).map((name) => {
    const params = BUILTIN_WORKLOADS[name].params.resolve({}, `${name}.params`);
    return SIGNAL_TABLES[name]({ params, cpuCores: DEFAULT_CPU_CORES }).map((s) =>
      `| \`${name}\` | ${s.role ?? 'all'} | \`${s.kind}\` | ${cell(describeMin(s.min, SIGNAL_KINDS[s.kind].unit))} | ${promDuration(s.windowSeconds)} | ${cell(s.basis)}` +
      `${s.activeSeconds !== undefined ? ` (load ends after ${s.activeSeconds}s: no flat alert)` : ''} |`);
  }).flat();
  return ['| workload | VMs | signal | floor (defaults) | window | floor derived from |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The Markdown table of the signal kinds: unit, KubeVirt metrics read and the PromQL per VM. */
export function kindsTable(): string {
  return [
    `| signal | unit | KubeVirt ${KUBEVIRT_METRICS_VERSION} metrics | per-VM value (\`<sel>\`: \`namespace\`, \`name\` of the run's VMs) |`,
    '| --- | --- | --- | --- |',
    ...SIGNAL_KIND_IDS.map((id) => {
      const k = SIGNAL_KINDS[id];
      const expr = k.expr({ namespace: 'NS', name: 'VM' }, 300).replace(/\{namespace="NS",name="VM"\}/g, '{<sel>}');
      return `| \`${id}\` | ${k.unit} | ${k.metrics.map((m) => `\`${m}\``).join(', ')} | \`${cell(expr)}\` |`;
    }),
  ].join('\n');
}

/** `current` (docs/signals.md) with its generated blocks (`<!-- signals:contract -->`, `<!-- signals:kinds -->`) rewritten. */
export function renderSignalsDoc(current: string): string {
  const blocks: Record<string, () => string> = { contract: contractTable, kinds: kindsTable };
  const seen = new Set<string>();
  const out = current.replace(/<!-- signals:([a-z]+) -->\n[\s\S]*?<!-- \/signals:\1 -->/g, (_b, name: string) => {
    if (!blocks[name]) throw new Error(`docs/signals.md: unknown generated block "${name}"`);
    seen.add(name);
    return `<!-- signals:${name} -->\n${blocks[name]()}\n<!-- /signals:${name} -->`;
  });
  const missing = Object.keys(blocks).filter((b) => !seen.has(b));
  if (missing.length > 0) throw new Error(`docs/signals.md: no generated block ${missing.join(', ')} (add <!-- signals:<name> --> <!-- /signals:<name> -->)`);
  return out;
}
