#!/bin/bash
# virtwork nginx-ab client: fetches the servers' payload with ApacheBench in a loop. A failed run (servers not
# up yet, connections reset) is reported and followed by the same pause as a good one.
set -uo pipefail

URL="http://{{virtwork:service-host}}/virtwork/payload.bin"
KEEPALIVE={{keepalive}}
OPTS=(-q -c {{concurrency}} -t {{test-duration}} -n {{max-requests}})
if [ "$KEEPALIVE" = true ]; then
  OPTS+=(-k)
fi

while true; do
  if ab "${OPTS[@]}" "$URL"; then
    virtwork-heartbeat ab "run against $URL" || true
  else
    echo "ab against $URL failed; next run in {{loop-delay}}s" >&2
  fi
  sleep {{loop-delay}}
done
