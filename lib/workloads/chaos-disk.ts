import { Construct } from 'constructs';
import { ParamInput, defineParams, int, str } from '../core/params';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { shellQuote } from '../guest/_shell';
import { checkMountPoint, dataDisk, dataDiskSetup } from './_disk-setup';
import { HEARTBEAT_HELPER, heartbeatWithin } from '../guest/health-responder';
import { Workload, WorkloadProps } from './_workload';

const SCRIPT = '/usr/local/bin/virtwork-chaos-disk.sh';

/** Params of {@link ChaosDiskWorkload}. */
export const CHAOS_DISK_PARAMS = defineParams({
  mount: str({
    default: '/mnt/data',
    pattern: /^(\/[A-Za-z0-9_.-]+)+$/,
    allowed: 'an absolute path of letters, digits, ".", "_" and "-" segments, not a system directory (e.g. /mnt/data)',
    description: 'Mount point for the data disk',
  }),
  'fill-percent': int({ default: 90, min: 1, max: 100, description: 'Target fill percentage of the data disk' }),
  'fill-sleep': int({ default: 60, min: 1, max: 86400, description: 'Seconds to hold disk at fill level before releasing' }),
  'release-sleep': int({ default: 30, min: 1, max: 86400, description: 'Seconds to wait after releasing before re-filling' }),
});

/** Props of {@link ChaosDiskWorkload}. */
export interface ChaosDiskWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see CHAOS_DISK_PARAMS for defaults). */
  readonly params?: ParamInput<typeof CHAOS_DISK_PARAMS.defs>;
}

/**
 * Fills the data disk (`virtwork-chaos-disk-data-<vm>`, serial `virtwork-chdisk`) to a percentage, holds it, releases
 * it, forever (`virtwork-chaos-disk.service`). Destructive to that disk's free space only: it refuses to run when the
 * data disk is not mounted, so it can never fill the root file system. Opt-in: never a default workload.
 */
export class ChaosDiskWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'chaos-disk';
  /** Param definitions. */
  public static readonly params = CHAOS_DISK_PARAMS;

  public constructor(scope: Construct, id: string, props: ChaosDiskWorkloadProps = {}) {
    super(scope, id, ChaosDiskWorkload.workloadName, props);
    const where = `${ChaosDiskWorkload.workloadName}.params`;
    const p = CHAOS_DISK_PARAMS.resolve(props.params, where);
    checkMountPoint(`${where}.mount:`, p.mount);
    const disk = dataDiskSetup({ id: 'chaos-disk', serial: 'virtwork-chdisk', mount: p.mount });
    this.addRole({
      packages: disk.packages,
      files: [...disk.files, { path: SCRIPT, content: fillScript(p), permissions: '0755' }],
      units: [
        ...disk.units,
        {
          name: 'virtwork-chaos-disk.service',
          content: renderUnit({
            description: 'Virtwork chaos-disk fill/release workload',
            after: ['local-fs.target', disk.unitName],
            requires: [disk.unitName],
            service: [['Type', 'simple'], ['ExecStart', execLine([SCRIPT])], ['Restart', 'always'], ['RestartSec', '10']],
          }),
        },
      ],
      setup: disk.setup,
      // beats after every fill and every release: a disk that cannot be filled (or a script that stopped) is not Ready
      readiness: [{ kind: 'heartbeat', name: 'chaos-disk', within: heartbeatWithin(Math.max(p['fill-sleep'], p['release-sleep'])), what: 'fill or release' }],
      dataDisks: [dataDisk({ dataVolumeBase: 'virtwork-chaos-disk-data', serial: 'virtwork-chdisk', size: this.dataDiskSize })],
    });
  }
}

function fillScript(p: { mount: string; 'fill-percent': number; 'fill-sleep': number; 'release-sleep': number }): string {
  return [
    '#!/bin/bash',
    '# virtwork chaos-disk: fill the data disk to FILL_PERCENT, hold, release, repeat.',
    'set -euo pipefail',
    `MOUNT_POINT=${shellQuote(p.mount)}`,
    `FILL_PERCENT=${p['fill-percent']}`,
    `FILL_SLEEP=${p['fill-sleep']}`,
    `RELEASE_SLEEP=${p['release-sleep']}`,
    'FILL_FILE="$MOUNT_POINT/chaos-disk-fill"',
    '',
    '# Never fill the root file system: the data disk must be mounted here.',
    'if ! mountpoint -q "$MOUNT_POINT"; then',
    '  echo "ERROR: $MOUNT_POINT is not a mount point; refusing to fill it" >&2',
    '  exit 1',
    'fi',
    'trap \'rm -f "$FILL_FILE"\' EXIT',
    '',
    'while true; do',
    '  read -r TOTAL_KB USED_KB < <(df -Pk "$MOUNT_POINT" | awk \'NR == 2 { print $2, $3 }\')',
    '  TARGET_KB=$((TOTAL_KB * FILL_PERCENT / 100))',
    '  FILL_KB=$((TARGET_KB - USED_KB))',
    '  if [ "$FILL_KB" -gt 0 ]; then',
    '    echo "filling $MOUNT_POINT with ${FILL_KB}K to reach ${FILL_PERCENT}%"',
    '    if fallocate -l "${FILL_KB}K" "$FILL_FILE" || dd if=/dev/zero of="$FILL_FILE" bs=1K count="$FILL_KB" status=none; then',
    `      ${HEARTBEAT_HELPER} chaos-disk "filled to $FILL_PERCENT%" || true`,
    '    else',
    '      echo "could not fill $MOUNT_POINT (fallocate and dd failed)" >&2',
    '    fi',
    '  else',
    '    echo "$MOUNT_POINT already at or above ${FILL_PERCENT}%"',
    `    ${HEARTBEAT_HELPER} chaos-disk "already at $FILL_PERCENT%" || true`,
    '  fi',
    '  sleep "$FILL_SLEEP"',
    '  rm -f "$FILL_FILE"',
    '  echo "released $FILL_FILE"',
    `  ${HEARTBEAT_HELPER} chaos-disk released || true`,
    '  sleep "$RELEASE_SLEEP"',
    'done',
    '',
  ].join('\n');
}
