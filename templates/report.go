package templates

import (
	"strconv"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/when"
)

// The words of the deliveries report, for organisers: the CLI's
// `rappel deliveries` and the organisers' space say the same.

// MessageLabel names a message kind for an organiser: a notice by its row
// of kind.Notices, a reminder by its offset.
func MessageLabel(k kind.Message) string {
	if l := k.Label(); l != "" {
		return l
	}
	switch k {
	case kind.J1:
		return "rappel la veille"
	case kind.H1:
		return "rappel une heure avant"
	}
	label, ok := k.ReminderOffset()
	if !ok {
		return string(k)
	}
	r, err := when.ParseReminder(label)
	if err != nil {
		return string(k)
	}
	if r.Days > 0 {
		return "rappel " + Duration(time.Duration(r.Days)*24*time.Hour) + " avant, à la même heure"
	}
	return "rappel " + Duration(r.Duration) + " avant"
}

// SkipReasons say why a message was not sent, by the skip_reason of its
// delivery.
var SkipReasons = map[string]string{
	"past_at_signup":    "inscription ou changement d’horaire après l’heure de ce rappel",
	"session_started":   "la session avait déjà commencé",
	"too_late":          "trop tard, le service était arrêté à l’heure prévue",
	"superseded":        "remplacé par le rappel suivant, plus proche",
	"session_changed":   "session annulée ou déplacée entre-temps",
	"session_cancelled": "session annulée",
	"rescheduled":       "session déplacée : remplacé par celui du nouvel horaire",
	"unsubscribed":      "désinscription",
	"already_sent":      "déjà envoyé pour l’ancien horaire, tout proche du nouveau",
	"already_confirmed": "inscription déjà confirmée",
	"offer_ended":       "l’offre de place avait pris fin",
}

// AttemptOutcomes say what an attempt gave, by its outcome.
var AttemptOutcomes = map[string]string{
	"accepted":    "transmis au serveur d’envoi",
	"deferred":    "refus temporaire",
	"rejected":    "refus définitif",
	"unreachable": "serveur d’envoi injoignable",
}

// ExplainFailure says in an organiser's words what a refusal of the
// recipient's server means, from its SMTP reply (« 550 5.1.1 … »): the
// enhanced status code first (RFC 3463), then the basic one.
func ExplainFailure(reply string) string {
	fields := strings.Fields(reply)
	if len(fields) == 0 {
		return ""
	}
	if len(fields) > 1 {
		if e, ok := enhancedCodes[fields[1]]; ok {
			return e
		}
	}
	switch code, _ := strconv.Atoi(fields[0]); {
	case code == 421 || code == 450 || code == 451 || code == 452:
		return "le serveur du destinataire était momentanément indisponible"
	case code == 550 || code == 551 || code == 553:
		return "le serveur du destinataire refuse cette adresse : elle est peut-être mal écrite ou n’existe plus"
	case code == 552:
		return "la boîte du destinataire est pleine"
	case code == 554:
		return "le serveur du destinataire a refusé le message"
	case code >= 500:
		return "le serveur du destinataire a refusé le message"
	case code >= 400:
		return "le serveur du destinataire était momentanément indisponible"
	}
	return ""
}

var enhancedCodes = map[string]string{
	"5.1.1":  "cette adresse n’existe pas chez son fournisseur : elle est peut-être mal écrite",
	"5.1.2":  "le domaine de cette adresse n’existe pas : elle est peut-être mal écrite",
	"5.1.10": "cette adresse n’existe pas chez son fournisseur : elle est peut-être mal écrite",
	"5.2.1":  "la boîte de cette adresse est désactivée",
	"5.2.2":  "la boîte du destinataire est pleine",
	"4.2.2":  "la boîte du destinataire est pleine pour le moment",
	"5.7.1":  "le serveur du destinataire a refusé le message (règle de sécurité ou filtre anti-spam)",
	"5.7.26": "le serveur du destinataire n’a pas pu authentifier l’expéditeur (SPF, DKIM, DMARC) : à voir avec l’équipe technique",
}
