#!/bin/sh
# Removes the package manager (apt, dpkg, debconf and their state) from the Debian stage it runs in
# (images/Dockerfile): no image runs it. What was installed stays listed, one "package version" a line, in
# /usr/share/sidecar-lab/packages.txt. Run the same in the os stage and in the debian stage, so that what is
# gone from one is gone from the other.
set -e
mkdir -p /usr/share/sidecar-lab
dpkg-query -W -f '${Package} ${Version}\n' >/usr/share/sidecar-lab/packages.txt
dpkg-query -L $(dpkg-query -W -f '${Package}\n' | grep -E '^(apt|dpkg|debconf|libapt-pkg.*)$') | grep '^/' >/tmp/pm
while read -r f; do if [ -L "$f" ] || [ -f "$f" ]; then rm -f "$f"; fi; done </tmp/pm
sort -ru /tmp/pm | while read -r d; do if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi; done
rm -rf /tmp/pm /etc/apt /etc/dpkg /var/lib/apt /var/lib/dpkg /var/cache/apt /var/cache/debconf /var/log/apt /var/log/dpkg.log
find /etc/systemd /var/lib/systemd \( -name 'dpkg-db-backup*' -o -name 'apt-daily*' \) -exec rm -f {} + 2>/dev/null || true
