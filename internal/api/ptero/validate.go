package ptero

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// Rules of the create bodies (SPEC §3): the name part is alpha_dash, 1–48
// characters on the application API and 3–48 on the client API; remote
// matches ^[\w\-/.%:]+$ and is at most 255 characters.
const (
	maxNameLength   = 48
	maxRemoteLength = 255
)

var (
	alphaDash   = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	remoteChars = regexp.MustCompile(`^[A-Za-z0-9_\-/.%:]+$`)
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

// name checks the database field: the name part of s{server}_{name}.
func (v *validator) name(raw json.RawMessage, minLen int) string {
	const field = "database"
	s, ok := v.str(field, raw, true)
	switch {
	case !ok:
		return ""
	case !alphaDash.MatchString(s):
		v.fail(field, "alpha_dash", "The %s must only contain letters, numbers, dashes and underscores.", field)
	case len(s) < minLen:
		v.fail(field, "min", "The %s must be at least %d characters.", field, minLen)
	case len(s) > maxNameLength:
		v.fail(field, "max", "The %s must not be greater than %d characters.", field, maxNameLength)
	default:
		return s
	}
	return ""
}

// remote checks the remote field ("connections from").
func (v *validator) remote(raw json.RawMessage) string {
	const field = "remote"
	s, ok := v.str(field, raw, true)
	switch {
	case !ok:
		return ""
	case len(s) > maxRemoteLength:
		v.fail(field, "max", "The %s must not be greater than %d characters.", field, maxRemoteLength)
	case !remoteChars.MatchString(s):
		v.fail(field, "regex", "The %s format is invalid.", field)
	default:
		return s
	}
	return ""
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
