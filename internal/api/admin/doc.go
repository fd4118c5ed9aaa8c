// Package admin serves dbplane's operator API at /api/admin: database hosts
// (document 002), accounts and their user keys (SPEC §4.5).
//
// Every success is {"data": ...}; every failure is
// {"error":{"code":"...","message":"...","field":"..."}}, with the field only
// when one is at fault. Only admin keys of admin accounts get in, and each
// route needs its own permission ("database_hosts:read" and so on).
// docs/api-admin.md describes the routes and shapes.
package admin
