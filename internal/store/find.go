package store

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/dbplane/dbplane"
)

// maxInList is the most values inList binds: past it (the panel's
// filter[external_id] takes a comma list of any length) the list is
// tested on each row read, so that no list outgrows the dialects' limits
// on bound parameters (SQLite's 32766, PostgreSQL's 65535) and the
// statements kept stay a few.
const maxInList = 256

// inList is the condition ` AND col IN (?, …)` of vals and its arguments;
// a non-nil empty vals selects none. The list is padded to a power of two
// with its last value, so that the statements prepared (and kept) for it
// are a few, not one for every length a caller sends. A list longer than
// maxInList (its repeats aside) is ` AND col IS NOT NULL` and a keep that
// the caller applies to each row's value.
func inList(col string, vals []string) (string, []any, func(string) bool) {
	if len(vals) == 0 {
		return ` AND 1 = 0`, nil, nil
	}
	if len(vals) > maxInList {
		set := make(map[string]bool, len(vals))
		for _, v := range vals {
			set[v] = true
		}
		if len(set) > maxInList {
			return ` AND ` + col + ` IS NOT NULL`, nil, func(v string) bool { return set[v] }
		}
		vals = vals[:0:0]
		for v := range set {
			vals = append(vals, v)
		}
		slices.Sort(vals)
	}
	n := 1
	for n < len(vals) {
		n *= 2
	}
	args := make([]any, n)
	for i := range n {
		args[i] = vals[min(i, len(vals)-1)]
	}
	return ` AND ` + col + ` IN (?` + strings.Repeat(`, ?`, n-1) + `)`, args, nil
}

// matchAll is the test of every non-nil one of tests (nil for none).
func matchAll[T any](tests ...func(T) bool) func(T) bool {
	tests = slices.DeleteFunc(tests, func(f func(T) bool) bool { return f == nil })
	if len(tests) == 0 {
		return nil
	}
	return func(x T) bool {
		for _, f := range tests {
			if !f(x) {
				return false
			}
		}
		return true
	}
}

// pageQuery is a finder's query of the page of one entity's rows (as
// FindAccounts and FindServers ask it): SELECT cols FROM from WHERE where
// ORDER BY orderBy, each row read by scan and, when match is set, kept
// only if match accepts it.
type pageQuery[T any] struct {
	cols, from, where, orderBy string
	args                       []any
	scan                       func(scanner) (T, error)
	match                      func(T) bool
	page                       dbplane.Page
}

// findPage returns the page of the rows q selects, in its order, and how
// many it selects: one COUNT and one query with LIMIT, or with q.match one
// query that reads every row the WHERE selects and keeps the page. A zero
// q.page.PerPage returns every row selected, without the COUNT.
func findPage[T any](ctx context.Context, db *DB, q pageQuery[T]) ([]T, int, error) {
	sel := `SELECT ` + q.cols + ` FROM ` + q.from + ` WHERE ` + q.where + ` ORDER BY ` + q.orderBy
	p := q.page
	p.Page = max(p.Page, 1)
	if q.match != nil {
		return matchRows(ctx, db, sel, q, p)
	}
	if p.PerPage <= 0 {
		list, err := collectRows(ctx, db, sel, q.args, q.scan)
		return list, len(list), err
	}
	var total int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM `+q.from+` WHERE `+q.where, q.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	// A page past the last is empty; its offset, which a far page
	// number overflows, is computed only for a page that has rows.
	if p.Page-1 >= (total+p.PerPage-1)/p.PerPage {
		return []T{}, total, nil
	}
	list, err := collectRows(ctx, db, sel+` LIMIT ? OFFSET ?`, append(slices.Clip(q.args), p.PerPage, p.Offset()), q.scan)
	return list, total, err
}

// matchRows runs sel, counts the rows q.match accepts and keeps those of
// page p (every one when p.PerPage is 0).
func matchRows[T any](ctx context.Context, db *DB, sel string, q pageQuery[T], p dbplane.Page) ([]T, int, error) {
	rows, err := db.readRows(ctx, sel, q.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	lo, hi := math.MaxInt, math.MaxInt // a page too far for an int: empty
	if p.PerPage > 0 && p.Page-1 < math.MaxInt/p.PerPage-1 {
		lo, hi = p.Offset(), p.Offset()+p.PerPage
	}
	out, total := []T{}, 0
	for rows.Next() {
		x, err := q.scan(rows)
		if err != nil {
			return nil, 0, err
		}
		if !q.match(x) {
			continue
		}
		if p.PerPage <= 0 || total >= lo && total < hi {
			out = append(out, x)
		}
		total++
	}
	return out, total, rows.Err()
}

// collectRows runs sel and reads every row with scan (a non-nil empty
// slice for none).
func collectRows[T any](ctx context.Context, db *DB, sel string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := db.readRows(ctx, sel, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
