package control

import (
	"slices"
	"time"
)

// downRecently is how long after an operation found a host down placement
// passes it over. Past that, one create tries it again (or the watcher,
// the reconciler or a request found it up meanwhile).
const downRecently = time.Minute

// healthyFirst moves the hosts this replica found down within
// downRecently behind the others, keeping each group's order: a create
// lands on a host that answers while one of the engine has room (the
// first with room wins), and, with none, tries the down ones as before
// and answers 503 when they still do not answer (SPEC §6).
func (s *Service) healthyFirst(ids []string) []string {
	now := s.opt.Now()
	down := map[string]bool{}
	for _, h := range s.HostHealth() {
		if h.Down && now.Sub(h.SeenAt) < downRecently {
			down[h.HostID] = true
		}
	}
	if len(down) == 0 {
		return ids
	}
	out := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return down[id] })
	for _, id := range ids {
		if down[id] {
			out = append(out, id)
		}
	}
	return out
}
