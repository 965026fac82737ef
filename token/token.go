// Package token makes the three kinds of tokens rappel hands out: the
// signed ids of the links in its emails (unsubscription), random
// single-use tokens of which only a hash is kept (confirmation links), and
// the organisers' API tokens. A signed token is the id and an HMAC of it:
// unguessable, it reveals no address, needs no storage, and survives a key
// rotation because every configured key is tried when checking.
package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// Purposes keep a token made for one use from being accepted for another.
const (
	Unsubscribe = "unsubscribe"
)

// ErrInvalid is returned for a token that was not signed by any known key.
var ErrInvalid = errors.New("invalid token")

// macSize is the length kept of the HMAC-SHA256, 128 bits.
const macSize = 16

// MinKeyLength is the shortest accepted key, in bytes.
const MinKeyLength = 32

// Signer signs with its first key and accepts any of them.
type Signer struct {
	keys [][]byte
}

// NewSigner needs at least one key of MinKeyLength bytes or more; the first
// signs, all verify, so that a new key can be put first and the old one
// dropped once the links it signed have expired.
func NewSigner(keys [][]byte) (*Signer, error) {
	if len(keys) == 0 {
		return nil, errors.New("no signing key")
	}
	for _, k := range keys {
		if len(k) < MinKeyLength {
			return nil, errors.New("signing key too short")
		}
	}
	return &Signer{keys: keys}, nil
}

// Sign makes the token of id for purpose.
func (s *Signer) Sign(purpose string, id int64) string {
	buf := make([]byte, 8, 8+macSize)
	binary.BigEndian.PutUint64(buf, uint64(id))
	buf = append(buf, mac(s.keys[0], purpose, buf[:8])...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// Verify returns the id of a token made for purpose.
func (s *Signer) Verify(purpose, tok string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 8+macSize {
		return 0, ErrInvalid
	}
	for _, k := range s.keys {
		if hmac.Equal(raw[8:], mac(k, purpose, raw[:8])) {
			return int64(binary.BigEndian.Uint64(raw[:8])), nil
		}
	}
	return 0, ErrInvalid
}

func mac(key []byte, purpose string, id []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write(id)
	return h.Sum(nil)[:macSize]
}

// NewRandom makes a random token for a link that must be used once (a
// sign-up confirmation): the token, to put in the link, and its SHA-256,
// the only thing kept.
func NewRandom() (string, []byte, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("make random token: %w", err)
	}
	raw := base64.RawURLEncoding.EncodeToString(b[:])
	return raw, Hash(raw), nil
}

// Hash is the SHA-256 of a random token, under which it is looked up.
func Hash(raw string) []byte {
	sum := sha256.Sum256([]byte(raw))
	return sum[:]
}

// apiPrefix starts every API token, so that a leaked one is easy to
// recognise (by secret scanners, for instance).
const apiPrefix = "rappel_"

// NewAPIToken makes an organiser's API token: the token, shown once, its
// hash, the only thing stored, and its first characters, to tell tokens
// apart in a listing.
func NewAPIToken() (raw string, hash []byte, prefix string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, "", fmt.Errorf("make API token: %w", err)
	}
	raw = apiPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return raw, Hash(raw), raw[:len(apiPrefix)+6], nil
}
