#!/bin/sh
# What a Debian stage of images/Dockerfile changed, to be copied over the os stage (the one layer every
# Debian-based image shares): each file and directory whose status changed after /opt/build/mark (its ctime is
# later), with its owner, mode and times, under /opt/build/delta; and in that tree's
# usr/share/sidecar-lab/removed.txt, each path of os (/opt/build/os.files) that the stage no longer has, which the
# final stage removes. The files Docker mounts into a build (/etc/hosts, /etc/hostname, /etc/resolv.conf) are
# not the stage's.
set -e
cd /
out=/opt/build/delta
find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./opt/build \) -prune -o \
  -cnewer /opt/build/mark ! -path ./etc/hosts ! -path ./etc/hostname ! -path ./etc/resolv.conf -print >/opt/build/changed
mkdir -p "$out"
tar -cf - --no-recursion -T /opt/build/changed | tar -xpf - -C "$out"
mkdir -p "$out/usr/share/sidecar-lab"
while IFS= read -r f; do [ -e "$f" ] || [ -L "$f" ] || printf '%s\n' "$f"; done </opt/build/os.files >"$out/usr/share/sidecar-lab/removed.txt"
