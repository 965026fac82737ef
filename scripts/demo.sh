#!/usr/bin/env bash
# demo.sh — rappel pour de vrai, en quatre minutes : le programme du Mois de
# l'innovation publique 2021 (docs/fixtures) importé tel que publié, décalé
# pour commencer dans quelques minutes, des inscrits, un programme republié
# qui déplace les sessions, et le service qui envoie avis et rappels à
# l'heure dite, dans un dossier d'envoi local (MAIL_OUTBOX_DIR).
# Sans DATABASE_URL, une base PostgreSQL jetable est démarrée puis supprimée.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  echo "» DATABASE_URL n'est pas défini : démarrage d'une base PostgreSQL jetable."
  exec scripts/with-postgres.sh "$0" "$@"
fi

go build -o bin/rappel ./cmd/rappel
rappel() { bin/rappel "$@"; }

outbox=${MAIL_OUTBOX_DIR:-$PWD/demo-outbox}
rm -rf "$outbox"
port=8080
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

export MAIL_OUTBOX_DIR="$outbox"
export MAIL_FROM="${MAIL_FROM:-DINUM – Mois de l’innovation publique <rappels@example.gouv.fr>}"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$port}"
export HTTP_ADDR="127.0.0.1:$port"
export SECRET_KEYS="${SECRET_KEYS:-$(head -c 32 /dev/urandom | base64)}"
# Pour la démonstration, les rappels partent 2 minutes et 1 minute avant
# chaque session (par défaut : la veille et une heure avant).
export REMINDERS="${DEMO_REMINDERS:-2m,1m}"
export LOG_FORMAT=text

rappel migrate
# The organisers' space, for whoever runs the demo: an administrators'
# team (it sees the sessions the command line imports) and one member.
rappel organiser add "Équipe de démonstration" --admin >/dev/null
rappel organiser member add "Équipe de démonstration" organisatrice@example.gouv.fr >/dev/null

now=$(date +%s)
# Les sessions commencent à la minute ronde, dans deux à trois minutes.
base=$(( (now + 140 + 59) / 60 * 60 - now ))
at() { date -u -d "@$((now + $1))" +%Y-%m-%dT%H:%M:%SZ; }

programme=docs/fixtures/agenda-mois-innovation-2021.md
echo "» Import du programme du Mois de l'innovation publique 2021 ($programme),"
echo "  décalé pour que sa première session commence dans quelques minutes :"
rappel agenda import --move-to "$(at "$base")" "$programme"
s1=$(rappel session list | awk 'NR == 2 { print $1 }')
rappel session list

echo "» Inscriptions à la première session : une par une, et une liste CSV comme l'exporte Excel."
rappel subscribe --session "$s1" --email marie.dupont@example.gouv.fr --name "Marie Dupont"
printf 'Courriel;Prénom;Nom\nJean.Martin@example.gouv.fr;Jean;Martin\nlea.bernard@example.gouv.fr;Léa;Bernard\npas-une-adresse;Paul;Durand\n' \
  | rappel import --session "$s1" -

echo "» Le programme est republié une minute plus tard : le réimporter déplace les sessions"
echo "  (les inscrits reçoivent l'avis de changement) au lieu de les dupliquer."
base=$((base + 60))
rappel agenda import --dry-run --move-to "$(at "$base")" "$programme" | tail -n 2
rappel agenda import --move-to "$(at "$base")" "$programme" | tail -n 1

end=$((now + base + 6))
echo
paris() { TZ=Europe/Paris date -d "@$1" +%H:%M:%S; }
echo "» Le service démarre. Les rappels partent entre $(paris $((now + base - 120))) et $(paris $((now + base))) (heure de Paris),"
echo "  chacun à sa seconde ; ils sont écrits dans $outbox"
echo "  (Ctrl-C arrête le service proprement ; la démonstration finit seule vers $(paris "$end").)"
echo "» Espace organisateurs, pendant ce temps : $PUBLIC_URL/organisateurs/ avec l'adresse"
echo "  organisatrice@example.gouv.fr ; le lien de connexion arrive, lui aussi, dans $outbox."
echo
bin/rappel run &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap stop EXIT
trap 'stop; exit 130' INT TERM
while [ "$(date +%s)" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do sleep 1; done
stop
trap - EXIT INT TERM

echo
rappel deliveries --session "$s1"; echo
count=$(find "$outbox" -name '*.eml' | wc -l)
echo "» $count messages écrits dans $outbox :"
ls -1 "$outbox"
echo
echo "» Le premier de Marie Dupont, tel qu'elle le lira (ouvrez les .eml dans un logiciel de messagerie pour voir la version HTML) :"
first=$(ls -1tr "$outbox"/*.eml | xargs grep -l '^To: .*marie\.dupont@' | head -n 1)
go run ./scripts/showmail "$first"
