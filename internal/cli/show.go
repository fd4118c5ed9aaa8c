package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// sendAndShow sends body with method to path (GET with a nil body reads),
// decodes the answer's data into a V and shows it with show, which prints
// the data as it came for -o json and V for people.
func sendAndShow[V any](ctx context.Context, c *call, method, path string, body any, show func(*call, []byte, V) error) error {
	var v V
	data, err := c.api.send(ctx, method, path, body, &v)
	if err != nil {
		return err
	}
	return show(c, data, v)
}

// getAndList gets the list at path and prints it: the data as it came for
// -o json, else a table of header and a row of each item.
func getAndList[V any](ctx context.Context, c *call, path string, header []string, row func(V) []string) error {
	var items []V
	data, err := c.api.get(ctx, path, &items)
	if err != nil || c.json {
		return c.orJSON(data, err)
	}
	printTable(c, header, items, row)
	return nil
}

// pagesAndList fetches the pages of path (c.api.pages) and prints them:
// one JSON array for -o json, else a table of header and a row of each
// item.
func pagesAndList[V any](ctx context.Context, c *call, path string, q url.Values, pf pageFlags, header []string, row func(V) []string) error {
	raws, err := c.api.pages(ctx, path, q, pf)
	if err != nil {
		return err
	}
	if c.json {
		return c.writeItems(raws)
	}
	items := make([]V, 0, len(raws))
	for _, raw := range raws {
		var v V
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		items = append(items, v)
	}
	printTable(c, header, items, row)
	return nil
}

func printTable[V any](c *call, header []string, items []V, row func(V) []string) {
	rows := make([][]string, 0, len(items))
	for _, v := range items {
		rows = append(rows, row(v))
	}
	table(c.stdout, header, rows)
}

// orJSON prints data as JSON when -o json asked for it and err is nil;
// it returns err.
func (c *call) orJSON(data []byte, err error) error {
	if err != nil {
		return err
	}
	return c.writeJSON(data)
}

// done confirms a change that has no data to show: a line on stdout for
// people, nothing for -o json (the exit code says it worked).
func (c *call) done(format string, args ...any) {
	if !c.json {
		fmt.Fprintf(c.stdout, format+"\n", args...)
	}
}
