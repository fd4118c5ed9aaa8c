package cli

import "flag"

// Internals for the external tests.
var (
	ParseSize  = parseSize
	StatusExit = statusExit
)

// DecodeError is decodeError's fields.
func DecodeError(status int, body []byte) (code, message, field string, grants []string, text string) {
	e := decodeError(status, body)
	return e.Code, e.Message, e.Field, e.Grants, e.Error()
}

// ParseInterspersed is parseInterspersed.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	return parseInterspersed(fs, args)
}
