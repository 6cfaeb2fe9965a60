#!/bin/bash
# virtwork mariadb-sysbench client: creates a database of its own on the server, loads the tables, then runs
# the OLTP benchmark in a loop. Every failure is reported and followed by the loop delay (no busy loop).
set -uo pipefail

HOST={{virtwork:service-host}}
DB="sbtest_$(hostname -s | tr -c 'A-Za-z0-9\n' '_')"
COMMON=(--db-driver=mysql --mysql-host="$HOST" --mysql-port=3306 --mysql-user=sbtest --mysql-db="$DB"
  --tables={{tables}} --table-size={{table-size}})

until mariadb --skip-ssl -h "$HOST" -u sbtest -e "CREATE DATABASE IF NOT EXISTS \`$DB\`"; do
  echo "waiting for the MariaDB server at $HOST" >&2
  sleep 10
done

# Start from fresh tables, so that a change of tables or table-size takes effect.
sysbench oltp_read_write "${COMMON[@]}" cleanup || true
until sysbench oltp_read_write "${COMMON[@]}" --threads={{threads}} prepare; do
  echo "loading the tables of $DB failed; retrying in {{loop-delay}}s" >&2
  sysbench oltp_read_write "${COMMON[@]}" cleanup || true
  sleep {{loop-delay}}
done

while true; do
  if sysbench {{test}} "${COMMON[@]}" --threads={{threads}} --time={{test-duration}} --report-interval=10 run; then
    virtwork-heartbeat sysbench "{{test}} run" || true
  else
    echo "sysbench {{test}} failed; next run in {{loop-delay}}s" >&2
  fi
  sleep {{loop-delay}}
done
