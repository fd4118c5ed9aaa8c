package server

import "net/http"

// HTTPServer exposes the http.Server so tests can check its timeouts.
func (s *Server) HTTPServer() *http.Server { return s.srv }

// PathValues exposes pathValues for the fuzz test.
var PathValues = pathValues

// MaxAuditField exposes maxAuditField.
const MaxAuditField = maxAuditField

// Clip exposes clip for the fuzz test's oracle.
var Clip = clip
