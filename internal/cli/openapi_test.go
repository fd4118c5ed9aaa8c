package cli_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dbplane/dbplane/docs"
)

// TestServe_OpenAPI checks that a real serve answers GET /openapi.json
// with docs/openapi.json, an OpenAPI 3.1 document, without a key.
func TestServe_OpenAPI(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	res := in.mustDo(t, 200, "GET", "/openapi.json", "", nil)
	if !bytes.Equal(res.body, docs.OpenAPI()) {
		t.Fatalf("GET /openapi.json = %d bytes, want docs/openapi.json (%d bytes)", len(res.body), len(docs.OpenAPI()))
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(res.body, &doc); err != nil || doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/db/databases"] == nil {
		t.Errorf("GET /openapi.json: openapi %q, %d paths, err %v; want 3.1.0 with /api/v1/db/databases", doc.OpenAPI, len(doc.Paths), err)
	}
}
