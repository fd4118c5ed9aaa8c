package openapitest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/docs"
)

// route matches a route of a surface's routes table:
// h.mux.Handle("GET /api/admin/nodes", ...).
var route = regexp.MustCompile(`\.Handle\("([A-Z]+) (/api[^"]*)"`)

// TestOpenAPIRoutes checks docs/openapi.json against the routes tables of
// every surface (internal/api/*/routes.go): an operation for each route,
// and no API operation that no table serves. A route added without its
// documentation fails here even before a scenario calls it.
func TestOpenAPIRoutes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "*", "routes.go"))
	if err != nil || len(files) < 3 {
		t.Fatalf("routes tables: %v %v, want admin, dbapi and ptero", files, err)
	}
	var served []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range route.FindAllStringSubmatch(string(src), -1) {
			served = append(served, m[1]+" "+m[2])
		}
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(docs.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for p, item := range doc.Paths {
		if !strings.HasPrefix(p, "/api") {
			continue
		}
		for method := range item {
			if method != "parameters" && method != "summary" && method != "description" {
				documented = append(documented, strings.ToUpper(method)+" "+p)
			}
		}
	}
	for _, r := range served {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is served but docs/openapi.json has no operation for it", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(served, d) {
			t.Errorf("docs/openapi.json documents %s, which no routes table serves", d)
		}
	}
	if len(served) < 50 {
		t.Errorf("found %d routes in %v; is the pattern still right?", len(served), files)
	}
	t.Logf("%d routes in the tables", len(served))
}
