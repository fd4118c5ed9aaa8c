package request_test

import (
	"net/http/httptest"
	"testing"

	"github.com/dbplane/dbplane/internal/http/request"
)

func TestCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		want bool
	}{
		{"/", true},
		{"/api/v1/db", true},
		{"/api/v1/db/", true},
		{"/api/v1/db/databases/x", true},
		{"/api/v1/db//databases", false},
		{"/api/v1/db/./databases", false},
		{"/api/v1/db/x/../databases", false},
		{"/api/v1/db/databases/.", false},
		{"", false},
		{"api/v1/db", false},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path = tc.path
		if got := request.Canonical(r); got != tc.want {
			t.Errorf("Canonical(%q) = %t, want %t", tc.path, got, tc.want)
		}
	}
}
