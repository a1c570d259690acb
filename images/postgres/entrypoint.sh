#!/bin/sh
# The postgres image's entrypoint: on first start (no cluster in $PGDATA), creates the cluster, the database
# $POSTGRES_DB and runs every *.sql file of $INIT_DIR in it (in name order, each in one transaction); then
# execs postgres, listening on every address (port 5432) and on its socket in /run/postgresql (a tmpfs).
#
# Authentication is trust, for every user from anywhere, socket and TCP alike: a lab's database on a
# stack's private network, whose port is at most published on 127.0.0.1. Never run it like this elsewhere.
#
# The cluster is built in $PGDATA.init and renamed to $PGDATA only when everything above has succeeded: a
# first start that fails half-way leaves no cluster behind, and the next start begins again.
set -eu
: "${PGDATA:?}" "${POSTGRES_DB:=logs}" "${INIT_DIR:=/docker-entrypoint-initdb.d}"
SOCKET_DIR=/run/postgresql

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -e "$PGDATA" ] && [ -n "$(ls -A "$PGDATA")" ]; then
    echo "postgres: $PGDATA is not empty but holds no cluster (no PG_VERSION): refusing to touch it" >&2
    exit 1
  fi
  work="$PGDATA.init"
  rm -rf "$work"
  echo "postgres: no cluster in $PGDATA: creating one, with database $POSTGRES_DB"
  initdb --pgdata="$work" --username=postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$work/pg_hba.conf" <<'HBA'

# sidecar-lab (images/postgres/entrypoint.sh): trust from any address. A lab on a private network only.
host all all 0.0.0.0/0 trust
host all all ::/0 trust
HBA
  # A server for the set-up only: on the socket, no TCP, so nothing (health check included) sees it.
  pg_ctl --pgdata="$work" --silent --wait \
    --options="-c listen_addresses='' -c unix_socket_directories=$SOCKET_DIR" start
  psql -v ON_ERROR_STOP=1 -q -h "$SOCKET_DIR" -U postgres -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\""
  for f in "$INIT_DIR"/*.sql; do
    [ -e "$f" ] || continue
    echo "postgres: running $f in $POSTGRES_DB"
    psql -v ON_ERROR_STOP=1 -q -1 -h "$SOCKET_DIR" -U postgres -d "$POSTGRES_DB" -f "$f"
  done
  pg_ctl --pgdata="$work" --silent --wait --mode=fast stop
  [ ! -e "$PGDATA" ] || rmdir "$PGDATA"
  mv "$work" "$PGDATA"
  echo "postgres: cluster ready in $PGDATA"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c port=5432 -c unix_socket_directories="$SOCKET_DIR" "$@"
