#!/bin/bash
# virtwork mariadb-sysbench server: configures MariaDB, hands it the data disk mounted at /var/lib/mysql, starts it
# and makes sure the benchmark account exists. Runs on every boot, after the data disk is mounted (idempotent).
# mariadb.service itself is not enabled, so it can never start on an unmounted data directory.
set -euo pipefail

DATADIR=/var/lib/mysql

cat > /etc/my.cnf.d/virtwork.cnf <<CNF
# Written by virtwork (mariadb-sysbench).
[mysqld]
innodb_buffer_pool_size={{buffer-pool-size}}
max_connections={{max-connections}}
CNF
chmod 0644 /etc/my.cnf.d/virtwork.cnf

# The data disk is mounted with a root-owned, empty file system: MariaDB initializes it on its first start.
chown mysql:mysql "$DATADIR"
chmod 0755 "$DATADIR"
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
