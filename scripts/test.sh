#!/usr/bin/env bash
# test.sh — toute la suite de tests : formatage, go vet, puis go test -race.
# Sans TEST_DATABASE_URL, une base PostgreSQL jetable est démarrée pour
# l'occasion puis supprimée. Les tests qui ont besoin de la base échouent
# (ils ne sont jamais ignorés) si elle manque ; de même les tests dans le
# navigateur, qui ont besoin de Chromium et de npm.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  exec env -u DATABASE_URL scripts/with-postgres.sh bash -c 'TEST_DATABASE_URL="$DATABASE_URL" exec "$0" "$@"' "$0" "$@"
fi

# The browser tests inject axe-core, the accessibility audit, from npm.
if [ ! -f scripts/browser/node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm est introuvable : il faut Node.js et npm pour les tests dans le navigateur (apt-get install npm)." >&2
    exit 1
  fi
  npm ci --prefix scripts/browser --no-audit --no-fund --silent
fi
export AXE_CORE_JS="$PWD/scripts/browser/node_modules/axe-core/axe.min.js"

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt : fichiers mal formatés :" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go test -race -count=1 -timeout 30m "$@" ./...
