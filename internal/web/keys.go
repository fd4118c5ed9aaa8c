package web

func (h *handler) keyRoutes() {}
