#!/usr/bin/env bash
# Builds a Debian trixie base image without any registry: debootstrap (minbase) + docker import.
# Usage: base-image.sh IMAGE   (for example sidecar-lab/base:trixie). Needs root and debootstrap.
# Downloads from the host's Debian mirror, through HTTP(S)_PROXY when set (proxy-env.sh).
# Idempotent: an IMAGE that already exists is left alone.
set -euo pipefail
. "$(dirname "$0")/apt-source.sh"
. "$(dirname "$0")/proxy-env.sh"
say() { printf 'bootstrap-base: %s\n' "$*"; }

image=${1:?usage: base-image.sh IMAGE}
suite=${BASE_SUITE:-trixie}
if docker image inspect "$image" >/dev/null 2>&1; then say "$image is present"; exit 0; fi
[ "$(id -u)" = 0 ] || { say "debootstrap needs root: run 'sudo $0 $image'"; exit 1; }
command -v debootstrap >/dev/null || { say "debootstrap is missing: run 'make bootstrap' (as root) or 'apt-get install debootstrap'"; exit 1; }
mirror=$(debian_archive_uri) || { say "cannot find a Debian archive in the apt sources"; exit 1; }

root=$(mktemp -d /tmp/sidecar-lab-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
say "debootstrap $suite (minbase) into $root"
export_proxy_env   # debootstrap fetches with wget: the proxy variables reach it in the lower case it reads
debootstrap --variant=minbase --keyring="$(debian_keyring)" "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -n 20 "$root.log"; say "debootstrap failed; full log: $root.log"; exit 1; }
rm -f "$root.log"
# Slim it as the official -slim images are: no apt lists, caches, docs or man pages.
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/var/log/*.log
printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-include /usr/share/doc/*/copyright\n' \
  >"$root/etc/dpkg/dpkg.cfg.d/sidecar-lab-slim"
tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --message "sidecar-lab base: debootstrap $suite minbase" - "$image" >/dev/null
say "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
