#!/usr/bin/env bash
# Host tools the checks and tests use, from Debian's packages: Chromium (driven headless by
# playwright-core for the topz page check), xmllint from libxml2-utils (the verify JUnit report's
# test validates against docs/junit-4.xsd) and zsh (macOS's shell: the lessons' commands are run
# in it and in bash, and must hand their programs the same words). Idempotent: a second run only checks; what is missing
# is installed by one apt-get.
set -euo pipefail
. "$(dirname "$0")/apt-source.sh"
say() { printf 'bootstrap-tools: %s\n' "$*"; }

ready() {
  [ -x /usr/bin/chromium ] && say "chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') is ready"
  [ -x /usr/bin/xmllint ] && say "xmllint $(/usr/bin/xmllint --version 2>&1 | awk 'NR==1{print $NF}') is ready"
  [ -x /usr/bin/zsh ] && say "zsh $(/usr/bin/zsh --version | awk '{print $2}') is ready"
  return 0
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
[ -x /usr/bin/xmllint ] || missing+=(libxml2-utils)
[ -x /usr/bin/zsh ] || missing+=(zsh)
if [ ${#missing[@]} -eq 0 ]; then
  ready
  exit 0
fi
require_root_apt "install Debian's packages ${missing[*]} yourself (the topz page check needs /usr/bin/chromium, the JUnit report test /usr/bin/xmllint, the shell test /usr/bin/zsh)" \
  "install Chromium at /usr/bin/chromium, xmllint at /usr/bin/xmllint and zsh at /usr/bin/zsh yourself"
say "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
ready
