package web

func (h *handler) adminRoutes() {}
