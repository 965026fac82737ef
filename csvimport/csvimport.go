// Package csvimport reads the subscriber lists organisers have: CSV files
// exported from Excel, LibreOffice or a registration tool, with a header
// line naming the columns in French or English.
package csvimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/dinum/rappel/store"
)

// MaxSize is the largest file read, in bytes.
const MaxSize = 50 << 20

// Rejection is a line that was not imported, and why, in French.
type Rejection struct {
	Line   int
	Reason string
	// Cells are the line as read, to give it back to fix (RejectedCSV).
	Cells []string
}

// Result is a parsed list: the valid rows, and the lines set aside.
type Result struct {
	// Header is the file's first line, as read.
	Header []string
	Rows   []store.ImportRow
	// Duplicates repeat an address seen on an earlier line of the file.
	Duplicates []Rejection
	Rejected   []Rejection
}

// ErrNoEmailColumn says the header names no address column.
var ErrNoEmailColumn = errors.New("aucune colonne d'adresse électronique dans l'en-tête (attendu : email, courriel, e-mail ou adresse e-mail)")

// Parse reads a whole list. A bad line is set aside with its number (the
// header being line 1) and does not stop the others; only an unreadable
// file or header is an error.
func Parse(r io.Reader) (Result, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Result{}, fmt.Errorf("lecture du fichier impossible : %w", err)
	}
	if len(raw) > MaxSize {
		return Result{}, fmt.Errorf("fichier trop gros (%d Mo au plus)", MaxSize>>20)
	}
	text := decode(raw)
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return Result{}, errors.New("fichier vide")
	}
	if err != nil {
		return Result{}, fmt.Errorf("ligne 1 : en-tête illisible : %w", err)
	}
	cols, err := columnsOf(header)
	if err != nil {
		return Result{}, err
	}
	// The reader reuses its record: the header is kept before the rows.
	header = slices.Clone(header)
	res, err := readRows(cr, cols)
	res.Header = header
	return res, err
}

func readRows(cr *csv.Reader, cols columns) (Result, error) {
	var res Result
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				return res, fmt.Errorf("ligne %d : %v", perr.StartLine, perr.Err)
			}
			return res, fmt.Errorf("ligne %d : %w", line, err)
		}
		if blank(rec) {
			continue
		}
		row, reason := cols.row(rec)
		switch {
		case reason != "":
			res.Rejected = append(res.Rejected, Rejection{Line: line, Reason: reason, Cells: slices.Clone(rec)})
		case seen[row.Email] != 0:
			res.Duplicates = append(res.Duplicates, Rejection{Line: line,
				Reason: fmt.Sprintf("même adresse que la ligne %d", seen[row.Email]), Cells: slices.Clone(rec)})
		default:
			row.Line = line
			seen[row.Email] = line
			res.Rows = append(res.Rows, row)
		}
	}
}

// decode returns the file as UTF-8 text: without its byte-order mark, or
// read as Windows-1252 (what Excel writes in France) when it is not UTF-8.
func decode(raw []byte) string {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if utf8.Valid(raw) {
		return string(raw)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(out)
}

// delimiter picks ";", "," or a tab: whichever the header line has most of,
// outside quotes. French Excel writes ";".
func delimiter(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	counts := map[rune]int{}
	quoted := false
	for _, r := range first {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// columns says where the address and the names are.
type columns struct {
	email, name, first, last int
}

// headerKey folds a header cell for matching: lower case, no accents, only
// letters ("Adresse e-mail" and "adresse_email" both give "adresseemail").
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	emailHeaders = []string{"email", "mail", "courriel", "adresseemail", "adressemail", "adressecourriel",
		"adresseelectronique", "emailaddress", "adresse"}
	nameHeaders  = []string{"nomcomplet", "nometprenom", "prenometnom", "name", "fullname", "participant"}
	firstHeaders = []string{"prenom", "firstname", "givenname"}
	lastHeaders  = []string{"nom", "nomdefamille", "lastname", "surname", "familyname"}
)

func columnsOf(header []string) (columns, error) {
	c := columns{email: -1, name: -1, first: -1, last: -1}
	find := func(dst *int, names []string) {
		for _, n := range names {
			for i, h := range header {
				if *dst < 0 && headerKey(h) == n {
					*dst = i
				}
			}
		}
	}
	find(&c.email, emailHeaders)
	find(&c.name, nameHeaders)
	find(&c.first, firstHeaders)
	find(&c.last, lastHeaders)
	if c.email < 0 {
		return c, ErrNoEmailColumn
	}
	return c, nil
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.Join(strings.Fields(rec[i]), " ")
}

// row reads one record, or says why it cannot be imported.
func (c columns) row(rec []string) (store.ImportRow, string) {
	email, err := store.NormalizeEmail(cell(rec, c.email))
	if err != nil {
		return store.ImportRow{}, err.Error()
	}
	name := cell(rec, c.name)
	if name == "" {
		name = strings.TrimSpace(cell(rec, c.first) + " " + cell(rec, c.last))
	}
	if err := store.CheckName(name); err != nil {
		return store.ImportRow{}, err.Error()
	}
	return store.ImportRow{Email: email, Name: name}, ""
}
