#!/usr/bin/env bash
# with-postgres.sh COMMANDE… — lance COMMANDE avec DATABASE_URL pointant vers
# une base PostgreSQL jetable, démarrée ici et supprimée à la fin. Si
# DATABASE_URL est déjà défini, COMMANDE est lancée telle quelle.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi

bindir=$(pg_config --bindir 2>/dev/null || true)
if [ ! -x "${bindir}/initdb" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ ! -x "${bindir}/initdb" ]; then
  echo "PostgreSQL est introuvable : installez le serveur (Debian : apt-get install postgresql)," >&2
  echo "ou donnez l'adresse d'une base existante dans DATABASE_URL." >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/rappel-pg.XXXXXX")
as_pg() {
  # From /, which the postgres user can always enter.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$dir"

cleanup() {
  as_pg "${bindir}/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_pg "${bindir}/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# A Unix socket in the private folder: no port to collide with another
# cluster. fsync is off: this database is thrown away.
as_pg "${bindir}/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
  -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
as_pg "${bindir}/createdb" -h "$dir" -U postgres rappel

export DATABASE_URL="host=$dir user=postgres dbname=rappel sslmode=disable"
export RAPPEL_PG_BINDIR="$bindir" RAPPEL_PG_DATA="$dir/data"
"$@"
