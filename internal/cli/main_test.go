package cli_test

import (
	"os"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
