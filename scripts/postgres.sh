#!/usr/bin/env bash
# Prints a DATABASE_URL for a fresh test database on a local PostgreSQL, or nothing.
# In CI (CI=true) it installs and starts Debian's PostgreSQL when missing.
set -u
log() { echo "postgres.sh: $*" >&2; }
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ]; then
    log "installing postgresql"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2 || exit 0
  else
    log "no PostgreSQL server installed (apt-get install postgresql)"
    exit 0
  fi
fi
if command -v pg_lsclusters >/dev/null 2>&1; then
  cluster=$(pg_lsclusters -h | head -n1)
  if [ -z "$cluster" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    pg_createcluster "$ver" main >&2 || exit 0
    cluster=$(pg_lsclusters -h | head -n1)
  fi
  set -- $cluster
  ver=$1; name=$2; port=$3; state=$4
  if [ "$state" != "online" ]; then
    pg_ctlcluster "$ver" "$name" start >&2 || { log "could not start cluster $ver/$name"; exit 0; }
  fi
else
  log "pg_lsclusters not found"; exit 0
fi
run_psql() { su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1 $*" >&2; }
run_psql "-c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='marketplace') THEN CREATE ROLE marketplace LOGIN PASSWORD 'marketplace' CREATEDB; END IF; END \\\$\\\$;\"" || exit 0
db=${PG_TEST_DB:-marketplace_test}
run_psql "-c 'DROP DATABASE IF EXISTS $db WITH (FORCE)'" || exit 0
run_psql "-c 'CREATE DATABASE $db OWNER marketplace'" || exit 0
echo "postgres://marketplace:marketplace@127.0.0.1:$port/$db"
