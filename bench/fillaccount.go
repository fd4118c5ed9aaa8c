package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// FillAccount records n databases of e in the account straight in the
// metadata store, as a create does (InsertDatabase, then CompleteCreate:
// the counters, the name counter and the host's count move as they would),
// but with no engine objects. A create measured afterwards runs in an
// account and on a host that are full in dbplane's own records (-fill
// fills the engine side).
func (h *Harness) FillAccount(ctx context.Context, e *Engine, accountID string, n int) error {
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(h.dir, "dbplane", "dbplane.db"), store.Options{})
	if err != nil {
		return fmt.Errorf("fill account: open the store: %w", err)
	}
	defer st.Close()
	eng := dbplane.Engine(e.Name)
	names := func(i int64) (string, string) { return dbplane.ManagedNames(eng, accountID, i) }
	for i := range n {
		id := fmt.Sprintf("01FILL%s%014d", e.Name[:1], i)
		d := &dbplane.Database{ID: id, AccountID: accountID, Engine: eng, Label: fmt.Sprintf("fill-%d", i), Remote: "%",
			SealedPassword: []byte("not a sealed password: never revealed")}
		in := &dbplane.Intent{ID: "01FILLINTENT" + id[6:]}
		if err := st.InsertDatabase(ctx, store.NewDatabase{Database: d, Hosts: []string{e.HostID}, Names: names, Intent: in}); err != nil {
			return fmt.Errorf("fill account: database %d: %w", i, err)
		}
		if _, err := st.CompleteCreate(ctx, in); err != nil {
			return fmt.Errorf("fill account: complete database %d: %w", i, err)
		}
	}
	return nil
}
