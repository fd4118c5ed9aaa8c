package control_test

import (
	"os"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(crashChild())
	}
	os.Exit(dbtest.Main(m))
}
