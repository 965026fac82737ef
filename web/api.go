package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/token"
)

// Body limits of the API: a session is small, a list may be long.
const (
	maxJSONBody = 64 << 10
	maxCSVBody  = 10 << 20
)

type organiserKey struct{}

// api serves the organisers' JSON API. Every request carries a bearer
// token; an organiser reaches its own sessions only, an administrator all.
// A session of another organiser answers 404, as one that does not exist.
func (s *Server) api() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/sessions", s.apiSessions)
	mux.HandleFunc("POST /api/sessions", s.apiCreateSession)
	mux.HandleFunc("GET /api/sessions/{id}", s.withSession(s.apiSession))
	mux.HandleFunc("PATCH /api/sessions/{id}", s.withSession(s.apiUpdateSession))
	mux.HandleFunc("POST /api/sessions/{id}/cancel", s.withSession(s.apiCancelSession))
	mux.HandleFunc("POST /api/sessions/{id}/subscribers", s.withSession(s.apiAddSubscriber))
	mux.HandleFunc("POST /api/sessions/{id}/import", s.withSession(s.apiImport))
	mux.HandleFunc("GET /api/sessions/{id}/deliveries", s.withSession(s.apiDeliveries))
	mux.HandleFunc("GET /api/sessions/{id}/signups", s.withSession(s.apiSignups))
	mux.HandleFunc("POST /api/agenda/import", s.apiAgendaImport)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		apiError(w, http.StatusNotFound, "", "adresse inconnue de l'API")
	})
	return s.authenticate(mux)
}

// authenticate finds the organiser of the bearer token, or answers 401.
// The token is never logged.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(raw) == "" {
			unauthorized(w)
			return
		}
		org, err := s.store.OrganiserByToken(r.Context(), token.Hash(strings.TrimSpace(raw)))
		if errors.Is(err, store.ErrNotFound) {
			unauthorized(w)
			return
		}
		if err != nil {
			s.apiServerError(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), organiserKey{}, org)))
	})
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="rappel"`)
	apiError(w, http.StatusUnauthorized, "", "jeton d'accès absent, invalide ou révoqué (en-tête Authorization: Bearer …)")
}

func organiserOf(r *http.Request) store.Organiser {
	org, _ := r.Context().Value(organiserKey{}).(store.Organiser)
	return org
}

// withSession reads the session of the address and checks that the
// organiser may reach it.
func (s *Server) withSession(h func(http.ResponseWriter, *http.Request, store.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			apiError(w, http.StatusNotFound, "", "session introuvable")
			return
		}
		sess, err := s.store.SessionByID(r.Context(), id)
		org := organiserOf(r)
		switch {
		case errors.Is(err, store.ErrNotFound),
			err == nil && !org.IsAdmin && (sess.OrganiserID == nil || *sess.OrganiserID != org.ID):
			apiError(w, http.StatusNotFound, "", "session introuvable")
			return
		case err != nil:
			s.apiServerError(w, err)
			return
		}
		h(w, r, sess)
	}
}

// apiErrorBody is every error of the API: a French message and, when one
// field is at fault, its name.
type apiErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func apiError(w http.ResponseWriter, status int, field, message string) {
	writeJSON(w, status, apiErrorBody{Error: message, Field: field})
}

func (s *Server) apiServerError(w http.ResponseWriter, err error) {
	s.logger.Error("API request failed.", slog.Any("error", err))
	apiError(w, http.StatusInternalServerError, "", "erreur du service, réessayez dans quelques instants")
}

// storeError answers for an error of the store: what the request did
// wrong, in French, or a server error.
func (s *Server) storeError(w http.ResponseWriter, err error) {
	field, msg, ok := store.Explain(err)
	var ferr *store.FieldError
	switch {
	case !ok:
		s.apiServerError(w, err)
	case errors.As(err, &ferr):
		apiError(w, http.StatusUnprocessableEntity, field, msg)
	default:
		apiError(w, http.StatusConflict, field, msg)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// readJSON decodes a body strictly: size limited, unknown fields refused.
// It answers the client itself when the body is not acceptable.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("extra data")
	}
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooBig):
		apiError(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("corps trop gros (%d Kio au plus)", maxJSONBody>>10))
	case errors.As(err, &typeErr):
		apiError(w, http.StatusBadRequest, typeErr.Field, fmt.Sprintf("le champ « %s » n'a pas le bon type", typeErr.Field))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		apiError(w, http.StatusBadRequest, field, fmt.Sprintf("champ inconnu « %s »", field))
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		apiError(w, http.StatusBadRequest, "", "corps JSON illisible")
	default:
		apiError(w, http.StatusBadRequest, "", "corps JSON illisible : "+err.Error())
	}
	return false
}
