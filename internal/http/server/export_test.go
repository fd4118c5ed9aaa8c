package server

import "net/http"

// HTTPServer exposes the http.Server so tests can check its timeouts.
func (s *Server) HTTPServer() *http.Server { return s.srv }
