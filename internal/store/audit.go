package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dbplane/dbplane"
)

const auditCols = `id, at, surface, action, resources, account_id, key_id, key_prefix, session_id, email, reveal, ip, status, request_id`

// InsertAudit writes entries in one transaction. Their IDs are set.
// Entries go auditChunk to a statement (one multi-row INSERT, prepared
// once, as the write transactions' statements are), the rest one by one:
// a statement's round through database/sql and the driver costs more than
// the row it writes.
func (db *DB) InsertAudit(ctx context.Context, entries []*dbplane.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *txn) error {
		tx.logOnly()
		args := make([]any, 0, auditChunk*auditNCols)
		for len(entries) > 0 {
			n, q := auditChunk, insertAuditChunk
			if len(entries) < auditChunk {
				n, q = 1, insertAuditOne
			}
			args = args[:0]
			for _, e := range entries[:n] {
				reveal := 0
				if e.Reveal {
					reveal = 1
				}
				args = append(args, e.ID, db.ms(e.Time), e.Surface, e.Action, string(appendResources(nil, e.Resources)),
					e.AccountID, e.KeyID, e.KeyPrefix, e.SessionID, e.Email, reveal, e.IP, e.Status, e.RequestID)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
			entries = entries[n:]
		}
		return nil
	})
}

// auditChunk is how many entries one INSERT writes: 32 rows of 14 values
// stay far below either dialect's bound on parameters, and the statement
// text below the write statement cache's (maxPreparedWrite).
const (
	auditChunk = 32
	auditNCols = 14
)

var (
	insertAuditOne   = insertAuditRows(1)
	insertAuditChunk = insertAuditRows(auditChunk)
)

func insertAuditRows(n int) string {
	row := "(" + strings.Repeat("?,", auditNCols-1) + "?)"
	return `INSERT INTO audit_log (` + auditCols + `) VALUES ` + strings.Repeat(row+",", n-1) + row
}

// appendResources appends res as a JSON object, byte for byte what
// json.Marshal makes of it (keys sorted; nil is {}), without reflection
// for the usual case: a key or two of plain ASCII.
func appendResources(b []byte, res map[string]string) []byte {
	keys := make([]string, 0, 4)
	for k, v := range res {
		if !plainJSON(k) || !plainJSON(v) {
			j, _ := json.Marshal(res) // a map of strings always encodes
			return append(b, j...)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":"`...)
		b = append(b, res[k]...)
		b = append(b, '"')
	}
	return append(b, '}')
}

// plainJSON reports whether encoding/json writes s as it is between
// quotes: printable ASCII but for the characters it escapes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// AuditLog returns up to f.Limit entries matching f, newest first, and
// the cursor of the next page ("" on the last).
func (db *DB) AuditLog(ctx context.Context, f dbplane.AuditFilter) ([]*dbplane.AuditEntry, string, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.AccountID != "" {
		add(`account_id = ?`, f.AccountID)
	}
	switch a := f.Action; {
	case a == "":
	case strings.Contains(a, " "):
		add(`action = ?`, a)
	case strings.HasPrefix(a, "/"):
		// A path prefix: the pattern's path starts with it.
		add(`(action LIKE ? ESCAPE '!')`, "% "+likeEscape(a)+"%")
	default:
		add(`action LIKE ? ESCAPE '!'`, likeEscape(a)+" %")
	}
	if f.Resource != "" {
		rj, _ := json.Marshal(f.Resource)
		add(`resources LIKE ? ESCAPE '!'`, "%:"+likeEscape(string(rj))+"%")
	}
	switch f.Outcome {
	case "success":
		add(`status < 400`)
	case "failure":
		add(`status >= 400`)
	}
	if !f.Since.IsZero() {
		add(`at >= ?`, db.ms(f.Since))
	}
	if !f.Until.IsZero() {
		add(`at < ?`, db.ms(f.Until))
	}
	if f.Before != "" {
		add(`id < ?`, f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q := `SELECT ` + auditCols + ` FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.readRows(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []*dbplane.AuditEntry
	for rows.Next() {
		var e dbplane.AuditEntry
		var at int64
		var res string
		var reveal int
		if err := rows.Scan(&e.ID, &at, &e.Surface, &e.Action, &res, &e.AccountID, &e.KeyID, &e.KeyPrefix,
			&e.SessionID, &e.Email, &reveal, &e.IP, &e.Status, &e.RequestID); err != nil {
			return nil, "", err
		}
		e.Time, e.Reveal = fromMS(at), reveal != 0
		if err := json.Unmarshal([]byte(res), &e.Resources); err != nil {
			return nil, "", err
		}
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// DeleteAuditBefore removes the entries older than t, and returns how
// many it removed.
func (db *DB) DeleteAuditBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := db.txAlone(ctx, func(tx *txn) error {
		tx.logOnly()
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE at < ?`, db.ms(t))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// likeEscaper escapes LIKE's wildcards with '!' (ESCAPE '!'). A Replacer
// is safe for concurrent use, so one serves every query.
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// likeEscape escapes LIKE's wildcards with '!'.
func likeEscape(s string) string {
	return likeEscaper.Replace(s)
}
