package cli

import (
	"errors"
	"flag"
	"net/http"
)

// Exit codes, by class of error, so that scripts can tell "try again
// later" from "fix the command". docs/cli.md lists them.
const (
	exitOK          = 0 // done
	exitOther       = 1 // anything else: a failed host check, a 500, a local I/O error
	exitUsage       = 2 // the command line or a value in it is wrong (also the API's 400 and 422)
	exitNotFound    = 3 // the API answered 404
	exitAuth        = 4 // no token, or the API answered 401 or 403
	exitConflict    = 5 // the API answered 409 (conflict, quota) or 402 (out of slots or storage)
	exitUnavailable = 6 // dbplane or a database host cannot be reached, or rate limited: retry later
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError.
func usagef(msg string) error { return &usageError{msg: msg} }

// exitCode returns the process exit code for the error a command returned.
func exitCode(err error) int {
	var ue *usageError
	var ae *apiError
	var ce *connError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue), isFlagError(err):
		return exitUsage
	case errors.Is(err, errNoToken):
		return exitAuth
	case errors.As(err, &ce):
		return exitUnavailable
	case errors.As(err, &ae):
		return statusExit(ae.Status)
	}
	return exitOther
}

// statusExit is the exit code of an API error answer with status.
func statusExit(status int) int {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return exitUsage
	case http.StatusNotFound:
		return exitNotFound
	case http.StatusUnauthorized, http.StatusForbidden:
		return exitAuth
	case http.StatusConflict, http.StatusPaymentRequired:
		return exitConflict
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return exitUnavailable
	}
	return exitOther
}

// flagError marks an error from flag.FlagSet.Parse (unknown flag, bad
// value), which the flag package has already explained with the usage.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

func isFlagError(err error) bool {
	var fe *flagError
	return errors.As(err, &fe)
}
