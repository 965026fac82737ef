#!/usr/bin/env bash
# update-dsfr.sh [VERSION] — copie dans web/static/dsfr/ les fichiers du
# Système de design de l'État (paquet npm @gouvfr/dsfr) dont les pages de
# rappel ont besoin : la feuille de style, les polices, et les icônes que
# cette feuille cite. Ils sont ensuite intégrés au binaire (go:embed).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-1.15.3}
dest=web/static/dsfr
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "@gouvfr/dsfr@$version" >/dev/null && tar xzf gouvfr-dsfr-*.tgz)
dist="$tmp/package/dist"
rm -rf "$dest"
mkdir -p "$dest/fonts"
cp "$dist/dsfr.min.css" "$dest/"
# woff2 only: every browser that runs the DSFR reads it; the stylesheet
# offers .woff as a second choice, never fetched.
cp "$dist"/fonts/*.woff2 "$dest/fonts/"
# The icons the stylesheet refers to, and only those.
grep -o 'url(icons/[^)]*)' "$dist/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u | while read -r icon; do
  mkdir -p "$dest/$(dirname "$icon")"
  cp "$dist/$icon" "$dest/$icon"
done
cp "$tmp/package/LICENSE.md" "$dest/LICENSE.md"
echo "$version" > "$dest/VERSION"
echo "DSFR $version copié dans $dest ($(du -sh "$dest" | cut -f1))."
