package cli_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/dbplane/dbplane/internal/api/openapitest"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestMain checks every API response of these end-to-end tests against
// docs/openapi.json, those to the CLI's own client included: a departure
// a test was not told of (openapitest.WithTB) fails the run here. A serve
// child of the scale-out test runs serve instead.
func TestMain(m *testing.M) {
	if os.Getenv(serveChildEnv) != "" {
		os.Exit(serveChild())
	}
	openAPI := &openapitest.Transport{Base: http.DefaultTransport}
	http.DefaultTransport = openAPI
	code := dbtest.Main(m)
	if openAPI.Report(os.Stderr) {
		fmt.Fprintln(os.Stderr, "FAIL: responses above depart from docs/openapi.json")
		code = 1
	}
	os.Exit(code)
}
