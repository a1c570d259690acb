#!/bin/sh
# mesh-ca: the certificate authority of the mesh stack. It keeps running: it issues every identity a short-lived
# leaf certificate, renews them all when half their lifetime has passed (or at once on SIGHUP), and exits 0 on
# SIGTERM. One JSON line on stdout per issuance; an error is one line on stderr, and exit 1.
#   MESH_CA_TRUST_DOMAIN  the SPIFFE trust domain (default sidecar-lab)
#   MESH_CA_NAMESPACE     the namespace part of each SPIFFE id (default mesh)
#   MESH_CA_IDENTITIES    names, space-separated: each gets spiffe://<domain>/<namespace>/<name> from this CA
#   MESH_CA_FOREIGN       names issued by a second CA, made at each start and trusted by no one: a certificate
#                         that claims the identity but chains to another root
#   MESH_CA_TTL           a leaf's lifetime in seconds, an integer of at least 30 (default 600)
#   MESH_CA_DIR           where each name's directory is (default /identities: the stack mounts one volume
#                         per name at /identities/<name>, writable by this image's user)
#   MESH_CA_STATE         the CA's own key and certificate, never shared (default /var/lib/mesh-ca)
#   MESH_CA_KEY_GROUP     the group id each tls.key is given (default: this image's own group). The CA must be
#                         a member (group_add): the stack gives the keys to the mesh sidecars' group this way
# Each name's directory is published as Kubernetes publishes a projected volume: the files go into a new
# hidden directory ..<timestamp>, the symlink ..data is swapped to it with one rename, and tls.crt, tls.key and
# ca.crt are symlinks into ..data; the previous directory is removed. ca.crt is the trust bundle: this CA's
# certificate, for the foreign names too. tls.key is 0640, readable by this image's group (a reader joins it
# with group_add). The CA certificate is EC P-256, valid 24 h, and made again when it would expire first.
# After each complete round, /tmp/mesh-ca.until holds the time (epoch seconds) the round's certificates
# expire: the HEALTHCHECK is healthy while that is in the future.
set -u
umask 077
domain=${MESH_CA_TRUST_DOMAIN:-sidecar-lab}
ns=${MESH_CA_NAMESPACE:-mesh}
ids=${MESH_CA_IDENTITIES:-}
foreign=${MESH_CA_FOREIGN:-}
ttl=${MESH_CA_TTL:-600}
out=${MESH_CA_DIR:-/identities}
state=${MESH_CA_STATE:-/var/lib/mesh-ca}
keygroup=${MESH_CA_KEY_GROUP:-}
marker=/tmp/mesh-ca.until

fail() {
  echo "mesh-ca: $*" >&2
  exit 1
}
# The first line openssl (or another command) wrote to $run/err, for a one-line error.
why() { grep -m1 . "$run/err" 2>/dev/null | tr -d '\r'; }

ttl_rule="MESH_CA_TTL must be a whole number of seconds from 30 to 99999999 (got \"$ttl\")"
case $ttl in '' | *[!0-9]* | 0*) fail "$ttl_rule" ;; esac
case $keygroup in *[!0-9]*) fail "MESH_CA_KEY_GROUP must be a numeric group id (got \"$keygroup\")" ;; esac
[ ${#ttl} -le 8 ] && [ "$ttl" -ge 30 ] || fail "$ttl_rule"
for v in "$domain" "$ns"; do
  case $v in '' | *[!a-z0-9.-]*) fail "MESH_CA_TRUST_DOMAIN and MESH_CA_NAMESPACE may hold only a-z, 0-9, . and - (got \"$v\")" ;; esac
done
[ -n "$ids$foreign" ] || fail "MESH_CA_IDENTITIES and MESH_CA_FOREIGN are both empty: nothing to issue"
seen=' '
for n in $ids $foreign; do
  case $n in *[!a-z0-9-]* | -* | *-) fail "identity \"$n\" is not a DNS label (a-z, 0-9 and -, not first or last)" ;; esac
  case $seen in *" $n "*) fail "identity \"$n\" is named twice in MESH_CA_IDENTITIES and MESH_CA_FOREIGN" ;; esac
  seen="$seen$n "
done

rm -f "$marker"
run=$(mktemp -d /tmp/mesh-ca.XXXXXX 2>/dev/null) || fail "cannot make a directory in /tmp (a read-only root needs a tmpfs at /tmp)"
spid=''
trap 'rm -rf "$run"' EXIT
trap 'hup=1' HUP
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; exit 0' TERM INT

# A directory this user can write, made if missing: a volume or tmpfs owned by this uid under a read-only root.
writable() {
  mkdir -p "$1" 2>"$run/err" || fail "cannot make $1 (mount a volume or tmpfs there, owned by uid $(id -u)): $(why)"
  [ -w "$1" ] || fail "$1 is not writable by uid $(id -u) (mount a volume or tmpfs there, owned by it)"
}
stamp() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# A CA: key $1/ca.key and self-signed certificate $1/ca.crt, EC P-256, 24 h, named $2. Written beside, then renamed in.
make_ca() {
  writable "$1"
  now=$(date +%s)
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1/ca.key.new" 2>"$run/err" &&
    openssl req -x509 -new -key "$1/ca.key.new" -subj "/O=sidecar-lab/CN=$2" \
      -not_before "$(stamp $((now - 60)))" -not_after "$(stamp $((now + 86400)))" \
      -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectAltName=URI:spiffe://$domain" -out "$1/ca.crt.new" 2>"$run/err" &&
    chmod 0644 "$1/ca.crt.new" && mv -f "$1/ca.key.new" "$1/ca.key" && mv -f "$1/ca.crt.new" "$1/ca.crt" ||
    fail "openssl could not make the CA $2 in $1: $(why)"
  printf '{"msg":"ca created","subject":"%s","serial":"%s","not_after":"%s"}\n' "$2" \
    "$(openssl x509 -in "$1/ca.crt" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f')" "$(iso $((now + 86400)))"
}

# The mesh CA is kept across restarts while it outlives a leaf; made again otherwise.
ensure_ca() {
  if [ -s "$state/ca.key" ] && openssl x509 -in "$state/ca.crt" -noout -checkend "$ttl" >/dev/null 2>&1; then return; fi
  make_ca "$state" "$domain mesh CA"
}

# issue NAME CADIR KIND: a leaf for NAME signed by the CA in CADIR, published into $out/NAME.
issue() {
  n=$1 ca=$2 kind=$3 d="$out/$1"
  id="spiffe://$domain/$ns/$n"
  writable "$d"
  new=$(mktemp -d "$d/..$(date -u +%Y_%m_%d_%H_%M_%S).XXXXXXXX" 2>"$run/err") || fail "cannot write into $d: $(why)"
  chmod 0755 "$new"
  printf '[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=URI:%s,DNS:%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' \
    "$id" "$n" >"$run/ext"
  now=$(date +%s)
  until=$((now + ttl))
  serial=$(openssl rand -hex 16)
  serial="4${serial#?}" # positive, and no leading zero: the serial openssl prints is this one
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$new/tls.key" 2>"$run/err" &&
    openssl req -new -key "$new/tls.key" -subj "/CN=$n" -out "$run/csr" 2>"$run/err" &&
    openssl x509 -req -in "$run/csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -set_serial "0x$serial" \
      -not_before "$(stamp $((now - 60)))" -not_after "$(stamp "$until")" \
      -extfile "$run/ext" -extensions leaf -out "$new/tls.crt" 2>"$run/err" &&
    cp "$state/ca.crt" "$new/ca.crt" 2>"$run/err" &&
    chmod 0640 "$new/tls.key" && chmod 0644 "$new/tls.crt" "$new/ca.crt" &&
    { [ -z "$keygroup" ] || chgrp "$keygroup" "$new/tls.key" 2>"$run/err"; } ||
    fail "could not issue $id into $d: $(why)"
  # The swap: ..data points at the new directory in one rename; the visible names point through ..data.
  # A link left by an interrupted round would make ln put the new one inside the directory it points to.
  rm -f "$d/..data_tmp" && ln -s "${new##*/}" "$d/..data_tmp" 2>"$run/err" && mv -T -f "$d/..data_tmp" "$d/..data" 2>"$run/err" ||
    fail "could not publish $d/..data: $(why)"
  for f in tls.crt tls.key ca.crt; do
    [ "$(readlink "$d/$f" 2>/dev/null)" = "..data/$f" ] && continue
    ln -sfn "..data/$f" "$d/.$f.tmp" && mv -T -f "$d/.$f.tmp" "$d/$f" || fail "could not link $d/$f"
  done
  for old in "$d"/..[0-9]*; do
    [ "$old" = "$new" ] || [ ! -d "$old" ] || rm -rf "$old"
  done
  [ "$until" -lt "$soonest" ] && soonest=$until
  printf '{"msg":"issued","identity":"%s","spiffe":"%s","serial":"%s","not_after":"%s","ca":"%s"}\n' \
    "$n" "$id" "$serial" "$(iso "$until")" "$kind"
}

# One round: every identity renewed, then the marker says until when all of them are valid.
round() {
  ensure_ca
  soonest=99999999999
  for n in $ids; do issue "$n" "$state" mesh; done
  for n in $foreign; do issue "$n" "$run/foreign" foreign; done
  echo "$soonest" >"$marker.new" && mv -f "$marker.new" "$marker" || fail "cannot write $marker"
}

[ -z "$foreign" ] || make_ca "$run/foreign" "$domain foreign CA (untrusted)"
# A SIGHUP that comes during a round makes the next one start at once; during the sleep, it ends the sleep.
while :; do
  hup=0
  round
  if [ "$hup" = 0 ]; then
    sleep $((ttl / 2)) &
    spid=$!
    wait "$spid"
    kill "$spid" 2>/dev/null
    spid=''
  fi
  [ "$hup" = 0 ] || echo '{"msg":"renewing","reason":"SIGHUP"}'
done
