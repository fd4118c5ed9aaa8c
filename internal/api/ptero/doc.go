// Package ptero serves the Pterodactyl-compatible APIs: the application
// API's server databases at /api/application (document 000, SPEC §4.3) and
// the client API's at /api/client (document 001, SPEC §4.4), so that
// scripts and client libraries written for Pterodactyl work unchanged.
//
// Every response under both prefixes, errors included, is in Pterodactyl's
// shape: Fractal objects ({"object":...,"attributes":...}) and lists, and
// {"errors":[{"code","status","detail","meta"?}]} named after the Laravel
// exception Pterodactyl would raise. The application API takes admin keys
// with per-resource permissions; the client API takes user keys and checks
// the account's access to each server. Requests are rate-limited per key.
// docs/api-pterodactyl.md lists the routes and every deliberate difference
// from the documents.
package ptero
