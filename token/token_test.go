package token

import (
	"encoding/base64"
	"strings"
	"testing"
)

func key(c byte) []byte { return []byte(strings.Repeat(string(c), MinKeyLength)) }

func TestSignVerify(t *testing.T) {
	t.Parallel()
	s, err := NewSigner([][]byte{key('a')})
	if err != nil {
		t.Fatal(err)
	}
	tok := s.Sign(Unsubscribe, 42)
	id, err := s.Verify(Unsubscribe, tok)
	if err != nil || id != 42 {
		t.Fatalf("Verify = %d, %v", id, err)
	}
	if strings.ContainsAny(tok, "+/=") {
		t.Errorf("token %q is not URL-safe", tok)
	}

	t.Run("OtherPurpose", func(t *testing.T) {
		t.Parallel()
		if _, err := s.Verify("confirm", tok); err != ErrInvalid {
			t.Errorf("a token for another purpose was accepted: %v", err)
		}
	})

	t.Run("Tampered", func(t *testing.T) {
		t.Parallel()
		raw, _ := base64.RawURLEncoding.DecodeString(tok)
		raw[7]++ // id 43 with the MAC of id 42
		forged := base64.RawURLEncoding.EncodeToString(raw)
		for _, bad := range []string{"", "abc", tok + "A", forged, strings.ToUpper(tok)} {
			if _, err := s.Verify(Unsubscribe, bad); err == nil {
				t.Errorf("Verify(%q) accepted", bad)
			}
		}
	})

	t.Run("Rotation", func(t *testing.T) {
		t.Parallel()
		rotated, _ := NewSigner([][]byte{key('b'), key('a')})
		if id, err := rotated.Verify(Unsubscribe, tok); err != nil || id != 42 {
			t.Errorf("old token after rotation: %d, %v", id, err)
		}
		dropped, _ := NewSigner([][]byte{key('b')})
		if _, err := dropped.Verify(Unsubscribe, tok); err == nil {
			t.Error("token accepted after its key was dropped")
		}
	})
}

func TestNewSignerRefusesShortKeys(t *testing.T) {
	t.Parallel()
	if _, err := NewSigner(nil); err == nil {
		t.Error("no key accepted")
	}
	if _, err := NewSigner([][]byte{[]byte("short")}); err == nil {
		t.Error("short key accepted")
	}
}
