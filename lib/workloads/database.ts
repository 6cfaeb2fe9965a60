import { Construct } from 'constructs';
import { VirtworkError, show } from '../core/errors';
import { ParamInput, defineParams, int } from '../core/params';
import { parseQuantity } from '../core/quantity';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { dataDisk, dataDiskSetup } from './_disk-setup';
import { HEARTBEAT_HELPER, heartbeatWithin } from '../guest/health-responder';
import { UnitFile, Workload, WorkloadProps } from './_workload';
import { GUEST_FAMILY_TABLE } from '../guest/guest-family';
import { initdbScript, postgresqlDropIn, postgresqlPackageFiles, prepareScript } from './_postgresql';

/** pgbench needs about 16 MiB per scale unit; keep a fifth of the disk for WAL and vacuum. */
const BYTES_PER_SCALE = 16 * 1024 ** 2;
const INITDB = '/usr/local/bin/virtwork-database-initdb.sh';
const PREPARE = '/usr/local/bin/virtwork-database-prepare.sh';
/** Path of the drop-in on fedora guests that makes PostgreSQL wait for the data disk and initdb (see postgresqlDropIn). */
export const POSTGRESQL_DROP_IN = postgresqlDropIn('fedora').path;

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
 * `virtwork-dbdisk`, mounted at the family's data directory: `/var/lib/pgsql/data` on fedora,
 * `/var/lib/postgresql/virtwork` on debian). Boot order: mount the disk, initdb as root, PostgreSQL, `pgbench -i`
 * as postgres (again only when the scale factor changes), then `virtwork-database.service` as postgres.
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
    const pg = GUEST_FAMILY_TABLE[this.guestFamily].postgresql;
    const disk = dataDiskSetup({ id: 'database', serial: 'virtwork-dbdisk', mount: pg.dataDir });
    // Fedora: the server has one unit name; Debian: postgresql@<version>-main, started by the initdb script
    const server = this.guestFamily === 'fedora' ? [pg.serverUnit] : ['virtwork-database-initdb.service'];
    const threads = Math.min(2, p.clients);
    // a heartbeat after every pgbench run that succeeded (pgbench exits non-zero when the server or the tables fail it)
    const bench = `while true; do pgbench -c ${p.clients} -j ${threads} -T ${p.duration} pgbench && ${HEARTBEAT_HELPER} pgbench; sleep 10; done`;
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
          after: server,
          requires: server,
          service: [['Type', 'oneshot'], ['RemainAfterExit', 'yes'], ['User', 'postgres'], ['ExecStart', execLine([PREPARE])],
            ['TimeoutStartSec', '2h']],
        }),
      },
      {
        name: 'virtwork-database.service',
        noBlock: true,
        content: renderUnit({
          description: 'Virtwork database benchmark workload',
          after: ['network.target', ...server, 'virtwork-database-prepare.service'],
          requires: [...server, 'virtwork-database-prepare.service'],
          service: [['Type', 'simple'], ['User', 'postgres'], ['ExecStart', execLine(['/bin/bash', '-c', bench])],
            ['Restart', 'always'], ['RestartSec', '10']],
        }),
      },
    ];
    this.addRole({
      packages: ['postgresql-server', ...disk.packages],
      files: [
        ...postgresqlPackageFiles(this.guestFamily),
        ...disk.files,
        { path: INITDB, content: initdbScript(this.guestFamily), permissions: '0755' },
        { path: PREPARE, content: prepareScript(this.guestFamily, p['scale-factor']), permissions: '0755' },
        postgresqlDropIn(this.guestFamily),
      ],
      units,
      setup: disk.setup,
      beforeEnable: pg.enable.map((u) => ['systemctl', 'enable', u]),
      readiness: [{ kind: 'heartbeat', name: 'pgbench', within: heartbeatWithin(p.duration + 10), what: 'pgbench run' }],
      dataDisks: [dataDisk({ dataVolumeBase: 'virtwork-database-data', serial: 'virtwork-dbdisk', size: this.dataDiskSize })],
    });
  }
}
