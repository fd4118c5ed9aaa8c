package request

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/url"
	"sort"
	"unicode/utf8"
)

// maxCanonicalDepth bounds the nesting CanonicalBody follows; a deeper
// body is compared as raw bytes.
const maxCanonicalDepth = 64

// CanonicalBody returns the form of a request body that two retries of
// the same request share, whatever their white space or the order of
// their fields: a JSON body with its object members sorted by name
// (duplicates kept, in order) and no white space; a form body
// (application/x-www-form-urlencoded) with its fields sorted by name; any
// other body, or one that does not parse as its type, as it is. The first
// byte says which, so a raw body never equals a canonical one.
func CanonicalBody(contentType string, body []byte) []byte {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" {
		if v, err := url.ParseQuery(string(body)); err == nil {
			return append([]byte{'f'}, v.Encode()...)
		}
		return append([]byte{'r'}, body...)
	}
	if !utf8.Valid(body) {
		// encoding/json reads invalid UTF-8 as U+FFFD: two different
		// bodies would read the same.
		return append([]byte{'r'}, body...)
	}
	var out bytes.Buffer
	out.WriteByte('j')
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := canonicalValue(dec, &out, 0); err != nil {
		return append([]byte{'r'}, body...)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return append([]byte{'r'}, body...) // trailing data
	}
	return out.Bytes()
}

// Fingerprint is the SHA-256 of the canonical body.
func Fingerprint(contentType string, body []byte) [32]byte {
	return sha256.Sum256(CanonicalBody(contentType, body))
}

var errCanonical = errors.New("request: not canonical JSON")

func canonicalValue(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	if depth > maxCanonicalDepth {
		return errCanonical
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return canonicalObject(dec, out, depth)
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := canonicalValue(dec, out, depth+1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // ]
				return err
			}
			out.WriteByte(']')
			return nil
		}
		return errCanonical
	case json.Number:
		out.WriteString(t.String())
	case string:
		writeJSONString(out, t)
	case bool:
		if t {
			out.WriteString("true")
		} else {
			out.WriteString("false")
		}
	case nil:
		out.WriteString("null")
	default:
		return errCanonical
	}
	return nil
}

func canonicalObject(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	type member struct {
		name  string
		value []byte
	}
	var ms []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, ok := tok.(string)
		if !ok {
			return errCanonical
		}
		var v bytes.Buffer
		if err := canonicalValue(dec, &v, depth+1); err != nil {
			return err
		}
		ms = append(ms, member{name, v.Bytes()})
	}
	if _, err := dec.Token(); err != nil { // }
		return err
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	out.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			out.WriteByte(',')
		}
		writeJSONString(out, m.name)
		out.WriteByte(':')
		out.Write(m.value)
	}
	out.WriteByte('}')
	return nil
}

// writeJSONString writes s as a JSON string; encoding/json escapes the
// same text the same way, whatever escapes the body used.
func writeJSONString(out *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	out.Write(b)
}
