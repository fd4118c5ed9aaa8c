package web

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/dbplane/dbplane"
)

// humanBytes is a size in binary units: "0 B", "512 B", "1.5 MiB".
func humanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n)
	for _, u := range units {
		v /= 1024
		if v < 1024 || u == "EiB" {
			if v < 10 {
				return fmt.Sprintf("%.1f %s", math.Floor(v*10)/10, u)
			}
			return fmt.Sprintf("%.0f %s", math.Floor(v), u)
		}
	}
	return fmt.Sprintf("%d B", n)
}

// ago says how long before now t was, in words: "just now", "5 min ago".
func ago(now time.Time, t *time.Time) string {
	if t == nil {
		return "not measured yet"
	}
	d := now.Sub(*t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// measured says when a size was measured: "measured 5 min ago", or "not
// measured yet" for a database the watcher has not reached.
func measured(now time.Time, t *time.Time) string {
	if t == nil {
		return "not measured yet"
	}
	return "measured " + ago(now, t)
}

// percent is used/limit as a whole percentage for a bar, capped at 100.
func percent(used, limit int64) int {
	if limit <= 0 {
		if used > 0 {
			return 100
		}
		return 0
	}
	p := used * 100 / limit
	if p > 100 {
		return 100
	}
	return int(p)
}

// statusText says what a status means for the tenant.
func statusText(s dbplane.Status) string {
	switch s {
	case dbplane.StatusActive:
		return "Working normally."
	case dbplane.StatusOverQuota:
		return "Over the storage quota: reads and deletes work, writes are refused until usage is back under the quota."
	case dbplane.StatusDisabled:
		return "Disabled: logins are refused."
	case dbplane.StatusCreating:
		return "Being created."
	case dbplane.StatusDeleting:
		return "Being deleted."
	case dbplane.StatusFailed:
		return "A change failed and is being retried."
	case dbplane.StatusOrphaned:
		return "Orphaned: the operator retired its database host, so it can no longer be reached; its password cannot be shown or changed. Delete it to free its slot's name."
	}
	return string(s)
}

// statusClass is the CSS class of a status badge.
func statusClass(s dbplane.Status) string {
	switch s {
	case dbplane.StatusActive:
		return "ok"
	case dbplane.StatusOverQuota, dbplane.StatusCreating, dbplane.StatusDeleting:
		return "warn"
	}
	return "bad"
}

func engineName(e dbplane.Engine) string {
	switch e {
	case dbplane.EngineMariaDB:
		return "MariaDB / MySQL"
	case dbplane.EnginePostgres:
		return "PostgreSQL"
	case dbplane.EngineMongo:
		return "MongoDB"
	}
	return string(e)
}

// deref reads an optional number for a template; nil reads as -1.
func deref(p any) int64 {
	switch v := p.(type) {
	case *int:
		if v != nil {
			return int64(*v)
		}
	case *int64:
		if v != nil {
			return *v
		}
	}
	return -1
}

// keyExpired reports whether k is refused at now for having expired: the
// domain's rule (APIKey.Usable), for pages that show a key's state.
func keyExpired(k *dbplane.APIKey, now time.Time) bool {
	return errors.Is(k.Usable(now), dbplane.ErrKeyExpired)
}
