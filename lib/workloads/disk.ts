import { Construct } from 'constructs';
import { VirtworkError, show } from '../core/errors';
import { ParamInput, defineParams, int, size } from '../core/params';
import { parseQuantity } from '../core/quantity';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { dataDisk, dataDiskSetup, filesystemUsableBytes } from './_disk-setup';
import { HEARTBEAT_HELPER, heartbeatWithin } from '../guest/health-responder';
import { Workload, WorkloadProps } from './_workload';

const FIO_BLOCK_SIZE = /^[1-9][0-9]*[kKmM]?$/;
const GIB = 1024 ** 3;
/** Files of the sequential profile (fixed, as in the reference). */
const SEQ_JOBS = 2;

/** The smallest whole-Gi data disk on which XFS leaves `needed` bytes free. */
function minimumDisk(needed: number): string {
  let gi = Math.ceil(needed / GIB);
  while (filesystemUsableBytes(gi * GIB) < needed) gi++;
  return `${gi}Gi`;
}

/** Params of {@link DiskWorkload}. */
export const DISK_PARAMS = defineParams({
  'block-size-rw': size({
    default: '4k', pattern: FIO_BLOCK_SIZE, example: '4k (bytes, or with a k or m suffix; at most 64m)', maxBytes: 64 * 1024 ** 2,
    description: 'Block size for random read/write fio profile',
  }),
  'block-size-seq': size({
    default: '128k', pattern: FIO_BLOCK_SIZE, example: '128k (bytes, or with a k or m suffix; at most 64m)', maxBytes: 64 * 1024 ** 2,
    description: 'Block size for sequential write fio profile',
  }),
  rwmixread: int({ default: 70, min: 0, max: 100, description: 'Read percentage in mixed read/write fio profile' }),
  numjobs: int({ default: 4, min: 1, max: 64, description: 'Number of parallel fio jobs (each writes a 1 GiB file)' }),
  runtime: int({ default: 300, min: 1, max: 86400, description: 'Runtime in seconds per fio profile run' }),
});

/** Props of {@link DiskWorkload}. */
export interface DiskWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see DISK_PARAMS for defaults). */
  readonly params?: ParamInput<typeof DISK_PARAMS.defs>;
}

/**
 * Alternates a mixed random read/write and a sequential write fio profile on a data disk
 * (`virtwork-disk.service`); the disk is a DataVolume `virtwork-disk-data-<vm>` found by serial `virtwork-disk`
 * and mounted at `/mnt/data` — or, with `dataDisk: { volumeMode: 'Block' }`, used as a raw device.
 */
export class DiskWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'disk';
  /** Param definitions. */
  public static readonly params = DISK_PARAMS;
  /** Mount point of the data disk in the guest. */
  public static readonly mountPoint = '/mnt/data';

  public constructor(scope: Construct, id: string, props: DiskWorkloadProps = {}) {
    super(scope, id, DiskWorkload.workloadName, props);
    const where = `${DiskWorkload.workloadName}.params`;
    const p = DISK_PARAMS.resolve(props.params, where);
    const mount = DiskWorkload.mountPoint;
    const raw = this.vmOptions.dataDisk?.volumeMode === 'Block';
    const disk = dataDiskSetup({ id: 'disk', serial: 'virtwork-disk', mount, volumeMode: raw ? 'Block' : 'Filesystem' });
    const needed = (p.numjobs + SEQ_JOBS) * GIB;
    const usable = filesystemUsableBytes(parseQuantity(this.dataDiskSize)!);
    if (!raw && needed > usable) {
      throw new VirtworkError(
        `${where}.numjobs: ${p.numjobs} mixed + ${SEQ_JOBS} sequential fio files of 1 GiB need ${needed / GIB}Gi, ` +
          `more than XFS leaves free on the data disk (dataDiskSize ${show(this.dataDiskSize)}: about ` +
          `${(usable / GIB).toFixed(2)}Gi): lower numjobs or raise dataDiskSize to ${minimumDisk(needed)} or more`,
      );
    }
    // On a file system every job writes its own 1 GiB file; on a raw device every job spans the whole device.
    const global = ['[global]', 'ioengine=libaio', 'direct=1', ...(raw ? [`filename=${disk.device}`] : [`directory=${mount}`, 'size=1G']), ''];
    const mixed = [...global, '[mixed-rw]', 'rw=randrw', `rwmixread=${p.rwmixread}`, `bs=${p['block-size-rw']}`,
      `numjobs=${p.numjobs}`, `runtime=${p.runtime}`, 'time_based', 'group_reporting', ''];
    const seq = [...global, '[seq-write]', 'rw=write', `bs=${p['block-size-seq']}`, `numjobs=${SEQ_JOBS}`,
      `runtime=${p.runtime}`, 'time_based', 'group_reporting', ''];
    // a heartbeat after every fio run that succeeded (fio exits non-zero on an I/O error, ENOSPC, a read-only disk)
    const beat = (profile: string) => `fio /etc/fio/${profile}.fio && ${HEARTBEAT_HELPER} disk ${profile}`;
    const loop = `while true; do ${beat('mixed-rw')}; sleep 10; ${beat('seq-write')}; sleep 10; done`;
    this.addRole({
      packages: ['fio', ...disk.packages],
      files: [
        ...disk.files,
        { path: '/etc/fio/mixed-rw.fio', content: mixed.join('\n'), permissions: '0644' },
        { path: '/etc/fio/seq-write.fio', content: seq.join('\n'), permissions: '0644' },
      ],
      units: [
        ...disk.units,
        {
          name: 'virtwork-disk.service',
          content: renderUnit({
            description: 'Virtwork disk I/O workload',
            after: ['network.target', 'local-fs.target', disk.unitName],
            requires: [disk.unitName],
            service: [['Type', 'simple'], ['ExecStart', execLine(['/bin/bash', '-c', loop])], ['Restart', 'always'], ['RestartSec', '10']],
          }),
        },
      ],
      setup: disk.setup,
      readiness: [{ kind: 'heartbeat', name: 'disk', within: heartbeatWithin(p.runtime + 10), what: 'fio run' }],
      dataDisks: [dataDisk({ dataVolumeBase: 'virtwork-disk-data', serial: 'virtwork-disk', size: this.dataDiskSize })],
    });
  }
}
