#!/bin/sh
# supervise COMMAND...: keeps one command running. Whenever it exits it is started again at once
# (after 1 s if it lived less than a second, so a crash loop does not spin), with SUPERVISE_STARTS
# telling it how many times it has been started. This is what brings app-once back after
# config-sync (--reload restart) stops it with SIGTERM: a process restart inside the container in a
# fraction of a second, instead of Docker's restart policy, which delays the restart of a container
# that ran under 10 s by 100 ms, doubling each time. SIGTERM or SIGINT to the supervisor stops the
# command and the supervisor. Only shell builtins run between two starts (no fork but the command).
set -u
stopping=""
child=""
starts=0
trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ -z "$stopping" ]; do
  starts=$((starts + 1))
  read -r up _ < /proc/uptime
  began=${up%.*}
  SUPERVISE_STARTS=$starts "$@" &
  child=$!
  # wait returns early when a trapped signal comes in: wait again until the child is really gone.
  while :; do
    wait "$child"
    code=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=""
  [ -n "$stopping" ] && break
  read -r up _ < /proc/uptime
  if [ $((${up%.*} - began)) -lt 1 ]; then
    echo "{\"app\": \"supervise\", \"msg\": \"exited with status $code within a second; starting it again in 1 s\", \"starts\": $starts}"
    sleep 1
  else
    echo "{\"app\": \"supervise\", \"msg\": \"exited with status $code; starting it again\", \"starts\": $starts}"
  fi
done
exit 0
