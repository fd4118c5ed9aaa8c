package response

import (
	"log/slog"
	"net/http"
)

// The surfaces' writeError functions each turn an error into their own
// envelope, but log alike (STYLE.md §4): nothing but a line when the
// client has gone, the cause once for a 500 or 503, and a response that
// could not be written.

// Gone reports whether the client of r has gone away. Then nobody reads a
// response, so the caller writes none, and err is logged at info level.
func Gone(logger *slog.Logger, r *http.Request, err error) bool {
	ctx := r.Context()
	if ctx.Err() == nil {
		return false
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "client gone",
		slog.String("request_id", RequestID(r)), slog.String("path", r.URL.Path),
		slog.Any("err", err))
	return true
}

// LogCause logs err, the cause of an error response with status, when the
// operator needs it: a 500 at error level and a 503 at warn level, with the
// request id, method, path, then attrs. Other statuses are the client's
// doing and are not logged.
func LogCause(logger *slog.Logger, r *http.Request, status int, err error, attrs ...slog.Attr) {
	var level slog.Level
	var msg string
	switch status {
	case http.StatusInternalServerError:
		level, msg = slog.LevelError, "internal error"
	case http.StatusServiceUnavailable:
		level, msg = slog.LevelWarn, "service unavailable"
	default:
		return
	}
	all := make([]slog.Attr, 0, 4+len(attrs))
	all = append(all, slog.String("request_id", RequestID(r)), slog.String("method", r.Method),
		slog.String("path", r.URL.Path))
	all = append(all, attrs...)
	all = append(all, slog.Any("err", err))
	logger.LogAttrs(r.Context(), level, msg, all...)
}

// LogWrite logs a response that could not be written; msg says which
// ("write response", "write error response").
func LogWrite(logger *slog.Logger, r *http.Request, msg string, err error) {
	logger.LogAttrs(r.Context(), slog.LevelError, msg,
		slog.String("request_id", RequestID(r)), slog.Any("err", err))
}
