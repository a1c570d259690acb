#!/bin/sh
# Gathers the filesystem of a FROM-scratch image under a directory, from the Debian stage it runs in
# (images/Dockerfile): each program named, with its shared-library closure (what ldd lists), every
# file at its own path, symbolic links kept (and what they point to).
#   rootfs.sh <root> <program>...   a program is a path, or a name looked up on PATH
# A file listed in $SKIP (one path a line) is left out: a lower layer of the image has it. The paths
# copied are listed in <root>.files (with their checksums in <root>.sums). git also brings
# its own programs that are links to itself (upload-pack: file:// and local paths) and its templates
# (git init); not its http(s) remote helper (see images/Dockerfile).
set -eu
root=$1
shift
mkdir -p "$root"
touch "$root.files" "$root.sums"

# One path, then what it links to, each at its path with the directories' links resolved (/lib -> /usr/lib).
copy() {
  p=$1
  while :; do
    dir=$(realpath "$(dirname "$p")")
    p=$dir/$(basename "$p")
    if ! grep -qxF "$p" "${SKIP:-/dev/null}" && ! grep -qxF "$p" "$root.files"; then
      # A file with the same content as one already copied (Debian's /usr/bin/git and /usr/lib/git-core/git)
      # becomes a symbolic link to it: the image holds it once (COPY --from does not keep hard links).
      sum=$(if [ -L "$p" ]; then echo link; else sha256sum <"$p" | cut -d' ' -f1; fi)
      first=$(grep -m1 "^$sum " "$root.sums" | cut -d' ' -f2-) || true
      if [ "$sum" != link ] && [ -n "$first" ]; then
        mkdir -p "$root$dir"
        ln -s "$first" "$root$p"
      else
        cp -a --parents "$p" "$root"
        echo "$sum $p" >>"$root.sums"
      fi
      echo "$p" >>"$root.files"
    fi
    [ -L "$p" ] || return 0
    target=$(readlink "$p")
    case $target in /*) p=$target ;; *) p=$dir/$target ;; esac
  done
}

for program in "$@"; do
  case $program in /*) path=$program ;; *) path=$(command -v "$program") ;; esac
  copy "$path"
  # A static program has no closure: ldd says "not a dynamic executable".
  for lib in $(ldd "$path" 2>/dev/null | sed -n 's|.*=> \(/[^ ]*\) .*|\1|p; s|^[[:space:]]*\(/[^ ]*\) .*|\1|p'); do
    copy "$lib"
  done
  if [ "$program" = git ]; then
    for link in $(find /usr/lib/git-core -maxdepth 1 -lname git); do copy "$link"; done
    cp -a --parents /usr/share/git-core/templates "$root"
  fi
done
