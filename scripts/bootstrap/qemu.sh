#!/usr/bin/env bash
# User-mode emulation of another CPU, so that this engine builds and runs images of another architecture
# (SIDECAR_LAB_PLATFORM, scripts/lib/platform.ts): Debian's qemu-user-static and binfmt-support, installed only
# when the first such image is built (base-image.sh runs this), never by `make setup`. Then binfmt_misc is
# mounted if it is not, and the architecture's handler enabled. Its F flag (fix binary) lets a container run
# the emulator without a copy inside it. Usage: qemu.sh ARCH (a Debian architecture: arm64, amd64).
set -euo pipefail
. "$(dirname "$0")/apt-source.sh"
say() { printf 'bootstrap-qemu: %s\n' "$*"; }

arch=${1:?usage: qemu.sh ARCH}
case "$arch" in
  arm64) handler=qemu-aarch64 ;;
  amd64) handler=qemu-x86_64 ;;
  *) say "no emulation for \"$arch\": the images are built for amd64 and arm64"; exit 1 ;;
esac
entry=/proc/sys/fs/binfmt_misc/$handler
enabled() { [ -f "$entry" ] && head -n 1 "$entry" | grep -qx enabled && grep -q '^flags: .*F' "$entry"; }
if enabled; then say "$handler is ready"; exit 0; fi

if ! dpkg -s qemu-user-static binfmt-support >/dev/null 2>&1; then
  require_root_apt "install Debian's packages qemu-user-static and binfmt-support yourself" \
    "install QEMU's user-mode emulators and register them with binfmt_misc (fix-binary) yourself"
  say "installing qemu-user-static and binfmt-support"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static binfmt-support >/dev/null
fi
[ "$(id -u)" = 0 ] || { say "enabling $handler needs root: run 'sudo $0 $arch'"; exit 1; }
[ -f /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable "$handler" >/dev/null 2>&1 || true
enabled || { say "$handler is not enabled with the fix-binary flag in $entry: see update-binfmts --display $handler"; exit 1; }
say "$handler is ready"
