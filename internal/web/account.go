package web

func (h *handler) accountRoutes() {}
