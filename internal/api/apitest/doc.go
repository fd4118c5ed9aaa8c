// Package apitest runs scenario tables against the handler of one API
// surface, as PocketBase's ApiScenario does: one request per scenario, then
// its status, headers, body (against a golden file) and log. Each surface
// describes itself once in a Surface: its mocks, its handler and the shape
// of its envelope. Only tests import it.
package apitest
