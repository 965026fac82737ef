package csvimport

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
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

// WriteRejected writes the lines of a list that were refused, under the
// list's own header and with a last column saying why, so that an
// organiser fixes them in a spreadsheet and imports the file again (the
// reason column is then ignored).
func WriteRejected(w io.Writer, res Result) error {
	cw, err := NewWriter(w)
	if err != nil {
		return err
	}
	if err := cw.Write(append(slices.Clone(res.Header), RejectedReasonColumn)...); err != nil {
		return err
	}
	for _, r := range res.Rejected {
		cells := slices.Clone(r.Cells)
		for len(cells) < len(res.Header) {
			cells = append(cells, "")
		}
		if err := cw.Write(append(cells, fmt.Sprintf("ligne %d : %s", r.Line, r.Reason))...); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// RejectedReasonColumn heads the column WriteRejected adds.
const RejectedReasonColumn = "Motif du refus"
