#!/usr/bin/env bash
# Builds a Debian trixie base image without any registry: debootstrap (minbase) + docker import.
# Usage: [BASE_ARCH=arm64] base-image.sh IMAGE   (for example sidecar-lab/base:trixie). Needs root and debootstrap.
# BASE_ARCH, when it is not the host's architecture, builds for it under QEMU's emulation (qemu.sh enables it).
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
host_arch=$(dpkg --print-architecture)
arch=${BASE_ARCH:-$host_arch}
[ "$arch" = "$host_arch" ] || bash "$(dirname "$0")/qemu.sh" "$arch"

root=$(mktemp -d /tmp/sidecar-lab-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
say "debootstrap $suite (minbase, $arch) into $root"
export_proxy_env   # debootstrap fetches with wget: the proxy variables reach it in the lower case it reads
debootstrap --arch="$arch" --variant=minbase --keyring="$(debian_keyring)" "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -n 20 "$root.log"; say "debootstrap failed; full log: $root.log"; exit 1; }
rm -f "$root.log"
# Slim it as the official -slim images are: no apt lists, caches, docs or man pages.
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/var/log/*.log
printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-include /usr/share/doc/*/copyright\n' \
  >"$root/etc/dpkg/dpkg.cfg.d/sidecar-lab-slim"
env_path='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
if [ "$arch" = "$host_arch" ]; then
  tar --numeric-owner -C "$root" -c . | docker import \
    --change "ENV $env_path" \
    --change 'CMD ["bash"]' \
    --message "sidecar-lab base: debootstrap $suite minbase" - "$image" >/dev/null
else
  # Engine 20.10's import labels every image with the engine's own architecture, whatever --platform says; a
  # build FROM scratch with --platform labels it with the one it is for.
  ctx=$(mktemp -d /tmp/sidecar-lab-base-ctx.XXXXXX)
  tar --numeric-owner -C "$root" -cf "$ctx/rootfs.tar" .
  printf 'FROM scratch\nADD rootfs.tar /\nENV %s\nCMD ["bash"]\n' "$env_path" >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q --platform "linux/$arch" -t "$image" "$ctx" >/dev/null 2>"$ctx.log" \
    || { cat "$ctx.log"; rm -rf "$ctx" "$ctx.log"; say "docker build of $image for linux/$arch failed"; exit 1; }
  rm -rf "$ctx" "$ctx.log"
fi
say "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
