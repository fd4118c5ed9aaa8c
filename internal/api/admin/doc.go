// Package admin serves dbplane's operator API at /api/admin: database hosts
// (document 002), accounts and their user keys, admin keys, nodes, servers
// and their subusers, every database, and the quota pass (SPEC §4.5).
//
// Every success is {"data": ...} (with "meta" beside it on paginated
// lists); every failure is
// {"error":{"code":"...","message":"...","field":"..."}}, with the field only
// when one is at fault. Only admin keys of admin accounts get in, and each
// route needs its own permission ("database_hosts:read" and so on).
// docs/api-admin.md describes the routes and shapes.
package admin
