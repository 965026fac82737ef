package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dinum/rappel/store"
)

// TestExplainEveryRefusal: each refusal of the store has its French words,
// wrapped as the store returns it; a failure has none.
func TestExplainEveryRefusal(t *testing.T) {
	t.Parallel()
	for _, err := range []error{store.ErrCancelled, store.ErrSessionClosed, store.ErrUnsubscribed, store.ErrOptedOut,
		&store.FieldError{Field: "title", Message: "le titre est vide"}} {
		wrapped := fmt.Errorf("subscribe to session 3: %w", err)
		_, msg, ok := store.Explain(wrapped)
		if !ok || msg == "" || strings.Contains(msg, "session 3") || msg == err.Error() && !errors.As(err, new(*store.FieldError)) {
			t.Errorf("Explain(%v) = %q, %v", err, msg, ok)
		}
	}
	if _, _, ok := store.Explain(errors.New("connection refused")); ok {
		t.Error("a failure was explained as a refusal")
	}
}
