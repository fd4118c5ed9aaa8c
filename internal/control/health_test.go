package control_test

import (
	"context"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
)

func TestHostHealth(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	f := newFixture(t, control.Options{Now: c.now})
	h, err := f.svc.ListHosts(context.Background())
	if err != nil || len(h) != 1 {
		t.Fatalf("ListHosts = %v, %v", h, err)
	}
	id := h[0].ID
	note := func(outcome string) {
		f.svc.NoteEngine(engine.Observation{HostID: id, Engine: "mariadb", Op: "ensure", Outcome: outcome})
	}
	down := func() (bool, string, time.Time) {
		for _, hh := range f.svc.HostHealth() {
			if hh.HostID == id {
				return hh.Down, hh.Problem, hh.Since
			}
		}
		t.Fatalf("host %s not in HostHealth", id)
		return false, "", time.Time{}
	}
	note("ok")
	if d, _, _ := down(); d {
		t.Fatal("down after an ok operation")
	}
	c.t = c.t.Add(time.Minute)
	note("unreachable")
	d, problem, since := down()
	if !d || problem == "" || !since.Equal(c.t) {
		t.Fatalf("after unreachable: down=%v problem=%q since=%v", d, problem, since)
	}
	c.t = c.t.Add(time.Minute)
	note("timeout")
	if _, _, s := down(); !s.Equal(since) {
		t.Errorf("a second failure moved Since from %v to %v", since, s)
	}
	dh, err := f.svc.DownHosts(context.Background())
	if err != nil || len(dh) != 1 || dh[0].Name != h[0].Name {
		t.Errorf("DownHosts = %+v, %v; want the host by name", dh, err)
	}
	// An error the host itself answered (a name taken) means it is up.
	note("exists")
	if d, _, _ := down(); d {
		t.Error("down after an answer from the host")
	}
}
