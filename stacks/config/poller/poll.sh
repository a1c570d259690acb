#!/bin/sh
# The 1 s polling baseline (compose profile "baseline"): what a config reloader looks like without a
# sidecar contract. Every second it asks etcd for the key; when the value differs from the last one it
# writes it (temp file + rename, so at least that part is atomic) and sends SIGHUP to the app.
# Naive on purpose: no validation, no check that the app handles SIGHUP, up to 1 s late.
set -u
: "${CONFIG_KEY:?set CONFIG_KEY}" "${APP_PROCESS:?set APP_PROCESS}"
file=/config/config.json
last=""
while :; do
  if value=$(etcdctl get --print-value-only "$CONFIG_KEY" 2>/dev/null) && [ -n "$value" ] && [ "$value" != "$last" ]; then
    printf '%s\n' "$value" > "$file.tmp" && mv "$file.tmp" "$file"
    for p in /proc/[0-9]*; do
      case "$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)" in
        *"$APP_PROCESS"*) kill -HUP "${p#/proc/}" 2>/dev/null ;;
      esac
    done
    last=$value
  fi
  sleep 1
done
