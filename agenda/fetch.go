package agenda

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// maxFeed bounds what is read of a feed or a post.
const maxFeed = 16 << 20

// IsURL says whether a programme is named by an http(s) address rather
// than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// Read reads a programme from a file or an http(s) address.
func Read(ctx context.Context, client *http.Client, from string) ([]byte, error) {
	if !IsURL(from) {
		data, err := os.ReadFile(from)
		if err != nil {
			return nil, fmt.Errorf("fichier illisible : %w", err)
		}
		return data, nil
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, from, nil)
	if err != nil {
		return nil, fmt.Errorf("adresse invalide : %w", err)
	}
	req.Header.Set("User-Agent", "rappel (agenda import)")
	req.Header.Set("Accept", "text/calendar, text/markdown;q=0.9, */*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("téléchargement impossible : %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("téléchargement refusé : %s répond %s", from, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFeed+1))
	if err != nil {
		return nil, fmt.Errorf("téléchargement interrompu : %w", err)
	}
	if len(data) > maxFeed {
		return nil, fmt.Errorf("programme trop gros (plus de %d Mio)", maxFeed>>20)
	}
	return data, nil
}
