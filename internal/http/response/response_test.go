package response_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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

// TestJSON_ContentLength checks that a body over net/http's 2 KB chunking
// threshold goes out with its Content-Length, not chunked, and that pooled
// buffers do not leak one response into the next.
func TestJSON_ContentLength(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := map[string]string{"a": "short"}
		if r.URL.Path == "/big" {
			v["a"] = big
		}
		if err := response.JSON(w, http.StatusOK, v); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/big", "/small", "/big", "/small"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := `{"a":"short"}` + "\n"
		if path == "/big" {
			want = `{"a":"` + big + `"}` + "\n"
		}
		if string(body) != want {
			t.Errorf("GET %s: body of %d bytes, want %d", path, len(body), len(want))
		}
		if len(resp.TransferEncoding) != 0 || resp.ContentLength != int64(len(want)) {
			t.Errorf("GET %s: Transfer-Encoding %q, Content-Length %d; want none and %d", path, resp.TransferEncoding, resp.ContentLength, len(want))
		}
		if got := resp.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("GET %s: Content-Type %q", path, got)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
		}
	}
}

// FuzzAppendTime checks AppendTime and Time against formatting with the
// layout, for any instant and zone.
func FuzzAppendTime(f *testing.F) {
	f.Add(int64(1779269400), int64(123456789), 7200)
	f.Add(int64(0), int64(0), 0)
	f.Add(int64(-62135596800), int64(999999999), -3600)
	f.Add(int64(253402300799), int64(999999999), 0)
	f.Add(int64(253402300800), int64(1), 50000)
	f.Add(int64(-62135596801), int64(5), 0)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int) {
		at := time.Unix(sec, nsec).In(time.FixedZone("z", offset%86400))
		want := at.UTC().Format(response.TimeFormat)
		if got := string(response.AppendTime([]byte("x"), at)); got != "x"+want {
			t.Errorf("AppendTime(%v) = %q, want %q", at, got, "x"+want)
		}
		if got := response.Time(at); got != want {
			t.Errorf("Time(%v) = %q, want %q", at, got, want)
		}
	})
}

// TestStream: a body within one chunk is sent whole by Close with its
// Content-Length; a longer one is sent chunk by chunk as it is written,
// without one, and arrives unchanged.
func TestStream(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		pieces  int
		chunked bool
	}{
		{"Short", 3, false},
		{"Long", 3 * response.StreamChunk / 10, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			s := response.NewStream(w, http.StatusOK)
			var want strings.Builder
			for i := range tc.pieces {
				piece := `"123456789",`
				if i == tc.pieces-1 {
					piece = "\"123456789\"]\n"
				}
				if i == 0 {
					piece = "[" + piece
				}
				s.Buffer().WriteString(piece)
				want.WriteString(piece)
				if err := s.Flushed(); err != nil {
					t.Fatalf("Flushed() = %v", err)
				}
				if unsent := want.Len() - w.Body.Len(); unsent > response.StreamChunk+len(piece) {
					t.Fatalf("after %d pieces, %d bytes unsent, want at most a chunk", i+1, unsent)
				}
			}
			if s.Started() != tc.chunked {
				t.Errorf("Started() = %v before Close, want %v", s.Started(), tc.chunked)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close() = %v", err)
			}
			if w.Body.String() != want.String() || w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("body %d bytes, status %d, type %q; want the %d bytes written, 200, JSON", w.Body.Len(), w.Code, w.Header().Get("Content-Type"), want.Len())
			}
			if got := w.Header().Get("Content-Length"); (got == "") != tc.chunked {
				t.Errorf("Content-Length = %q, want one only for a body sent whole", got)
			}
		})
	}
}
