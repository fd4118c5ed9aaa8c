package cli_test

import (
	"os"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(serveChildEnv) != "" {
		os.Exit(serveChild())
	}
	os.Exit(dbtest.Main(m))
}
