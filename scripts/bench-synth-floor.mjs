// Child process of `npm run bench`: the serialization floor. Serializes the objects synthesis produced (captured from
// chart.toJson() into objects.json by bench-synth-child.ts plan) with the `yaml` library alone, one multi-document
// file per chart, and writes them to <outdir>. Prints one JSON line: wall time (serialize + write) and peak RSS.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const [objectsFile, outdir] = process.argv.slice(2);
if (!objectsFile || !outdir) {
  process.stderr.write('usage: bench-synth-floor.mjs <objects.json> <outdir>\n');
  process.exit(2);
}
const charts = JSON.parse(readFileSync(objectsFile, 'utf8'));
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

const cpu = process.cpuUsage();
const start = process.hrtime.bigint();
const files = new Map();
for (const [name, objects] of Object.entries(charts)) {
  files.set(name, objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
}
const serializeMs = ms(start);
mkdirSync(outdir, { recursive: true });
for (const [name, text] of files) writeFileSync(join(outdir, name), text);
const wallMs = ms(start);
const { user, system } = process.cpuUsage(cpu);
console.log(JSON.stringify({ wallMs, cpuMs: (user + system) / 1000, serializeMs, writeMs: wallMs - serializeMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
