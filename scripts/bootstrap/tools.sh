#!/usr/bin/env bash
# Host tools the stack checks use, from Debian's packages: Chromium (driven headless by
# playwright-core for the topz page check). Idempotent: a second run only checks.
set -euo pipefail
. "$(dirname "$0")/apt-source.sh"
say() { printf 'bootstrap-tools: %s\n' "$*"; }

if [ -x /usr/bin/chromium ]; then
  say "chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') is ready"
  exit 0
fi
require_root_apt "install Debian's chromium package yourself (the topz page check needs /usr/bin/chromium)" \
  "install Chromium at /usr/bin/chromium yourself"
say "installing chromium"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
say "chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') is ready"
