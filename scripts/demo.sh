#!/usr/bin/env bash
# demo.sh — rappel pour de vrai, en trois minutes : trois sessions du
# programme du Mois de l'innovation publique 2021 (shared/fixtures), avancées
# pour commencer dans quelques minutes, des inscrits, et le service qui envoie
# les rappels à l'heure dite, dans un dossier d'envoi local (MAIL_OUTBOX_DIR).
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
export MAIL_FROM="${MAIL_FROM:-DINUM <rappels@example.gouv.fr>}"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$port}"
export HTTP_ADDR="127.0.0.1:$port"
export SECRET_KEYS="${SECRET_KEYS:-$(head -c 32 /dev/urandom | base64)}"
# Pour la démonstration, les rappels partent 2 minutes et 1 minute avant
# chaque session (par défaut : la veille et une heure avant).
export REMINDERS="${DEMO_REMINDERS:-2m,1m}"
export LOG_FORMAT=text

rappel migrate

now=$(date +%s)
# Les sessions commencent à la minute ronde, dans deux à trois minutes.
base=$(( (now + 140 + 59) / 60 * 60 - now ))
at() { date -u -d "@$((now + $1))" +%Y-%m-%dT%H:%M:%SZ; }

echo "» Création de trois sessions du programme, avancées à aujourd'hui :"
s1=$(rappel session add --kind webinaire \
  --title "Simplifier les démarches des citoyens et le quotidien des agents grâce aux API" \
  --start "$(at "$base")" --end "$(at $((base + 1800)))" \
  --url "https://app.livestorm.co/dinum-12/simplifier-demarches-api-mois-innovation?type=detailed" \
  --description "Les API « pour les nuls ». Tout savoir sur les API, leur utilité et l'offre de service de la DINUM.")
s2=$(rappel session add --kind atelier \
  --title "Comment l’administration peut-elle aider proactivement les jeunes dans leur entrée dans la vie active ?" \
  --start "$(at $((base + 60)))" --end "$(at $((base + 60 + 5400)))" \
  --location "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris")
s3=$(rappel session add --kind table-ronde \
  --title "Travail en mode hybride, et maintenant ?" \
  --start "$(at $((base + 60)))" --end "$(at $((base + 60 + 7200)))" \
  --location "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris" \
  --accessible \
  --url "https://www.modernisation.gouv.fr/mois-de-linnovation-publique/travail-en-mode-hybride-et-maintenant")
rappel session list

echo "» Inscriptions : une par une, et une liste CSV comme l'exporte Excel."
rappel subscribe --session "$s1" --email marie.dupont@example.gouv.fr --name "Marie Dupont"
printf 'Courriel;Prénom;Nom\nJean.Martin@example.gouv.fr;Jean;Martin\nlea.bernard@example.gouv.fr;Léa;Bernard\npas-une-adresse;Paul;Durand\n' \
  | rappel import --session "$s1" -
rappel subscribe --session "$s2" --email jean.martin@example.gouv.fr --name "Jean Martin"
rappel subscribe --session "$s3" --email lea.bernard@example.gouv.fr --name "Léa Bernard"
rappel subscribe --session "$s3" --email karim.benali@example.gouv.fr --name "Karim Benali"

end=$((now + base + 6))
echo
paris() { TZ=Europe/Paris date -d "@$1" +%H:%M:%S; }
echo "» Le service démarre. Les rappels partent entre $(paris $((now + base - 120))) et $(paris $((now + base))) (heure de Paris),"
echo "  chacun à sa seconde ; ils sont écrits dans $outbox"
echo "  (Ctrl-C arrête le service proprement ; la démonstration finit seule vers $(paris "$end").)"
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
for s in "$s1" "$s2" "$s3"; do rappel deliveries --session "$s"; echo; done
count=$(find "$outbox" -name '*.eml' | wc -l)
echo "» $count messages écrits dans $outbox :"
ls -1 "$outbox"
echo
echo "» Le premier, tel que le lira Marie Dupont (ouvrez les .eml dans un logiciel de messagerie pour voir la version HTML) :"
first=$(ls -1tr "$outbox"/*.eml | head -n 1)
go run ./scripts/showmail "$first"
