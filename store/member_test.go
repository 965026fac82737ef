package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
	"github.com/dinum/rappel/token"
)

// TestMemberSessionsEnd: a session of the organisers' space ends when idle
// too long, when past its absolute end, and with its member; a sign-in
// link serves once and not after its time.
func TestMemberSessionsEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := storetest.NewStore(t)
	if _, _, err := st.AddOrganiser(ctx, "DINUM", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMember(ctx, "DINUM", "Marie@Numerique.gouv.fr"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMember(ctx, "DINUM", "marie@numerique.gouv.fr"); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("the same address twice: %v", err)
	}
	login := func() []byte {
		t.Helper()
		if err := st.RequestLogin(ctx, "marie@numerique.gouv.fr", 10); err != nil {
			t.Fatal(err)
		}
		links, err := st.ClaimLogins(ctx, 15*time.Minute, token.NewRandom)
		if err != nil || len(links) != 1 {
			t.Fatalf("links: %v %v", links, err)
		}
		return token.Hash(links[0].Token)
	}
	open := func(name string) []byte {
		t.Helper()
		h := token.Hash(name)
		if _, err := st.Login(ctx, login(), store.LoginParams{Hash: h, CSRF: "c", Idle: time.Hour, Absolute: 12 * time.Hour}); err != nil {
			t.Fatal(err)
		}
		return h
	}
	alive := func(h []byte) bool {
		_, err := st.SessionMember(ctx, h, time.Hour)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	idle, over, kept := open("idle"), open("over"), open("kept")
	_, _ = st.DB().Exec(`UPDATE member_sessions SET last_seen_at = now() - interval '61 minutes' WHERE token_hash = $1`, idle)
	_, _ = st.DB().Exec(`UPDATE member_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, over)
	if alive(idle) || alive(over) || !alive(kept) {
		t.Errorf("idle %v, over %v, kept %v", alive(idle), alive(over), alive(kept))
	}
	expired := login()
	_, _ = st.DB().Exec(`UPDATE login_requests SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, expired)
	if _, err := st.Login(ctx, expired, store.LoginParams{Hash: token.Hash("late"), CSRF: "c", Idle: time.Hour, Absolute: time.Hour}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired link signed in: %v", err)
	}
	if err := st.RemoveMember(ctx, "DINUM", "marie@numerique.gouv.fr"); err != nil {
		t.Fatal(err)
	}
	if alive(kept) {
		t.Error("the session outlived its member")
	}
}
