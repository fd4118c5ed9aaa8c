package response_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// newLogger logs text lines without the time, for comparing.
func newLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		}}))
}

func newRequest(ctx context.Context) *http.Request {
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/x", nil)
	return r.WithContext(dbplane.WithRequestID(r.Context(), "req-1"))
}

func TestLogCause(t *testing.T) {
	t.Parallel()
	cause := errors.New("disk on fire")
	tests := []struct {
		name   string
		status int
		attrs  []slog.Attr
		want   string
	}{
		{"Internal", http.StatusInternalServerError, nil,
			"level=ERROR msg=\"internal error\" request_id=req-1 method=POST path=/api/x err=\"disk on fire\"\n"},
		{"UnavailableWithCode", http.StatusServiceUnavailable, []slog.Attr{slog.String("code", "NO_CAPACITY")},
			"level=WARN msg=\"service unavailable\" request_id=req-1 method=POST path=/api/x code=NO_CAPACITY err=\"disk on fire\"\n"},
		{"ClientError", http.StatusNotFound, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			response.LogCause(newLogger(&buf), newRequest(context.Background()), tc.status, cause, tc.attrs...)
			if got := buf.String(); got != tc.want {
				t.Errorf("LogCause(%d) logged %q, want %q", tc.status, got, tc.want)
			}
		})
	}
}

func TestGone(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if response.Gone(newLogger(&buf), newRequest(context.Background()), errors.New("x")) {
		t.Errorf("Gone(live request) = true, want false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if !response.Gone(newLogger(&buf), newRequest(ctx), errors.New("x")) {
		t.Errorf("Gone(cancelled request) = false, want true")
	}
	if want := "level=INFO msg=\"client gone\" request_id=req-1 path=/api/x err=x\n"; buf.String() != want {
		t.Errorf("Gone logged %q, want %q", buf.String(), want)
	}
}

func TestLogWrite(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	response.LogWrite(newLogger(&buf), newRequest(context.Background()), "write response", errors.New("broken pipe"))
	if want := "level=ERROR msg=\"write response\" request_id=req-1 err=\"broken pipe\"\n"; buf.String() != want {
		t.Errorf("LogWrite logged %q, want %q", buf.String(), want)
	}
}
