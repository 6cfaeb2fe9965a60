import { WriteFile } from '../guest/cloud-init';
import { GUEST_FAMILY_TABLE, GuestFamily } from '../guest/guest-family';

/** Seconds the pgbench setup waits for PostgreSQL to accept connections. */
export const PG_READY_WAIT_SECONDS = 600;

/**
 * Files that make a family's PostgreSQL package leave the cluster to virtwork: Debian's postgresql-common creates
 * and starts a `main` cluster on install, before the data disk is mounted; this tells it not to (the include
 * directory is read by /etc/postgresql-common/createcluster.conf).
 */
export function postgresqlPackageFiles(family: GuestFamily): WriteFile[] {
  if (family !== 'debian') return [];
  return [{
    path: '/etc/postgresql-common/createcluster.d/virtwork.conf',
    permissions: '0644',
    content: '# virtwork: the cluster lives on the data disk; virtwork-database-initdb.service creates it.\ncreate_main_cluster = false\n',
  }];
}

/**
 * The initdb script (root, after the data disk is mounted, before PostgreSQL starts; idempotent): Fedora's
 * `postgresql-setup --initdb` in /var/lib/pgsql/data; on Debian a `main` cluster of the installed major version
 * whose data directory is the data disk (a cluster the package made elsewhere is dropped first), then started
 * without waiting (its unit is ordered after this one).
 */
export function initdbScript(family: GuestFamily): string {
  const dataDir = GUEST_FAMILY_TABLE[family].postgresql.dataDir;
  const head = [
    '#!/bin/bash',
    '# virtwork: create the PostgreSQL cluster on the data disk (root, before PostgreSQL starts; idempotent).',
    'set -euo pipefail',
    `DATA_DIR=${dataDir}`,
  ];
  const own = ['chown postgres:postgres "$DATA_DIR"', 'chmod 0700 "$DATA_DIR"'];
  if (family === 'fedora') {
    return [
      ...head,
      'if [ -f "$DATA_DIR/PG_VERSION" ]; then',
      '  echo "PostgreSQL cluster already in $DATA_DIR"',
      '  exit 0',
      'fi',
      ...own,
      'postgresql-setup --initdb',
      'if command -v restorecon >/dev/null 2>&1; then',
      '  restorecon -R "$DATA_DIR"',
      'fi',
      '',
    ].join('\n');
  }
  return [
    ...head,
    'VERSION=""',
    'for dir in /usr/lib/postgresql/*/bin/postgres; do',
    '  [ -x "$dir" ] || continue',
    '  v=${dir#/usr/lib/postgresql/}',
    '  VERSION=${v%%/*}',
    'done',
    'if [ -z "$VERSION" ]; then',
    '  echo "ERROR: no PostgreSQL server under /usr/lib/postgresql (package postgresql missing?)" >&2',
    '  exit 1',
    'fi',
    'CONF="/etc/postgresql/$VERSION/main"',
    'if [ -f "$CONF/postgresql.conf" ]; then',
    '  current=$(pg_conftool -s "$VERSION" main show data_directory 2>/dev/null || true)',
    '  if [ "$current" != "$DATA_DIR" ]; then',
    '    echo "dropping cluster $VERSION/main in ${current:-?}: virtwork\'s cluster lives on the data disk"',
    '    pg_dropcluster --stop "$VERSION" main',
    '  fi',
    'fi',
    '# The cluster\'s configuration lives in /etc (the root disk), its data on the data disk: a copy of the',
    '# configuration is kept on the data disk, so that a VM whose root disk is new again (a containerDisk after a',
    '# restart) takes its cluster over instead of failing (pg_createcluster cannot adopt a data directory without it).',
    'SAVED="$DATA_DIR/.virtwork-conf"',
    'if [ ! -f "$CONF/postgresql.conf" ]; then',
    '  if [ -f "$DATA_DIR/PG_VERSION" ] && [ -f "$SAVED/postgresql.conf" ]; then',
    '    echo "taking over the PostgreSQL cluster in $DATA_DIR (configuration kept on the data disk)"',
    '    mkdir -p "$(dirname "$CONF")"',
    '    cp -a "$SAVED" "$CONF"',
    '  else',
    ...own.map((l) => `    ${l}`),
    '    pg_createcluster -d "$DATA_DIR" "$VERSION" main',
    '  fi',
    '  systemctl daemon-reload',
    'fi',
    'rm -rf "$SAVED.partial"',
    'cp -a "$CONF" "$SAVED.partial"',
    'rm -rf "$SAVED"',
    'mv "$SAVED.partial" "$SAVED"',
    'systemctl start --no-block "postgresql@$VERSION-main.service"',
    'echo "PostgreSQL $VERSION cluster main in $DATA_DIR"',
    '',
  ].join('\n');
}

/** Drop-in that makes PostgreSQL wait for the data disk and initdb, whoever starts it (boot, runcmd, an admin). */
export function postgresqlDropIn(family: GuestFamily): WriteFile {
  return {
    path: `/etc/systemd/system/${GUEST_FAMILY_TABLE[family].postgresql.serverUnit}.d/virtwork.conf`,
    permissions: '0644',
    content: [
      '# virtwork: PostgreSQL runs on the data disk, so it starts only after the disk is mounted and initialized.',
      '[Unit]',
      'Requires=virtwork-database-initdb.service',
      'After=virtwork-database-initdb.service',
      '',
    ].join('\n'),
  };
}

/** As postgres: wait for the server, then the pgbench database and tables at the wanted scale (again only when it changes). */
export function prepareScript(family: GuestFamily, scale: number): string {
  return [
    '#!/bin/bash',
    '# virtwork: create and fill the pgbench tables (postgres user; again only when the scale factor changes).',
    'set -euo pipefail',
    `SCALE=${scale}`,
    `MARKER=${GUEST_FAMILY_TABLE[family].postgresql.dataDir}/.virtwork-pgbench-scale`,
    `for _ in $(seq 1 ${PG_READY_WAIT_SECONDS / 2}); do`,
    '  pg_isready -q && break',
    '  sleep 2',
    'done',
    'if ! pg_isready -q; then',
    `  echo "ERROR: PostgreSQL does not accept connections after ${PG_READY_WAIT_SECONDS}s" >&2`,
    '  exit 1',
    'fi',
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
