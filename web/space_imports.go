package web

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dinum/rappel/agenda"
	"github.com/dinum/rappel/csvimport"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

// maxUpload is the largest file an organiser sends from a page.
const maxUpload = 10 << 20

// uploaded reads the file of the form's field, or says what is wrong.
func uploaded(w http.ResponseWriter, r *http.Request, field string) ([]byte, string, string) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+64<<10)
	f, h, err := r.FormFile(field)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, "", fmt.Sprintf("Le fichier est trop gros (%d Mo au plus).", maxUpload>>20)
	case errors.Is(err, http.ErrMissingFile):
		return nil, "", "Choisissez un fichier."
	case err != nil:
		return nil, "", "Le fichier n’a pas pu être lu."
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, "", "Le fichier n’a pas pu être lu."
	}
	return data, h.Filename, ""
}

type listImportData struct {
	Session  overviewView
	Confirm  bool
	Report   *listReport
	FileName string
}

// listReport is what an import of a list did, line by line where a line
// was set aside.
type listReport struct {
	Added, Invited, Present, Waitlisted int
	Lines                               []reportLine
	// Rejected is the file of the rejected lines, to fix and import again,
	// in base64: the page holds it as it is, untouched by its typography.
	Rejected string
}

type reportLine struct {
	Line int
	// Content is the line as read (its cells), or the address at fault.
	Content, Reason string
}

func (s *Server) listImportForm(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	s.renderSpace(w, r, http.StatusOK, "space-import-list", spacePage{Title: "Importer une liste – " + o.Title,
		Data: listImportData{Session: s.overviewView(o)}})
}

// importList signs up the people of a CSV file, or (double opt-in) asks
// each new one to confirm, and shows the report on the page.
func (s *Server) importList(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	d := listImportData{Session: s.overviewView(o), Confirm: r.FormValue("accord") != ""}
	data, name, problem := uploaded(w, r, "fichier")
	p := spacePage{Title: "Importer une liste – " + o.Title, Data: &d}
	if problem != "" {
		p.setError("fichier", problem)
		s.renderSpace(w, r, http.StatusUnprocessableEntity, "space-import-list", p)
		return
	}
	parsed, err := csvimport.Parse(bytes.NewReader(data))
	if err != nil {
		p.setError("fichier", "Le fichier n’a pas pu être importé : "+err.Error()+".")
		s.renderSpace(w, r, http.StatusUnprocessableEntity, "space-import-list", p)
		return
	}
	var res store.ImportResult
	if d.Confirm {
		res, err = s.store.ImportRequests(r.Context(), o.ID, parsed.Rows, s.cfg.ConfirmsPerDay)
	} else {
		res, err = s.store.ImportSignups(r.Context(), o.ID, parsed.Rows)
	}
	if err != nil {
		field, msg, ok := store.Explain(err)
		if !ok {
			s.spaceServerError(w, r, err)
			return
		}
		p.setError(cmp.Or(field, "fichier"), msg)
		s.renderSpace(w, r, http.StatusConflict, "space-import-list", p)
		return
	}
	d.Report, d.FileName = listReportOf(parsed, res), name
	s.note(r, o.ID, "import d’une liste", fmt.Sprintf("%s : %s, %s, %s", path.Base(name),
		templates.Plural(len(res.Added), "inscrite", "inscrites"), templates.Plural(len(res.Invited), "invitée", "invitées"),
		templates.Plural(len(parsed.Rejected), "ligne refusée", "lignes refusées")))
	p.Notice = "La liste est importée."
	s.renderSpace(w, r, http.StatusOK, "space-import-list", p)
}

func listReportOf(parsed csvimport.Result, res store.ImportResult) *listReport {
	rep := &listReport{Added: len(res.Added), Invited: len(res.Invited), Present: len(res.Present), Waitlisted: len(res.Waitlisted)}
	for _, l := range append(slices.Clone(parsed.Rejected), parsed.Duplicates...) {
		rep.Lines = append(rep.Lines, reportLine{Line: l.Line, Content: strings.Join(l.Cells, " ; "), Reason: l.Reason})
	}
	for _, row := range res.Unsubscribed {
		rep.Lines = append(rep.Lines, reportLine{Line: row.Line, Content: row.Email, Reason: "cette personne s’est désinscrite : seule elle peut se réinscrire"})
	}
	for _, row := range res.Limited {
		rep.Lines = append(rep.Lines, reportLine{Line: row.Line, Content: row.Email, Reason: "trop de demandes de confirmation envoyées à cette adresse aujourd’hui"})
	}
	slices.SortFunc(rep.Lines, func(a, b reportLine) int { return a.Line - b.Line })
	if len(parsed.Rejected) > 0 {
		var b strings.Builder
		if err := csvimport.WriteRejected(&b, parsed); err == nil {
			rep.Rejected = base64.RawURLEncoding.EncodeToString([]byte(b.String()))
		}
	}
	return rep
}

// rejectedLines gives back, as a file, the rejected lines the report page
// holds: the page keeps them, so nothing is stored on the server.
func (s *Server) rejectedLines(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	data, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("rejets"))
	if err != nil {
		s.spaceNotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="lignes-rejetees-session-`+strconv.FormatInt(o.ID, 10)+`.csv"`)
	_, _ = w.Write(data)
}

type programmeData struct {
	Report *programmeReport
	// Source is the programme sent, kept in the page for « Appliquer », in
	// base64 so that the page's typography leaves it as it is.
	Source, Name, FileName string
	ICS                    bool
}

type programmeReport struct {
	DryRun   bool
	Changes  []programmeChange
	Problems []string
	// Summary says what the import does, « 12 sessions à créer, 1 à
	// déplacer »; Apply is the words of its button.
	Summary, Apply string
	// Past counts the sessions to create that are already over.
	Past int
}

type programmeChange struct {
	Action, Title, When, Detail string
	SessionID                   int64
}

var actionLabels = map[agenda.Action]string{
	agenda.Create: "Création", agenda.Update: "Modification", agenda.Reschedule: "Changement d’horaire",
	agenda.Cancel: "Annulation", agenda.Unchanged: "Inchangée", agenda.Missing: "Absente du programme",
	agenda.Kept: "Reste annulée",
}

func (s *Server) programmeForm(w http.ResponseWriter, r *http.Request) {
	s.renderSpace(w, r, http.StatusOK, "space-programme", spacePage{Title: "Importer un programme", Data: programmeData{}})
}

// programmeDryRun reads the programme sent and shows what importing it
// would do; nothing changes until « Appliquer ».
func (s *Server) programmeDryRun(w http.ResponseWriter, r *http.Request) {
	data, name, problem := uploaded(w, r, "fichier")
	s.importProgramme(w, r, data, name, plainSpaces(strings.TrimSpace(r.FormValue("nom"))), problem, true)
}

// programmeApply imports the programme the dry run's page sent back.
func (s *Server) programmeApply(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxUpload)
	data, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("programme"))
	problem := ""
	if err != nil || len(data) == 0 {
		problem = "Le programme à appliquer manque : envoyez le fichier à nouveau."
	}
	s.importProgramme(w, r, data, r.PostFormValue("fichier_nom"), plainSpaces(strings.TrimSpace(r.PostFormValue("nom"))), problem, false)
}

func (s *Server) importProgramme(w http.ResponseWriter, r *http.Request, data []byte, fileName, name, problem string, dry bool) {
	d := programmeData{Name: name, FileName: fileName}
	p := spacePage{Title: "Importer un programme", Data: &d, Values: map[string]string{"nom": name}}
	fail := func(field, msg string) {
		p.setError(field, msg)
		s.renderSpace(w, r, http.StatusUnprocessableEntity, "space-programme", p)
	}
	if problem != "" {
		fail("fichier", problem)
		return
	}
	d.ICS = bytes.HasPrefix(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), []byte("BEGIN:VCALENDAR"))
	var prog agenda.Programme
	var err error
	if d.ICS {
		if name == "" {
			fail("nom", "Nommez ce calendrier, pour que rappel le reconnaisse à l’import suivant.")
			return
		}
		prog, err = agenda.ParseICS(bytes.NewReader(data), name, s.cfg.Location, "")
	} else {
		prog, err = agenda.ParsePost(data, s.cfg.Location)
	}
	if err != nil {
		fail("fichier", "Le programme n’a pas pu être lu : "+err.Error()+".")
		return
	}
	if name != "" {
		prog.Source = name
	}
	if prog.Source == "" {
		fail("nom", "L’article n’a pas de titre : nommez le programme.")
		return
	}
	team := memberOf(r).Team()
	rep, err := agenda.Importer{Store: s.store, OrganiserID: &team.ID}.Import(r.Context(), prog, agenda.Options{DryRun: dry})
	if errors.Is(err, agenda.ErrBusy) {
		fail("", "Un autre import de ce programme est en cours. Réessayez dans un instant.")
		return
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	d.Report, d.Source = s.programmeReport(rep), base64.RawURLEncoding.EncodeToString(data)
	if !dry {
		s.note(r, 0, "import d’un programme", fmt.Sprintf("%s : %d créées, %d déplacées, %d modifiées", prog.Source,
			rep.Count(agenda.Create), rep.Count(agenda.Reschedule), rep.Count(agenda.Update)))
		p.Notice = "Le programme est importé."
	}
	s.renderSpace(w, r, http.StatusOK, "space-programme", p)
}

func (s *Server) programmeReport(rep agenda.Report) *programmeReport {
	out := &programmeReport{DryRun: rep.DryRun}
	for _, c := range rep.Changes {
		pc := programmeChange{Action: actionLabels[c.Action], Title: c.Session.Title, SessionID: c.Session.ID,
			Detail: strings.Join(c.Fields, ", ")}
		start, end := c.Session.StartsAt, c.Session.EndsAt
		if c.Entry != nil {
			pc.Title, start, end = c.Entry.Title, c.Entry.Start, c.Entry.End
		}
		loc := when.Zone(c.Session.Timezone, s.cfg.Location)
		pc.When = templates.Span(start, end, loc)
		if c.Action == agenda.Reschedule {
			pc.Detail = "au lieu du " + templates.Span(c.From, nil, loc)
		}
		if c.Action == agenda.Create && !cmp.Or(end, &start).After(timeNow()) {
			out.Past++
		}
		out.Changes = append(out.Changes, pc)
	}
	var parts []string
	for _, a := range []struct {
		action    agenda.Action
		one, many string
	}{
		{agenda.Create, "session à créer", "sessions à créer"}, {agenda.Reschedule, "à déplacer", "à déplacer"},
		{agenda.Update, "à modifier", "à modifier"}, {agenda.Cancel, "à annuler", "à annuler"},
		{agenda.Unchanged, "inchangée", "inchangées"}, {agenda.Missing, "absente du programme", "absentes du programme"},
	} {
		if n := rep.Count(a.action); n > 0 {
			parts = append(parts, templates.Plural(n, a.one, a.many))
		}
	}
	out.Summary = templates.Join(parts)
	changes := rep.Count(agenda.Create) + rep.Count(agenda.Reschedule) + rep.Count(agenda.Update) + rep.Count(agenda.Cancel)
	switch {
	case changes == 0:
		// Nothing to apply: the page offers no button.
	case changes == 1 && rep.Count(agenda.Create) == 1:
		out.Apply = "Créer la session"
	case changes == rep.Count(agenda.Create):
		out.Apply = "Créer les " + strconv.Itoa(changes) + " sessions"
	case changes == 1:
		out.Apply = "Appliquer ce changement"
	default:
		out.Apply = "Appliquer ces " + strconv.Itoa(changes) + " changements"
	}
	for _, pr := range rep.Problems {
		out.Problems = append(out.Problems, pr.Heading+" : "+pr.Message)
	}
	return out
}

// listModel is a list to fill in, as Excel opens it: the columns rappel
// reads, and one line as an example.
func (s *Server) listModel(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="modele-liste-rappel.csv"`)
	cw, err := csvimport.NewWriter(w)
	if err != nil {
		return
	}
	_ = cw.Write("Courriel", "Prénom", "Nom")
	_ = cw.Write("camille.exemple@example.gouv.fr", "Camille", "Exemple")
	_ = cw.Flush()
}
