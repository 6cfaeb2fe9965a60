import { Construct } from 'constructs';
import { shellQuote } from '../guest/_shell';
import { VirtworkError, show } from '../core/errors';
import { ParamInput, bool, defineParams, int, list, oneOf, size, sizeBytes } from '../core/params';
import { parseQuantity } from '../core/quantity';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { dataDisk, dataDiskSetup, filesystemUsableBytes } from './_disk-setup';
import { Workload, WorkloadProps } from './_workload';

/** fio access patterns the matrix may run. */
export const FIO_PROFILES = ['randread', 'randwrite', 'randrw', 'read', 'write', 'rw'] as const;
const BLOCK_SIZE = /^[1-9][0-9]{0,5}[kKmM]?$/;

/** Where the guest keeps the results: one fio JSON per run, `<nn>-<profile>-<bs>.json`. */
export const RESULTS_DIR = '/var/lib/virtwork/storage-bench/results';
/** Written (with the UTC time) when every run of the matrix has its result. */
export const DONE_MARKER = '/var/lib/virtwork/storage-bench/done';
/** The fio job files, one per run of the matrix. */
export const JOBS_DIR = '/etc/virtwork/storage-bench';
/** Mount point of the data disk with volumeMode Filesystem. */
export const BENCH_MOUNT = '/mnt/bench';
const SCRIPT = '/usr/local/bin/virtwork-storage-bench.sh';
const UNIT = 'virtwork-storage-bench.service';
const SERIAL = 'virtwork-bench';

/** Params of {@link StorageBenchWorkload}. */
export const STORAGE_BENCH_PARAMS = defineParams({
  profiles: list({
    default: ['randread', 'randwrite', 'read', 'write'],
    item: new RegExp(`^(${FIO_PROFILES.join('|')})$`),
    allowed: `a list of fio patterns: ${FIO_PROFILES.join(', ')}`,
    description: 'fio access patterns of the matrix (rows)',
  }),
  'block-sizes': list({
    default: ['4k', '64k', '1m'],
    item: BLOCK_SIZE,
    allowed: 'a list of block sizes like 4k;64k;1m',
    description: 'Block sizes of the matrix (columns); every profile runs with every block size',
  }),
  runtime: int({ default: 60, min: 5, max: 86400, description: 'Seconds each run of the matrix measures (after ramp-time)' }),
  'ramp-time': int({ default: 10, min: 0, max: 3600, description: 'Seconds each run warms up before measuring' }),
  iodepth: int({ default: 32, min: 1, max: 1024, description: 'I/O depth of each fio job' }),
  numjobs: int({ default: 1, min: 1, max: 64, description: 'Parallel fio jobs per run' }),
  'file-size': size({
    default: '4G', pattern: /^[1-9][0-9]*[kKmMgG]$/, example: '4G', maxBytes: 2 ** 50,
    description: 'Bytes each job works on (a file per job on a file system, a region of the raw device with Block)',
  }),
  rwmixread: int({ default: 70, min: 0, max: 100, description: 'Read percentage of the randrw and rw profiles' }),
  ioengine: oneOf({ default: 'libaio', values: ['libaio', 'io_uring', 'psync'], description: 'fio I/O engine' }),
  direct: bool({ default: true, description: 'O_DIRECT I/O (bypass the guest page cache)' }),
});

/** Props of {@link StorageBenchWorkload}. */
export interface StorageBenchWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see STORAGE_BENCH_PARAMS for defaults). */
  readonly params?: ParamInput<typeof STORAGE_BENCH_PARAMS.defs>;
}

type Params = ReturnType<typeof STORAGE_BENCH_PARAMS.resolve>;

/**
 * A storage benchmark in the spirit of the fio suites: every profile × block size of the matrix runs once, in
 * order, on the data disk (`virtwork-storage-bench-data-<vm>`, serial `virtwork-bench`; formatted and mounted at
 * `/mnt/bench`, or used raw with `dataDisk.volumeMode: Block`). Each run leaves its fio JSON in RESULTS_DIR; when
 * all are there the DONE_MARKER is written and `virtwork-storage-bench.service` (oneshot, RemainAfterExit) becomes
 * active, so the VMI turns Ready only when the matrix is complete: `virtwork-apply wait` waits for the results and
 * `virtwork-apply status` shows which VMs are done. A reboot resumes where it stopped. Not a default workload.
 */
export class StorageBenchWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'storage-bench';
  /** Param definitions. */
  public static readonly params = STORAGE_BENCH_PARAMS;

  public constructor(scope: Construct, id: string, props: StorageBenchWorkloadProps = {}) {
    super(scope, id, StorageBenchWorkload.workloadName, props);
    const where = `${StorageBenchWorkload.workloadName}.params`;
    const p = STORAGE_BENCH_PARAMS.resolve(props.params, where);
    const block = this.vmOptions.dataDisk?.volumeMode === 'Block';
    const needed = p.numjobs * sizeBytes(p['file-size'])!;
    const available = parseQuantity(this.dataDiskSize)!;
    if (needed > (block ? available : filesystemUsableBytes(available))) {
      throw new VirtworkError(`${where}: ${p.numjobs} jobs × file-size ${show(p['file-size'])} need more than ${block ? 'the data disk' : 'XFS leaves free on the data disk'} ` +
        `(dataDiskSize ${show(this.dataDiskSize)}): lower numjobs or file-size, or raise dataDiskSize`);
    }
    const disk = dataDiskSetup({ id: 'bench', serial: SERIAL, mount: BENCH_MOUNT, volumeMode: block ? 'Block' : 'Filesystem' });
    const runs = matrix(p);
    const target = block ? [`filename=${disk.device}`] : [`directory=${BENCH_MOUNT}`];
    this.addRole({
      packages: ['fio', ...disk.packages],
      files: [
        ...disk.files,
        ...runs.map((r) => ({ path: `${JOBS_DIR}/${r.name}.fio`, content: jobFile(p, r, target), permissions: '0644' })),
        { path: SCRIPT, content: benchScript(runs.map((r) => r.name)), permissions: '0755' },
      ],
      units: [
        ...disk.units,
        {
          name: UNIT,
          noBlock: true,
          content: renderUnit({
            description: 'Virtwork storage benchmark (fio matrix, once)',
            after: ['local-fs.target', disk.unitName],
            requires: [disk.unitName],
            service: [
              ['Type', 'oneshot'], ['RemainAfterExit', 'yes'], ['ExecStart', execLine([SCRIPT])],
              ['TimeoutStartSec', 'infinity'], ['Restart', 'on-failure'], ['RestartSec', '30'],
            ],
          }),
        },
      ],
      setup: disk.setup,
      // a one-off matrix: Ready once every run's result is kept (the unit then stays active, RemainAfterExit)
      readiness: [{ kind: 'done', name: 'storage-bench', file: DONE_MARKER, what: 'fio matrix' }],
      dataDisks: [dataDisk({ dataVolumeBase: 'virtwork-storage-bench-data', serial: SERIAL, size: this.dataDiskSize })],
    });
  }
}

/** One run of the matrix. */
interface Run {
  readonly name: string;
  readonly profile: string;
  readonly bs: string;
}

/** Profiles × block sizes, in the order given, named `<nn>-<profile>-<bs>` so that files sort in run order. */
function matrix(p: Params): Run[] {
  const profiles = [...new Set(p.profiles)];
  const sizes = [...new Set(p['block-sizes'].map((b) => b.toLowerCase()))];
  const runs = profiles.flatMap((profile) => sizes.map((bs) => ({ profile, bs })));
  return runs.map((r, i) => ({ ...r, name: `${String(i + 1).padStart(2, '0')}-${r.profile}-${r.bs}` }));
}

function jobFile(p: Params, r: Run, target: readonly string[]): string {
  return [
    '[global]',
    `ioengine=${p.ioengine}`,
    `direct=${p.direct ? 1 : 0}`,
    ...target,
    `size=${p['file-size']}`,
    `iodepth=${p.iodepth}`,
    `numjobs=${p.numjobs}`,
    `runtime=${p.runtime}`,
    `ramp_time=${p['ramp-time']}`,
    'time_based',
    'group_reporting',
    '',
    `[${r.profile}-${r.bs}]`,
    `rw=${r.profile}`,
    `bs=${r.bs}`,
    ...(r.profile === 'randrw' || r.profile === 'rw' ? [`rwmixread=${p.rwmixread}`] : []),
    '',
  ].join('\n');
}

function benchScript(names: readonly string[]): string {
  return [
    '#!/bin/bash',
    '# virtwork storage-bench: run each fio job of the matrix once, keep its JSON result, then mark the matrix done.',
    '# A run whose result exists is not repeated, so a restart or a reboot resumes where it stopped.',
    'set -euo pipefail',
    `RESULTS=${shellQuote(RESULTS_DIR)}`,
    `DONE=${shellQuote(DONE_MARKER)}`,
    `JOBS=${shellQuote(JOBS_DIR)}`,
    'mkdir -p "$RESULTS"',
    'if [ -e "$DONE" ]; then',
    '  echo "storage-bench: matrix already complete ($(cat "$DONE"))"',
    '  exit 0',
    'fi',
    `RUNS=(${names.map(shellQuote).join(' ')})`,
    'for name in "${RUNS[@]}"; do',
    '  out="$RESULTS/$name.json"',
    '  if [ -s "$out" ]; then',
    '    continue',
    '  fi',
    '  echo "storage-bench: running $name"',
    '  fio --output-format=json --output="$out.partial" "$JOBS/$name.fio"',
    '  mv "$out.partial" "$out"',
    'done',
    'date -u +%Y-%m-%dT%H:%M:%SZ > "$DONE.partial"',
    'mv "$DONE.partial" "$DONE"',
    `echo "storage-bench: ${names.length} runs complete, results in $RESULTS"`,
    '',
  ].join('\n');
}
