package config

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
)

// minKeyBits is the randomness a signing key must carry: with less, the
// links of every message (unsubscription, cancellation) could be forged
// for the sequential sign-up ids.
const minKeyBits = 128

// exampleKeys are the placeholders of the project's own examples
// (deploy/systemd/rappel.env.example, the Kubernetes example Secret): they
// are public, so a deployment that kept one has no secret at all. A test
// reads the examples and checks that every key they show is refused.
var exampleKeys = []string{
	"REMPLACER_PAR_UNE_CLE_ALEATOIRE_DE_32_CARACTERES_AU_MOINS",
	"A_REMPLACER_PAR_UNE_CLE_ALEATOIRE_DE_32_CARACTERES",
}

// placeholderWords betray a key typed by a person rather than drawn at
// random; a random key holds one of them with a probability below 10⁻⁹.
var placeholderWords = []string{"remplacer", "replace", "changeme", "change_me", "exemple", "example",
	"secret", "motdepasse", "password", "aleatoire", "random", "xxxxxx"}

const howToMakeKey = "créez-en une avec « openssl rand -base64 32 »"

// checkKey refuses a signing key that is public or guessable, and returns
// the bytes that sign: the decoded value of a base64 or hexadecimal key of
// 32 bytes or more (as "openssl rand -base64 32" or "-hex 32" prints), else
// the key as typed.
func checkKey(i int, k string) ([]byte, error) {
	for _, ex := range exampleKeys {
		if strings.EqualFold(k, ex) {
			return nil, fmt.Errorf("la clé n° %d est celle d'un exemple du projet, connue de tous : %s", i, howToMakeKey)
		}
	}
	lower := strings.ToLower(k)
	for _, w := range placeholderWords {
		if strings.Contains(lower, w) {
			return nil, fmt.Errorf("la clé n° %d ressemble à un texte à remplacer (« %s ») : %s", i, w, howToMakeKey)
		}
	}
	if strings.ContainsAny(k, " \t") {
		return nil, fmt.Errorf("la clé n° %d contient des espaces, comme une phrase : %s", i, howToMakeKey)
	}
	key := decodeKey(k)
	if len(key) < 32 {
		return nil, fmt.Errorf("la clé n° %d est trop courte (32 caractères au moins) : %s", i, howToMakeKey)
	}
	if bits := keyBits(key); bits < minKeyBits {
		return nil, fmt.Errorf("la clé n° %d est trop prévisible (environ %.0f bits d'aléa, %d au moins) : %s", i, bits, minKeyBits, howToMakeKey)
	}
	return key, nil
}

func decodeKey(k string) []byte {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(k); err == nil && len(raw) >= 32 {
			return raw
		}
	}
	if raw, err := hex.DecodeString(k); err == nil && len(raw) >= 32 {
		return raw
	}
	return []byte(k)
}

// keyBits estimates the randomness of a key, generously for a random one
// and harshly for a pattern: the Shannon entropy of its bytes times the
// length of its shortest repeating unit ("abcabcabc…" counts as "abc").
// 32 random bytes score about 150; a key of one repeated character, 0.
func keyBits(key []byte) float64 {
	unit := key[:period(key)]
	var counts [256]int
	for _, b := range unit {
		counts[b]++
	}
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(len(unit))
			h -= p * math.Log2(p)
		}
	}
	return h * float64(len(unit))
}

// period is the length of the shortest unit whose repetition (the last
// one possibly cut) makes b.
func period(b []byte) int {
	for p := 1; p < len(b); p++ {
		same := true
		for i := p; i < len(b) && same; i++ {
			same = b[i] == b[i-p]
		}
		if same {
			return p
		}
	}
	return len(b)
}
