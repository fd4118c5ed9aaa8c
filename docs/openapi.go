// Package docs holds dbplane's OpenAPI 3.1 document, openapi.json beside
// this file: the one description of every HTTP surface, embedded so that
// the server can serve it at /openapi.json and the tests can check every
// response against it (internal/api/apitest). Edit the JSON; there is no
// generator.
package docs

import _ "embed"

//go:embed openapi.json
var openAPI string

// OpenAPI returns the OpenAPI 3.1 document, as JSON. Each call returns a
// fresh copy.
func OpenAPI() []byte { return []byte(openAPI) }
