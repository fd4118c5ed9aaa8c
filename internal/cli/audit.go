package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/admin"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/control"
)

// auditRetentionSweep is how often the leader deletes audit entries past
// --audit-retention.
const auditRetentionSweep = time.Hour

// openAudit starts the audit log on svc's store and, with --audit-log,
// its JSON lines copy ("-": stdout). The entries in the file have the
// shape GET /api/admin/audit returns. close writes what is queued and
// closes the file.
func openAudit(cfg config.Config, svc *control.Service, stdout io.Writer, logger *slog.Logger) (a *control.AuditLog, closeFn func() error, err error) {
	var opt control.AuditOptions
	var file *os.File
	if cfg.AuditLog != "" {
		out := stdout
		if cfg.AuditLog != "-" {
			file, err = os.OpenFile(cfg.AuditLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
			if err != nil {
				return nil, nil, fmt.Errorf("open audit log file: %w", err)
			}
			out = file
		}
		w := bufio.NewWriter(out)
		enc := json.NewEncoder(w)
		opt.Also = func(es []*dbplane.AuditEntry) {
			for _, e := range es {
				if err := enc.Encode(admin.AuditJSON(e)); err != nil {
					logger.Error("write audit log file", "err", err)
					return
				}
			}
			if err := w.Flush(); err != nil {
				logger.Error("write audit log file", "err", err)
			}
		}
	}
	a = svc.OpenAuditLog(opt)
	return a, func() error {
		a.Close()
		if file != nil {
			return file.Close()
		}
		return nil
	}, nil
}
