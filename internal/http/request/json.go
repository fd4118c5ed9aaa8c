package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/dbplane/dbplane"
)

// MaxBodyBytes caps every JSON request body.
const MaxBodyBytes = 1 << 20

// ErrBody is the cause of every error DecodeJSON returns, so that a surface
// can tell a malformed body (usually 400) from a service's validation error
// (which some surfaces report as 422).
var ErrBody = errors.New("request: bad body")

// DecodeJSON reads exactly one JSON value from r's body into v. The body is
// capped at MaxBodyBytes and unknown object fields are refused. Every error
// is a *dbplane.Error with CodeInvalid, a message fit for the client, the
// field at fault when there is one, and ErrBody as its cause.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody {
		return bodyError("", "Request body is empty", nil)
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, v)
	}
	// Exactly one value: anything but trailing white space is an error.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return bodyError("", "Request body too large", err)
		}
		return bodyError("", "Request body must be a single JSON value", err)
	}
	return nil
}

// ErrNullBody is DecodeObject's answer to a body that is JSON null: it
// reads, but holds no object (as a field given null is refused where it
// cannot be null). It is CodeInvalid without ErrBody, so the admin API
// answers 422 and the management API 400, its one status for bad input.
var ErrNullBody = &dbplane.Error{Code: dbplane.CodeInvalid, Message: "The request body cannot be null; send a JSON object"}

// DecodeObject is DecodeJSON for dbplane's own surfaces, where a body is
// a JSON object of valid UTF-8. A body of null, which DecodeJSON leaves v
// untouched for (a PATCH that changed nothing and answered 200), is
// ErrNullBody; a body that is not valid UTF-8, which encoding/json would
// quietly turn into U+FFFD, is a body error. The Pterodactyl surfaces use
// DecodeJSON, taking null as no input, as Laravel does.
func DecodeObject(w http.ResponseWriter, r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody {
		return DecodeJSON(w, r, v)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return bodyError("", "Request body too large", err)
		}
		return bodyError("", "Request body could not be read", err)
	}
	if !utf8.Valid(b) {
		return bodyError("", "Request body must be valid UTF-8", nil)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err := DecodeJSON(w, r, v); err != nil {
		return err
	}
	if string(bytes.TrimSpace(b)) == "null" {
		return ErrNullBody
	}
	return nil
}

func decodeError(err error, v any) error {
	var (
		tooLarge *http.MaxBytesError
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return bodyError("", "Request body too large", err)
	case errors.Is(err, io.EOF):
		return bodyError("", "Request body is empty", err)
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return bodyError("", "Request body is not valid JSON", err)
	case errors.As(err, &typ):
		return typeError(typ, v)
	}
	// encoding/json has no typed error for an unknown field; its text is
	// the only handle ("json: unknown field \"x\""). The status is 400
	// whatever the text says; only the message depends on it.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = shorten(strings.Trim(name, `"`))
		return bodyError(name, fmt.Sprintf("Unknown field %q", name), err)
	}
	var de *dbplane.Error
	if errors.As(err, &de) && de.Code == dbplane.CodeInvalid {
		// An Unmarshaler of ours refused the value with its own message.
		return bodyError(de.Field, de.Message, err)
	}
	return bodyError("", "Request body is not valid JSON", err)
}

func typeError(e *json.UnmarshalTypeError, v any) error {
	if e.Field == "" {
		if kind := jsonKind(reflect.TypeOf(v)); kind != "" {
			return bodyError("", "Request body must be "+kind, e)
		}
		return bodyError("", "Request body has the wrong type", e)
	}
	want := jsonKind(e.Type)
	if strings.HasPrefix(e.Value, "number") && want == "a number" {
		msg := "Field %q is out of range"
		if k := e.Type.Kind(); k != reflect.Float32 && k != reflect.Float64 {
			msg = "Field %q must be a whole number in range"
		}
		return bodyError(e.Field, fmt.Sprintf(msg, e.Field), e)
	}
	if want == "" {
		return bodyError(e.Field, fmt.Sprintf("Field %q has the wrong type", e.Field), e)
	}
	return bodyError(e.Field, fmt.Sprintf("Field %q must be %s", e.Field, want), e)
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return ""
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return ""
}

// shorten caps a client-chosen name before it is echoed back.
func shorten(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func bodyError(field, msg string, cause error) error {
	err := ErrBody
	if cause != nil {
		err = fmt.Errorf("%w: %w", ErrBody, cause)
	}
	return &dbplane.Error{Code: dbplane.CodeInvalid, Message: msg, Field: field, Err: err}
}
