package web

import "github.com/dbplane/dbplane"

// The operator pages show names where the records hold ids; these maps
// are built once here for every page that needs them.

// adminEmails maps account id → email.
func adminEmails(accounts []*dbplane.Account) map[string]string {
	m := make(map[string]string, len(accounts))
	for _, a := range accounts {
		m[a.ID] = a.Email
	}
	return m
}

// adminHostNames maps host id → name.
func adminHostNames(hosts []*dbplane.Host) map[string]string {
	m := make(map[string]string, len(hosts))
	for _, x := range hosts {
		m[x.ID] = x.Name
	}
	return m
}

// adminNodeNames maps node id → name.
func adminNodeNames(nodes []*dbplane.Node) map[string]string {
	m := make(map[string]string, len(nodes))
	for _, n := range nodes {
		m[n.ID] = n.Name
	}
	return m
}

// hostHealth maps host id → what this replica last saw of the host.
func (h *handler) hostHealth() map[string]dbplane.HostHealth {
	m := map[string]dbplane.HostHealth{}
	for _, hh := range h.svc.Hosts.HostHealth() {
		m[hh.HostID] = hh
	}
	return m
}
