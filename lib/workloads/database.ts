import { Construct } from 'constructs';
import { VirtworkError, show } from '../errors';
import { ParamInput, defineParams, int } from '../params';
import { parseQuantity } from '../quantity';
import { execLine, renderUnit } from '../systemd-unit';
import { dataDisk, dataDiskSetup } from './_disk-setup';
import { UnitFile, Workload, WorkloadProps } from './_workload';

/** PostgreSQL data directory of the Fedora package, where the data disk is mounted. */
const DATA_DIR = '/var/lib/pgsql/data';
/** pgbench needs about 16 MiB per scale unit; keep a fifth of the disk for WAL and vacuum. */
const BYTES_PER_SCALE = 16 * 1024 ** 2;
const INITDB = '/usr/local/bin/virtwork-database-initdb.sh';
const PREPARE = '/usr/local/bin/virtwork-database-prepare.sh';
/** Drop-in that makes PostgreSQL wait for the data disk and initdb, whoever starts it (boot, runcmd, an admin). */
export const POSTGRESQL_DROP_IN = '/etc/systemd/system/postgresql.service.d/virtwork.conf';

/** Params of {@link DatabaseWorkload}. */
export const DATABASE_PARAMS = defineParams({
  'scale-factor': int({ default: 50, min: 1, max: 100000, description: 'pgbench scale factor (-s), about 16 MiB of data each' }),
  clients: int({ default: 10, min: 1, max: 1000, description: 'Number of concurrent pgbench clients (-c)' }),
  duration: int({ default: 300, min: 1, max: 86400, description: 'pgbench run duration in seconds (-T)' }),
});

/** Props of {@link DatabaseWorkload}. */
export interface DatabaseWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see DATABASE_PARAMS for defaults). */
  readonly params?: ParamInput<typeof DATABASE_PARAMS.defs>;
}

/**
 * Runs pgbench against PostgreSQL whose data directory is a data disk (`virtwork-database-data-<vm>`, serial
 * `virtwork-dbdisk`, mounted at `/var/lib/pgsql/data`). Boot order: mount the disk, `initdb` as root, PostgreSQL,
 * `pgbench -i` as postgres (again only when the scale factor changes), then `virtwork-database.service` as postgres.
 */
export class DatabaseWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'database';
  /** Param definitions. */
  public static readonly params = DATABASE_PARAMS;

  public constructor(scope: Construct, id: string, props: DatabaseWorkloadProps = {}) {
    super(scope, id, DatabaseWorkload.workloadName, props);
    const where = `${DatabaseWorkload.workloadName}.params`;
    const p = DATABASE_PARAMS.resolve(props.params, where);
    const usable = (parseQuantity(this.dataDiskSize)! * 4) / 5;
    if (p['scale-factor'] * BYTES_PER_SCALE > usable) {
      throw new VirtworkError(
        `${where}.scale-factor: ${p['scale-factor']} needs about ${Math.ceil((p['scale-factor'] * BYTES_PER_SCALE) / 1024 ** 2)}Mi, ` +
          `more than 80% of the data disk (dataDiskSize ${show(this.dataDiskSize)}): lower scale-factor or raise dataDiskSize`,
      );
    }
    const disk = dataDiskSetup({ id: 'database', serial: 'virtwork-dbdisk', mount: DATA_DIR });
    const threads = Math.min(2, p.clients);
    const bench = `while true; do pgbench -c ${p.clients} -j ${threads} -T ${p.duration} pgbench; sleep 10; done`;
    const units: UnitFile[] = [
      ...disk.units,
      {
        name: 'virtwork-database-initdb.service',
        content: renderUnit({
          description: 'Virtwork database: initdb on the data disk',
          after: [disk.unitName],
          requires: [disk.unitName],
          service: [['Type', 'oneshot'], ['RemainAfterExit', 'yes'], ['ExecStart', execLine([INITDB])]],
        }),
      },
      {
        name: 'virtwork-database-prepare.service',
        noBlock: true,
        content: renderUnit({
          description: 'Virtwork database: pgbench tables',
          after: ['postgresql.service'],
          requires: ['postgresql.service'],
          service: [['Type', 'oneshot'], ['RemainAfterExit', 'yes'], ['User', 'postgres'], ['ExecStart', execLine([PREPARE])],
            ['TimeoutStartSec', '2h']],
        }),
      },
      {
        name: 'virtwork-database.service',
        noBlock: true,
        content: renderUnit({
          description: 'Virtwork database benchmark workload',
          after: ['network.target', 'postgresql.service', 'virtwork-database-prepare.service'],
          requires: ['postgresql.service', 'virtwork-database-prepare.service'],
          service: [['Type', 'simple'], ['User', 'postgres'], ['ExecStart', execLine(['/bin/bash', '-c', bench])],
            ['Restart', 'always'], ['RestartSec', '10']],
        }),
      },
    ];
    this.addRole({
      packages: ['postgresql-server'],
      files: [
        ...disk.files,
        { path: INITDB, content: initdbScript(), permissions: '0755' },
        { path: PREPARE, content: prepareScript(p['scale-factor']), permissions: '0755' },
        { path: POSTGRESQL_DROP_IN, content: postgresqlDropIn(), permissions: '0644' },
      ],
      units,
      setup: disk.setup,
      beforeEnable: [['systemctl', 'enable', 'postgresql.service']],
      readyWhenActive: [...units.map((u) => u.name), 'postgresql.service'],
      dataDisks: [dataDisk({ dataVolumeBase: 'virtwork-database-data', serial: 'virtwork-dbdisk', size: this.dataDiskSize })],
    });
  }
}

function postgresqlDropIn(): string {
  return [
    '# virtwork: PostgreSQL runs on the data disk, so it starts only after the disk is mounted and initialized.',
    '[Unit]',
    'Requires=virtwork-database-initdb.service',
    'After=virtwork-database-initdb.service',
    '',
  ].join('\n');
}

/** As root, after the disk is mounted and before PostgreSQL starts: a cluster on the data disk, once. */
function initdbScript(): string {
  return [
    '#!/bin/bash',
    '# virtwork: create the PostgreSQL cluster on the data disk (root, before postgresql.service; idempotent).',
    'set -euo pipefail',
    `DATA_DIR=${DATA_DIR}`,
    'if [ -f "$DATA_DIR/PG_VERSION" ]; then',
    '  echo "PostgreSQL cluster already in $DATA_DIR"',
    '  exit 0',
    'fi',
    'chown postgres:postgres "$DATA_DIR"',
    'chmod 0700 "$DATA_DIR"',
    'postgresql-setup --initdb',
    'if command -v restorecon >/dev/null 2>&1; then',
    '  restorecon -R "$DATA_DIR"',
    'fi',
    '',
  ].join('\n');
}

/** As postgres, with PostgreSQL running: the pgbench database and tables at the wanted scale. */
function prepareScript(scale: number): string {
  return [
    '#!/bin/bash',
    '# virtwork: create and fill the pgbench tables (postgres user; again only when the scale factor changes).',
    'set -euo pipefail',
    `SCALE=${scale}`,
    `MARKER=${DATA_DIR}/.virtwork-pgbench-scale`,
    'if [ "$(cat "$MARKER" 2>/dev/null || true)" = "$SCALE" ]; then',
    '  echo "pgbench tables already at scale $SCALE"',
    '  exit 0',
    'fi',
    'if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = \'pgbench\'" | grep -q 1; then',
    '  createdb pgbench',
    'fi',
    'pgbench -i -s "$SCALE" pgbench',
    'echo "$SCALE" > "$MARKER"',
    '',
  ].join('\n');
}
