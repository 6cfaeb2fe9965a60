#!/bin/bash
# virtwork mariadb-sysbench server: configures MariaDB, hands it the data disk mounted at /var/lib/mysql, starts it
# and makes sure the benchmark account exists. Runs on every boot, after the data disk is mounted (idempotent).
# mariadb.service itself is not enabled, so it can never start on an unmounted data directory.
set -euo pipefail

DATADIR=/var/lib/mysql

# Server option files: Fedora reads /etc/my.cnf.d, Debian /etc/mysql/mariadb.conf.d (after its 50-server.cnf,
# which binds to 127.0.0.1: the clients come through the Service, so listen on every address).
GUEST_FAMILY={{virtwork:guest-family}}
case "$GUEST_FAMILY" in
  debian) CNF=/etc/mysql/mariadb.conf.d/90-virtwork.cnf ;;
  *) CNF=/etc/my.cnf.d/virtwork.cnf ;;
esac
cat > "$CNF" <<CNF
# Written by virtwork (mariadb-sysbench).
[mysqld]
innodb_buffer_pool_size={{buffer-pool-size}}
max_connections={{max-connections}}
bind-address=0.0.0.0
CNF
chmod 0644 "$CNF"

# The data disk is mounted with a root-owned, empty file system. Fedora's mariadb.service initializes an empty data
# directory on its first start; Debian's package starts (and enables) MariaDB on the root disk at install time and
# never initializes one, so there it is stopped, disabled and the data directory initialized here.
chown mysql:mysql "$DATADIR"
chmod 0755 "$DATADIR"
if [ "$GUEST_FAMILY" = debian ]; then
  systemctl disable mariadb.service
  if [ ! -d "$DATADIR/mysql" ]; then
    systemctl stop mariadb.service
    mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db
  fi
fi
systemctl start mariadb.service

for _ in $(seq 1 90); do
  if mariadb-admin ping --silent >/dev/null 2>&1; then
    break
  fi
  sleep 2
done

# The clients log in without a password (nothing secret lands in the manifests) and may only use databases
# named sbtest_*: each client creates its own, so that clients never drop each other's tables.
mariadb <<'SQL'
CREATE USER IF NOT EXISTS 'sbtest'@'%';
GRANT ALL PRIVILEGES ON `sbtest\_%`.* TO 'sbtest'@'%';
SQL
echo "MariaDB ready for sysbench clients"
