// Child process of `npm run bench` (scripts/bench-fleet.mjs): expands one fleet of <vms> VMs from virtwork.yaml text
// and prints one JSON line: the time of each step and the peak RSS of this process. Run with `node --import tsx`.
//
//   node --import tsx scripts/bench-fleet-child.ts <vms> <dir>
//
// Steps: config (parse virtwork.yaml with the fleet, the mix counts, every instance's settings and params checked),
// build (buildApp: the workload constructs of every instance), check (the app-wide duplicate-name and selector
// check on the whole app, already part of build, timed once more on its own).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../lib/config/synth-input';
import { buildApp } from '../lib/render/synth';
import { checkAppObjects } from '../lib/vm/unique-objects';

const [vms, dir] = [Number(process.argv[2]), process.argv[3]];
const MEMBERS = ['cpu', 'memory', 'disk', 'database'];
// members of at most 500 VMs each (an instance holds at most 1000), weights 4:3:2:1 over the four workloads
const groups = Math.ceil(vms / 500);
const lines = ['workloads: { cpu: { enabled: false }, memory: { enabled: false } }', 'fleets:', '  bench:', `    vm-count: ${vms}`, '    mix:'];
for (let g = 0; g < groups; g++) {
  MEMBERS.forEach((w, i) => lines.push(`      ${w}-${g}: { workload: ${w}, share: ${MEMBERS.length - i} }`));
}
writeFileSync(join(dir, 'virtwork.yaml'), `${lines.join('\n')}\n`);

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
let t = process.hrtime.bigint();
const loaded = loadConfig({ env: {}, cwd: dir });
const configMs = ms(t);
t = process.hrtime.bigint();
const cpu = process.cpuUsage();
const app = buildApp(loaded.input);
const buildMs = ms(t);
const used = process.cpuUsage(cpu);
const buildCpuMs = (used.user + used.system) / 1000;
t = process.hrtime.bigint();
checkAppObjects(app);
const checkMs = ms(t);
const instances = loaded.merged.file?.fleets?.[0].instances ?? [];
process.stdout.write(`${JSON.stringify({
  vms: instances.reduce((n, i) => n + i.vms, 0),
  instances: instances.length,
  configMs,
  buildMs,
  buildCpuMs,
  checkMs,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
})}\n`);
