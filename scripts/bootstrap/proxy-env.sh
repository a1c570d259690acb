# Sourced by the scripts that download over HTTP. wget, debootstrap's downloader, reads only the lower-case
# proxy variables, while Docker's builders and curl read both: each lower-case one that is unset takes the
# value of its upper-case twin, so one `export HTTPS_PROXY=…` reaches every download. Nothing is printed.
export_proxy_env() {
  local upper lower
  for upper in HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    lower=$(printf '%s' "$upper" | tr '[:upper:]' '[:lower:]')
    if [ -z "${!lower:-}" ] && [ -n "${!upper:-}" ]; then export "$lower=${!upper}"; fi
  done
}
