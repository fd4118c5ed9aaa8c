package ptero

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// decodeBody reads the body into v, a struct of json.RawMessage fields,
// so that each field's type is checked here, per field, as Laravel's
// validator does. Like Laravel it takes a JSON object or an
// application/x-www-form-urlencoded form (each field a string; the last
// of repeated ones), and ignores fields the route does not know. An empty
// body is an empty object, so that a request without one is told which
// fields are required.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	fields := map[string]json.RawMessage{}
	if isForm(r) {
		r.Body = http.MaxBytesReader(w, r.Body, request.MaxBodyBytes)
		if err := r.ParseForm(); err != nil {
			return &dbplane.Error{Code: dbplane.CodeInvalid, Message: "Request body is not a valid form",
				Err: fmt.Errorf("%w: %w", request.ErrBody, err)}
		}
		if err := formFields(r.PostForm, fields); err != nil {
			return err
		}
	} else if err := request.DecodeJSON(w, r, &fields); err != nil {
		return err
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// formFields turns a form into JSON fields: name=v is the string v (the
// last of repeated ones), and PHP's arrays name[]=a&name[]=b (or
// name[0]=a) are the array ["a","b"].
func formFields(form url.Values, fields map[string]json.RawMessage) error {
	arrays := map[string][]string{}
	keys := slices.Sorted(maps.Keys(form))
	for _, k := range keys {
		vals := form[k]
		if base, _, ok := strings.Cut(k, "["); ok && strings.HasSuffix(k, "]") && base != "" {
			arrays[base] = append(arrays[base], vals...)
			continue
		}
		raw, err := json.Marshal(vals[len(vals)-1])
		if err != nil {
			return err
		}
		fields[k] = raw
	}
	for k, vals := range arrays {
		raw, err := json.Marshal(vals)
		if err != nil {
			return err
		}
		fields[k] = raw
	}
	return nil
}

// isForm reports whether r's body is a URL-encoded form.
func isForm(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}

// validator collects one failure per field, in Laravel's words.
type validator struct {
	fields []fieldError
}

func (v *validator) fail(field, rule, format string, args ...any) {
	v.fields = append(v.fields, fieldError{field: field, rule: rule, detail: fmt.Sprintf(format, args...)})
}

// err returns the failures as one error, or nil.
func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &validationError{fields: v.fields}
}

func absent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// str checks that a field is a string; required also refuses a blank one
// (Laravel turns "" into null before validating).
func (v *validator) str(field string, raw json.RawMessage, required bool) (string, bool) {
	if absent(raw) {
		if required {
			v.fail(field, "required", "The %s field is required.", field)
		}
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		v.fail(field, "string", "The %s must be a string.", field)
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		if required {
			v.fail(field, "required", "The %s field is required.", field)
		}
		return "", false
	}
	return s, true
}

// integer checks that a field is a whole number, given as a JSON number or
// a numeric string (Laravel's integer rule takes both).
func (v *validator) integer(field string, raw json.RawMessage, required bool) (int64, bool) {
	if absent(raw) {
		if required {
			v.fail(field, "required", "The %s field is required.", field)
		}
		return 0, false
	}
	text := string(raw)
	if strings.HasPrefix(text, `"`) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			v.fail(field, "integer", "The %s must be an integer.", field)
			return 0, false
		}
		text = strings.TrimSpace(s)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		v.fail(field, "integer", "The %s must be an integer.", field)
		return 0, false
	}
	return n, true
}

// name checks the database field: the name part of s{server}_{name}, by
// the domain's rule (dbplane.ValidateServerDatabaseName: alpha_dash, then
// min, then 48 characters).
func (v *validator) name(raw json.RawMessage, minLen int) string {
	const field = "database"
	s, ok := v.str(field, raw, true)
	if !ok {
		return ""
	}
	if err := dbplane.ValidateServerDatabaseName(s, minLen); err != nil {
		v.failWith(field, "alpha_dash", err)
		return ""
	}
	return s
}

// remote checks the remote field ("connections from") by the domain's
// rule (dbplane.ValidateRemote, SPEC §3).
func (v *validator) remote(raw json.RawMessage) string {
	const field = "remote"
	s, ok := v.str(field, raw, true)
	if !ok {
		return ""
	}
	if err := dbplane.ValidateRemote(s); err != nil {
		v.failWith(field, "regex", err)
		return ""
	}
	return s
}

// failWith records a domain rule's failure under the Laravel rule it
// corresponds to: min, max, or charsRule for characters not allowed.
func (v *validator) failWith(field, charsRule string, err error) {
	rule := "invalid"
	switch {
	case errors.Is(err, dbplane.ErrTooShort):
		rule = "min"
	case errors.Is(err, dbplane.ErrTooLong):
		rule = "max"
	case errors.Is(err, dbplane.ErrCharacters):
		rule = charsRule
	}
	v.fields = append(v.fields, fieldError{field: field, rule: rule, detail: dbplane.ErrorMessage(err)})
}

// engine checks the client API's optional engine field (a dbplane
// extension; "" = mariadb).
func (v *validator) engine(raw json.RawMessage) string {
	const field = "engine"
	s, ok := v.str(field, raw, false)
	if !ok {
		return ""
	}
	if _, err := dbplane.ParseEngine(field, s); err != nil {
		v.fail(field, "in", "The selected %s is invalid.", field)
		return ""
	}
	return s
}

// uniqueName turns the service's conflict on create (the name is taken on
// this server) into the validation error Pterodactyl gives.
func uniqueName(err error, detail string) error {
	if dbplane.ErrorCode(err) != dbplane.CodeConflict {
		return err
	}
	return &validationError{fields: []fieldError{{field: "database", rule: "unique", detail: detail}}}
}
