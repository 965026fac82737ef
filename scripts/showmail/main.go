// Command showmail prints the .eml files rappel writes to its outbox as a
// person reads them: a few headers, then the text part, decoded. The demo
// uses it; "go run ./scripts/showmail FILE…".
package main

import (
	"fmt"
	"os"

	"github.com/dinum/rappel/notify/mailview"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage : showmail FICHIER.eml…")
		os.Exit(2)
	}
	for _, name := range os.Args[1:] {
		if err := show(name); err != nil {
			fmt.Fprintf(os.Stderr, "showmail : %s : %v\n", name, err)
			os.Exit(1)
		}
	}
}

func show(name string) error {
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	p, err := mailview.Read(raw)
	if err != nil {
		return err
	}
	fmt.Printf("──── %s\n", name)
	for _, h := range []string{"From", "To", "Date", "Message-Id", "X-Rappel-Kind", "X-Rappel-Session", "List-Unsubscribe"} {
		fmt.Printf("%s: %s\n", h, p.Header.Get(h))
	}
	fmt.Printf("Subject: %s\n\n%s\n", p.Subject(), p.Parts["text/plain"])
	return nil
}
