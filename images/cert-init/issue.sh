#!/bin/sh
# cert-init: an init container. Issues a self-signed TLS certificate (tls.crt, tls.key) into $CERT_DIR
# with openssl, renaming both in so a reader never sees half a pair, prints one line and exits.
#   CERT_DIR    where to write (default /etc/tls, a directory shared with the sidecar that serves it)
#   CERT_NAME   the subject's common name (default localhost)
#   CERT_SANS   subjectAltName (default DNS:localhost,IP:127.0.0.1)
#   CERT_CURVE  the EC key's curve (default prime256v1)
#   CERT_DAYS   validity in days (default 30)
# The key is 0640: readable by this image's group, which the serving sidecar joins (group_add).
set -eu
umask 027
dir=${CERT_DIR:-/etc/tls}
name=${CERT_NAME:-localhost}
sans=${CERT_SANS:-DNS:localhost,IP:127.0.0.1}
curve=${CERT_CURVE:-prime256v1}
days=${CERT_DAYS:-30}
tmp=$(mktemp -d "$dir/.issue.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! openssl req -x509 -newkey ec -pkeyopt "ec_paramgen_curve:$curve" -noenc -days "$days" -subj "/CN=$name" \
  -addext "subjectAltName=$sans" -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>"$tmp/err"; then
  echo "cert-init: openssl could not issue a certificate (CERT_CURVE=$curve, CERT_DAYS=$days): $(grep -m1 . "$tmp/err")" >&2
  exit 1
fi
chmod 0644 "$tmp/tls.crt" && chmod 0640 "$tmp/tls.key"   # openssl writes the key 0600
mv -f "$tmp/tls.key" "$dir/tls.key"
mv -f "$tmp/tls.crt" "$dir/tls.crt"
echo "cert-init: issued $(openssl x509 -in "$dir/tls.crt" -noout -subject -serial | tr '\n' ' ')for $days days into $dir"
