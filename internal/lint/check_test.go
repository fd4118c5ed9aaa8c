package lint

import (
	"strings"
	"testing"
)

// TestCheck proves the table on made-up packages, so that a rule that
// matches nothing cannot pass unnoticed.
func TestCheck(t *testing.T) {
	m := func(rel string) string {
		if rel == "" {
			return module
		}
		return module + "/" + rel
	}
	tests := []struct {
		name string
		pkg  pkgInfo
		want string // substring of the one problem; "" = allowed
	}{
		{"RootStdlib", pkgInfo{path: m(""), imports: []string{"context", "net/mail"}}, ""},
		{"RootImportsEngine", pkgInfo{path: m(""), imports: []string{m("internal/engine")}}, "may import nothing from this module"},
		{"RootImportsX", pkgInfo{path: m(""), imports: []string{"golang.org/x/text"}}, "standard library only"},
		{"EngineImportsEngine", pkgInfo{path: m("internal/engine/mariadb"), imports: []string{m("internal/engine"), "github.com/go-sql-driver/mysql"}}, ""},
		{"EngineImportsStore", pkgInfo{path: m("internal/engine/mariadb"), imports: []string{m("internal/store")}}, "internal/engine/mariadb imports " + m("internal/store") + ": not allowed"},
		{"EngineImportsDomain", pkgInfo{path: m("internal/engine/mongo"), imports: []string{m("")}}, "not allowed"},
		{"EngineImportsEngine2", pkgInfo{path: m("internal/engine/postgres"), imports: []string{m("internal/engine/mariadb")}}, "not allowed"},
		{"EngineTestsImportAnything", pkgInfo{path: m("internal/engine/postgres"), testImports: []string{m("internal/dbtest"), m("internal/engine/enginetest"), goCmp + "/cmp"}}, ""},
		{"EngineSubSub", pkgInfo{path: m("internal/engine/mariadb/internal/x")}, "no row in the import table"},
		{"EnginetestUsesCmp", pkgInfo{path: m("internal/engine/enginetest"), imports: []string{m("internal/engine"), goCmp + "/cmp"}}, ""},
		{"EnginefakeImportsDomain", pkgInfo{path: m("internal/engine/enginefake"), imports: []string{m("")}}, "not allowed"},
		{"ControlOK", pkgInfo{path: m("internal/control"), imports: []string{m(""), m("internal/store"), m("internal/engine"), m("internal/secret")}}, ""},
		{"ControlImportsEngineSub", pkgInfo{path: m("internal/control"), imports: []string{m("internal/engine/mariadb")}}, "not allowed"},
		{"StoreImportsControl", pkgInfo{path: m("internal/store"), imports: []string{m("internal/control")}}, "not allowed"},
		{"StoreSQLite", pkgInfo{path: m("internal/store"), imports: []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5/stdlib"}}, ""},
		{"StoreUsesCmp", pkgInfo{path: m("internal/store"), imports: []string{goCmp + "/cmp"}}, "go-cmp is for tests only"},
		{"APIOK", pkgInfo{path: m("internal/api/dbapi"), imports: []string{m(""), m("internal/http/request"), m("internal/http/response")}}, ""},
		{"APIImportsControl", pkgInfo{path: m("internal/api/admin"), imports: []string{m("internal/control")}}, "not allowed"},
		{"APIImportsAPI", pkgInfo{path: m("internal/api/ptero"), imports: []string{m("internal/api/dbapi")}}, "not allowed"},
		{"APITestOK", pkgInfo{path: m("internal/api/apitest"), imports: []string{m(""), m("internal/http/response"), goCmp + "/cmp"}}, ""},
		{"APITestImportsAPI", pkgInfo{path: m("internal/api/apitest"), imports: []string{m("internal/api/admin")}}, "not allowed"},
		{"ServerOK", pkgInfo{path: m("internal/http/server"), imports: []string{m("internal/api/admin"), m("internal/web"), m("internal/http/request"), m("")}}, ""},
		{"ServerImportsStore", pkgInfo{path: m("internal/http/server"), imports: []string{m("internal/store")}}, "not allowed"},
		{"CLIImportsAll", pkgInfo{path: m("internal/cli"), imports: []string{m("internal/engine/mariadb"), m("internal/store"), m("internal/http/server")}}, ""},
		{"ConfigImportsDomain", pkgInfo{path: m("internal/config"), imports: []string{m("")}}, "not allowed"},
		{"SecretImportsX", pkgInfo{path: m("internal/secret"), imports: []string{"golang.org/x/crypto/hkdf"}}, "standard library only"},
		{"SecretTestsUseCmp", pkgInfo{path: m("internal/secret"), testImports: []string{goCmp + "/cmp"}}, ""},
		{"WorkerImportsStore", pkgInfo{path: m("internal/worker"), imports: []string{m("internal/store")}}, "not allowed"},
		{"DBTestOK", pkgInfo{path: m("internal/dbtest"), imports: []string{m("internal/engine"), "github.com/jackc/pgx/v5/stdlib"}}, ""},
		{"DBTestImportsMariaDB", pkgInfo{path: m("internal/dbtest"), imports: []string{m("internal/engine/mariadb")}}, "not allowed"},
		{"MockImportsEngine", pkgInfo{path: m("internal/mock"), imports: []string{m("internal/engine")}}, "not allowed"},
		{"CmdOK", pkgInfo{path: m("cmd/dbplane"), imports: []string{m("internal/cli"), "os"}}, ""},
		{"CmdImportsStore", pkgInfo{path: m("cmd/dbplane"), imports: []string{m("internal/store")}}, "not allowed"},
		{"BenchImportsAnything", pkgInfo{path: m("cmd/dbplane-bench"), imports: []string{m("internal/store"), m("internal/engine/mariadb")}}, ""},
		{"Unknown", pkgInfo{path: m("internal/util")}, "internal/util: no row in the import table"},
		{"TestifyInTests", pkgInfo{path: m("internal/store"), testImports: []string{"github.com/stretchr/testify/require"}}, "not an allowed dependency"},
		{"UnknownDependency", pkgInfo{path: m("internal/cli"), imports: []string{"github.com/spf13/cobra"}}, "not an allowed dependency"},
		{"LookalikeDependency", pkgInfo{path: m("internal/store"), imports: []string{"modernc.org/sqlite3"}}, "not an allowed dependency"},
		{"PrometheusAndX", pkgInfo{path: m("internal/http/server"), imports: []string{"github.com/prometheus/client_golang/prometheus", "golang.org/x/sync/errgroup"}}, ""},
		{"MongoV2Only", pkgInfo{path: m("internal/engine/mongo"), imports: []string{"go.mongodb.org/mongo-driver/mongo"}}, "not an allowed dependency"},
		{"OpenAPIValidatorInTestSupport", pkgInfo{path: m("internal/api/openapitest"), imports: []string{"github.com/pb33f/libopenapi-validator", m("docs")}}, ""},
		{"OpenAPIValidatorInServer", pkgInfo{path: m("internal/http/server"), imports: []string{"github.com/pb33f/libopenapi"}}, "test-only dependency"},
		{"DocsStdlib", pkgInfo{path: m("docs"), imports: []string{"embed"}}, ""},
		{"OtherModule", pkgInfo{path: "example.com/other"}, "not in module"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := check([]pkgInfo{tc.pkg})
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("check(%s) = %q, want no problems", tc.pkg.path, got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
				t.Errorf("check(%s) = %q, want one problem containing %q", tc.pkg.path, got, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, rel string
		want         bool
	}{
		{"", "", true},
		{"", "internal", false},
		{"internal/engine", "internal/engine", true},
		{"internal/engine", "internal/engine/mariadb", false},
		{"internal/engine/*", "internal/engine/mariadb", true},
		{"internal/engine/*", "internal/engine/mariadb/x", false},
		{"cmd/...", "cmd/dbplane", true},
		{"cmd/...", "cmd", true},
		{"cmd/...", "cmdx/y", false},
		{"cmd/*bench*/...", "cmd/bench/load", true},
		{"cmd/*bench*/...", "cmd/dbplane", false},
		{"...", "", true},
	}
	for _, tc := range tests {
		if got := match(tc.pattern, tc.rel); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.rel, got, tc.want)
		}
	}
}
