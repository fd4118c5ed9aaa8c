package control

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
)

// hostHealth remembers, per host, what the last engine operation found.
// It is in memory: each replica sees its own operations, which is what a
// replica's readiness and placement need.
type hostHealth struct {
	mu sync.Mutex
	m  map[string]dbplane.HostHealth
}

// problems say why an outcome means the host is down; other outcomes mean
// it answered.
var problems = map[string]string{
	"unreachable":   "The host cannot be reached",
	"timeout":       "The host did not answer in time",
	"access_denied": "The host refused dbplane's credentials",
}

// NoteEngine records one engine operation; the engine registry calls it
// (engine.Options.Observe).
func (s *Service) NoteEngine(o engine.Observation) {
	if o.HostID == "" || o.Op == engine.OpClose {
		return
	}
	now := s.opt.Now()
	problem, down := problems[o.Outcome]
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]dbplane.HostHealth{}
	}
	prev, seen := h.m[o.HostID]
	cur := dbplane.HostHealth{HostID: o.HostID, Down: down, Problem: problem, Since: prev.Since, SeenAt: now}
	if !seen || prev.Down != down {
		cur.Since = now
	}
	h.m[o.HostID] = cur
}

// HostHealth returns what this replica last saw of each host it has
// touched, ordered by host id.
func (s *Service) HostHealth() []dbplane.HostHealth {
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	out := slices.Collect(maps.Values(h.m))
	slices.SortFunc(out, func(a, b dbplane.HostHealth) int {
		if a.HostID < b.HostID {
			return -1
		}
		if a.HostID > b.HostID {
			return 1
		}
		return 0
	})
	return out
}

// DownHosts reads the hosts from the store and returns the enabled ones
// this replica last found down, with their names. An error means the store
// did not answer: /readyz reports the replica unready.
func (s *Service) DownHosts(ctx context.Context) ([]dbplane.HostHealth, error) {
	hosts, err := s.store.ListHosts(ctx)
	if err != nil {
		return nil, err
	}
	health := s.HostHealth()
	var out []dbplane.HostHealth
	for _, h := range hosts {
		if !h.Enabled {
			continue
		}
		for _, hh := range health {
			if hh.HostID == h.ID && hh.Down {
				hh.Name = h.Name
				out = append(out, hh)
			}
		}
	}
	return out, nil
}
