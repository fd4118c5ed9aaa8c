package web

func (h *handler) databaseRoutes() {}
