package csvimport

import (
	"encoding/csv"
	"io"
	"strings"
)

// SafeCell neutralises a cell that a spreadsheet would read as a formula
// (=, +, -, @, or a tab or carriage return first): an apostrophe in front
// makes it text. A cell imported from an organiser's file may hold
// anything; it never goes back out as a formula.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Writer writes a CSV for French spreadsheets: ";" between cells, a
// byte-order mark so that Excel reads UTF-8, every cell made safe.
type Writer struct {
	w *csv.Writer
}

// NewWriter starts the file with its byte-order mark.
func NewWriter(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return &Writer{w: cw}, nil
}

// Write writes one line.
func (w *Writer) Write(cells ...string) error {
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = SafeCell(c)
	}
	return w.w.Write(safe)
}

// Flush ends the file.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
