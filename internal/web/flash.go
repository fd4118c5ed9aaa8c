package web

import "net/http"

// flashOf is the note a page shows after a redirect: the one of notes
// named by ?m=, or "" for none. Each page keeps its own notes, so a
// redirect can only ever show a text of that page.
func flashOf(r *http.Request, notes map[string]string) string {
	return notes[r.URL.Query().Get("m")]
}

// enabledNote is the ?m= code after an enable or disable: "enabled" or
// "disabled".
func enabledNote(enabled bool) string {
	if enabled {
		return "enabled"
	}
	return "disabled"
}
