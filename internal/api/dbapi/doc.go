// Package dbapi serves the bearer-key management API at /api/v1/db
// (document 003): list, create, reveal and rotate an account's databases.
//
// Field names, status codes, the {"ok":...} envelope and the error codes are
// an exact contract with the document; docs/api-management.md lists every
// place where dbplane extends it.
package dbapi
