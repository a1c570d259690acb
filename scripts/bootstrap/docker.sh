#!/usr/bin/env bash
# Installs and starts a Docker engine with Compose v2 (and debootstrap) on a Debian or Ubuntu host, as root.
# Idempotent: when the engine answers and Compose v2 >= 2.20 is there, it exits at once.
# Used by .ci/run; people run it through `make bootstrap` after `npm run doctor` points at it.
set -euo pipefail

MIN_COMPOSE=2.20
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/sidecar-lab-dockerd.log}
. "$(dirname "$0")/apt-source.sh"
say() { printf 'bootstrap-docker: %s\n' "$*"; }

compose_ok() {
  local v
  v=$(docker compose version --short 2>/dev/null) || return 1
  v=${v#v}
  [ "$(printf '%s\n%s\n' "$MIN_COMPOSE" "$v" | sort -V | head -n1)" = "$MIN_COMPOSE" ]
}
engine_ok() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

if engine_ok && compose_ok && command -v debootstrap >/dev/null; then
  say "engine $(docker info --format '{{.ServerVersion}}') and compose $(docker compose version --short) are ready"
  exit 0
fi

require_root_apt "install a Docker engine and Compose v2 >= $MIN_COMPOSE yourself, or run this as root" \
  "this bootstrap knows Debian and Ubuntu only"

apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The engine: the distribution's docker.io (Debian 12 ships 20.10).
if ! command -v dockerd >/dev/null; then
  say "installing docker.io"
  apt_install docker.io iptables ca-certificates
fi
# debootstrap builds the base image when no registry answers (scripts/bootstrap/base-image.sh).
command -v debootstrap >/dev/null || { say "installing debootstrap"; apt_install debootstrap; }

# Compose v2. Ubuntu packages it as docker-compose-v2. Debian 12 has only v1, so take the
# docker-compose package alone from the next Debian suite, pinned so nothing else comes from it.
add_next_debian_suite() {
  local codename next src
  codename=$(debian_codename)
  case "$codename" in bookworm) next=trixie ;; *) say "no Compose v2 recipe for '$codename'"; exit 1 ;; esac
  src=/etc/apt/sources.list.d/sidecar-lab-$next.sources
  if [ ! -f "$src" ]; then
    # Derive the entry from the machine's own main archive entry: same URI and keyring, next suite.
    local uris keyring
    uris=$(debian_archive_uri) || { say "cannot find the $codename archive entry in the apt sources"; exit 1; }
    keyring=$(debian_keyring)
    {
      echo "Types: deb"
      echo "URIs: $uris"
      echo "Suites: $next"
      echo "Components: main"
      echo "Signed-By: $keyring"
    } >"$src"
    cat >/etc/apt/preferences.d/sidecar-lab-$next <<EOF
# sidecar-lab: only docker-compose comes from $next; every other package stays on $codename.
Package: *
Pin: release n=$next
Pin-Priority: 1

Package: docker-compose
Pin: release n=$next
Pin-Priority: 500
EOF
    apt_updated=
  fi
}

if ! compose_ok; then
  if apt-cache policy docker-compose-v2 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    say "installing docker-compose-v2"
    apt_install docker-compose-v2
  else
    add_next_debian_suite
    say "installing docker-compose (v2) from the next Debian suite"
    apt_install docker-compose
  fi
fi

# Start the daemon if nothing answers, and wait for its socket.
if ! engine_ok; then
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl start docker
  else
    say "starting dockerd (log: $DOCKERD_LOG)"
    # A session of its own: a Ctrl-C of the command that started it (make setup test) must not stop the engine,
    # and the containers with it.
    setsid dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do engine_ok && break; sleep 0.5; done
  engine_ok || { say "dockerd did not answer within 60 s; see $DOCKERD_LOG"; tail -n 20 "$DOCKERD_LOG" 2>/dev/null; exit 1; }
fi

compose_ok || { say "Compose v2 >= $MIN_COMPOSE is still missing"; exit 1; }
say "engine $(docker info --format '{{.ServerVersion}}') and compose $(docker compose version --short) are ready"
