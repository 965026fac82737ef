package when

import (
	"testing"
	"time"
)

func TestZone(t *testing.T) {
	t.Parallel()
	paris := time.UTC
	for name, want := range map[string]string{"": "UTC", "Local": "UTC", "Mars/Olympus": "UTC", "America/Cayenne": "America/Cayenne"} {
		if got := Zone(name, paris); got.String() != want {
			t.Errorf("Zone(%q) = %s, want %s", name, got, want)
		}
	}
	if Zone("Pacific/Noumea", nil) != Zone("Pacific/Noumea", nil) {
		t.Error("the zone is read again on each call")
	}
}

// BenchmarkZone shows why zones are cached: a message about a session in
// its own zone asks for it several times.
func BenchmarkZone(b *testing.B) {
	b.Run("LoadLocation", func(b *testing.B) {
		for b.Loop() {
			_, _ = time.LoadLocation("America/Cayenne")
		}
	})
	b.Run("Cached", func(b *testing.B) {
		for b.Loop() {
			Zone("America/Cayenne", time.UTC)
		}
	})
}
