package response_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/http/response"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	if err := response.JSON(w, http.StatusCreated, map[string]int{"a": 1}); err != nil {
		t.Fatalf("JSON() = %v", err)
	}
	if w.Code != http.StatusCreated || w.Body.String() != "{\"a\":1}\n" {
		t.Errorf("JSON() wrote %d %q, want 201 {\"a\":1}", w.Code, w.Body.String())
	}
	if got := w.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("JSON() Content-Type = %q, want application/json", got)
	}
}

func TestJSON_EncodeError(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	if err := response.JSON(w, http.StatusOK, map[string]any{"f": func() {}}); err == nil {
		t.Fatal("JSON(func) = nil, want an error")
	}
	if w.Code != http.StatusInternalServerError || w.Body.String() != "{\"error\":\"Internal error\"}\n" {
		t.Errorf("JSON(func) wrote %d %q, want a plain 500", w.Code, w.Body.String())
	}
}

func TestNoContent(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	response.NoContent(w)
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Errorf("NoContent() wrote %d %q, want 204 and no body", w.Code, w.Body.String())
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 20, 11, 30, 0, 123456789, time.FixedZone("CEST", 2*3600))
	if got, want := response.Time(at), "2026-05-20T09:30:00.123Z"; got != want {
		t.Errorf("Time(%v) = %q, want %q", at, got, want)
	}
	if got, want := response.Time(time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)), "2026-05-20T09:30:00.000Z"; got != want {
		t.Errorf("Time(whole second) = %q, want %q", got, want)
	}
	if got := response.TimePtr(nil); got != nil {
		t.Errorf("TimePtr(nil) = %q, want nil", *got)
	}
}

func TestNewRequestID(t *testing.T) {
	t.Parallel()
	a, b := response.NewRequestID(), response.NewRequestID()
	if len(a) != 16 || a == b {
		t.Errorf("NewRequestID() = %q, %q; want two different 16-character ids", a, b)
	}
}
