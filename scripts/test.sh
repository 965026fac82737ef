#!/usr/bin/env bash
# test.sh — toute la suite de tests : formatage, go vet, puis go test -race.
# Sans TEST_DATABASE_URL, une base PostgreSQL jetable est démarrée pour
# l'occasion puis supprimée. Les tests qui ont besoin de la base échouent
# (ils ne sont jamais ignorés) si elle manque.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  exec env -u DATABASE_URL scripts/with-postgres.sh bash -c 'TEST_DATABASE_URL="$DATABASE_URL" exec "$0" "$@"' "$0" "$@"
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt : fichiers mal formatés :" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go test -race -count=1 -timeout 30m "$@" ./...
