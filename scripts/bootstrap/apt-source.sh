# Sourced by the bootstrap scripts: find this machine's Debian archive in its own apt sources,
# so no registry host is ever written into the project.
debian_codename() { (. /etc/os-release && echo "${VERSION_CODENAME:-}"); }

# Prints the URI of the apt entry that serves the machine's own suite (not -security or -updates).
debian_archive_uri() {
  local codename uris=
  codename=$(debian_codename)
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uris=$(awk -v c="$codename" '/^URIs:/{u=$0} /^Suites:/{ for(i=2;i<=NF;i++) if($i==c){print u; exit} }' \
      /etc/apt/sources.list.d/debian.sources | sed 's/^URIs:[[:space:]]*//; s/[[:space:]].*//')
  fi
  if [ -z "$uris" ] && [ -f /etc/apt/sources.list ]; then
    uris=$(awk -v c="$codename" '$1=="deb" { for(i=2;i<=NF;i++) if($i==c){ print $(i-1); exit } }' /etc/apt/sources.list)
  fi
  [ -n "$uris" ] || return 1
  echo "$uris"
}

debian_keyring() {
  local k=
  [ -f /etc/apt/sources.list.d/debian.sources ] && k=$(awk '/^Signed-By:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  echo "${k:-/usr/share/keyrings/debian-archive-keyring.gpg}"
}

# Stops with one line unless this is root with apt-get: $1 says what to install by hand otherwise,
# $2 what to do without apt-get. (say() is the calling script's.)
require_root_apt() {
  [ "$(id -u)" = 0 ] || { say "not root: $1"; exit 1; }
  command -v apt-get >/dev/null || { say "no apt-get: $2"; exit 1; }
}
