// Package notifytest builds, for tests, a composer configured as rappel's
// is in production, with the embedded templates.
package notifytest

import (
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// Composer is a composer for DINUM <rappels@example.gouv.fr> and
// https://rappel.example.gouv.fr, with a one-click unsubscription address,
// the default reminders and a 48-hour confirmation link, in loc.
func Composer(t testing.TB, loc *time.Location) *notify.Composer {
	t.Helper()
	tpl, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := token.NewSigner([][]byte{[]byte(strings.Repeat("k", 32))})
	from, _ := mail.ParseAddress("DINUM <rappels@example.gouv.fr>")
	public, _ := url.Parse("https://rappel.example.gouv.fr")
	c, err := notify.NewComposer(notify.ComposerConfig{
		From: from, PublicURL: public, UnsubscribeMailto: "desinscription@example.gouv.fr",
		Location: loc, Templates: tpl, Tokens: signer, Reminders: "des rappels la veille, puis une heure avant", ConfirmValidity: "48 heures",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
