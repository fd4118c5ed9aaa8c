package web

func (h *handler) serverRoutes() {}
