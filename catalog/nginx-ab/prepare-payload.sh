#!/bin/bash
# virtwork nginx-ab server: writes the payload the clients download into nginx's document root.
# Runs before nginx.service on every boot; rewrites the file only when its size changed.
set -euo pipefail

# nginx's document root: Fedora's nginx.conf serves /usr/share/nginx/html, Debian's default site /var/www/html.
GUEST_FAMILY={{virtwork:guest-family}}
case "$GUEST_FAMILY" in
  debian) DIR=/var/www/html/virtwork ;;
  *) DIR=/usr/share/nginx/html/virtwork ;;
esac
BYTES=$(( {{payload-kb}} * 1024 ))

mkdir -p "$DIR"
if [ ! -f "$DIR/payload.bin" ] || [ "$(stat -c %s "$DIR/payload.bin")" -ne "$BYTES" ]; then
  head -c "$BYTES" /dev/urandom > "$DIR/payload.bin.tmp"
  mv "$DIR/payload.bin.tmp" "$DIR/payload.bin"
fi
echo ok > "$DIR/health"
chmod 0644 "$DIR/payload.bin" "$DIR/health"
if command -v restorecon >/dev/null 2>&1; then
  restorecon -R "$DIR"
fi
echo "payload of $BYTES bytes ready at $DIR/payload.bin"
