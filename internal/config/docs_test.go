package config

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// TestShippedDocs keeps the example config file and docs/operations.md in
// step with the settings: each names every variable, and the example file
// loads as it ships.
func TestShippedDocs(t *testing.T) {
	t.Parallel()
	const example = "../../packaging/dbplane.env"
	for _, path := range []string{example, "../../docs/operations.md"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range settings {
			if !strings.Contains(string(b), s.env) {
				t.Errorf("%s does not mention %s", path, s.env)
			}
		}
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, _, err := Load(fs, []string{"--config", example}, nil); err != nil {
		t.Errorf("Load(--config %s) = %v", example, err)
	}
}
