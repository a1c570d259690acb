#!/usr/bin/env bash
# Everything a fresh Debian or Ubuntu machine needs before `npm test`, as root: the Docker engine
# with Compose v2 and debootstrap (docker.sh), then the host tools the checks and tests drive
# (tools.sh: headless Chromium for the topz page check, xmllint for the JUnit report test). `make bootstrap` and .ci/run both call
# this one script, so the README's set-up and CI install the same things. Idempotent.
set -euo pipefail
here=$(dirname "$0")
bash "$here/docker.sh"
bash "$here/tools.sh"
