package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of the HTTP commands' connection settings.
const (
	defaultAddr    = "http://127.0.0.1:8080"
	defaultTimeout = time.Minute
	// maxResponse bounds what the client reads of one answer.
	maxResponse = 64 << 20
)

// errNoToken is returned before any request when no token is set.
var errNoToken = errors.New("no API token: set DBPLANE_TOKEN or pass --token")

// client talks to a running dbplane over its HTTP API: the admin API with
// an admin key, the management API (/api/v1/db) with a user key. It only
// moves JSON; what the answers mean is up to the commands.
type client struct {
	base  string // scheme://host[:port][/prefix], no trailing slash
	token string
	hc    *http.Client
}

// newClient checks addr (a URL; "host:port" means http://host:port) and
// returns a client for it.
func newClient(addr, token string, timeout time.Duration) (*client, error) {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, usagef(fmt.Sprintf("--addr (DBPLANE_ADDR) %q is not an http:// or https:// address such as %s", addr, defaultAddr))
	}
	if strings.TrimSpace(token) == "" {
		return nil, errNoToken
	}
	return &client{
		base:  strings.TrimRight(u.String(), "/"),
		token: strings.TrimSpace(token),
		hc:    &http.Client{Timeout: timeout},
	}, nil
}

// apiError is an error answer of the API. Message is the API's, which is
// written to be shown to a person and never holds a secret.
type apiError struct {
	Status  int
	Code    string // "" when the API gave none
	Message string
	Field   string
	// Grants are the statements that give a host's user the privileges it
	// lacks, when a host create or update failed its privilege check.
	Grants []string
}

func (e *apiError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Field != "" && !strings.Contains(strings.ToLower(msg), strings.ToLower(e.Field)) {
		msg += " (" + e.Field + ")"
	}
	if e.Code != "" {
		return fmt.Sprintf("%s [%d %s]", msg, e.Status, e.Code)
	}
	return fmt.Sprintf("%s [%d]", msg, e.Status)
}

// connError is a request that got no answer: dbplane is down, the address
// is wrong, or the answer took longer than --timeout.
type connError struct {
	addr string
	err  error
}

func (e *connError) Error() string {
	return fmt.Sprintf("cannot reach dbplane at %s (is serve running, and is DBPLANE_ADDR right?): %v", e.addr, e.err)
}

func (e *connError) Unwrap() error { return e.err }

// page is the pagination of an answer that has one.
type page struct {
	Page    int `json:"page"`
	PerPage int `json:"perPage"`
	Total   int `json:"total"`
	// NextCursor is the cursor of the next page of a list paged by
	// cursor (the audit log); nil on the last.
	NextCursor *string `json:"nextCursor"`
}

// envelope is both surfaces' success body: {"data": ...} with an optional
// "meta" on the admin API, {"ok": true, "data": ...} on /api/v1/db.
type envelope struct {
	Data json.RawMessage `json:"data"`
	Meta *page           `json:"meta"`
}

// do sends body (nil for none) as JSON and returns the answer's data and
// pagination. An answer without a body (204) returns nil data.
func (c *client) do(ctx context.Context, method, path string, body any) (json.RawMessage, *page, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "dbplane-cli/"+version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in connError already
		}
		return nil, nil, &connError{addr: c.base, err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return nil, nil, &connError{addr: c.base, err: err}
	}
	if res.StatusCode >= 300 {
		return nil, nil, decodeError(res.StatusCode, b)
	}
	if res.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(b)) == 0 {
		return nil, nil, nil
	}
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil || env.Data == nil {
		return nil, nil, fmt.Errorf("%s %s: the answer is not dbplane's JSON (is DBPLANE_ADDR right?)", method, path)
	}
	return env.Data, env.Meta, nil
}

// decodeError reads an error body of either surface: the admin API's
// {"error": {"code", "message", "field"}} or the management API's
// {"ok": false, "error": "...", "code": "..."}. A body that is neither
// still gives an apiError with the status.
func decodeError(status int, b []byte) *apiError {
	e := &apiError{Status: status}
	var body struct {
		Error json.RawMessage `json:"error"`
		Code  string          `json:"code"`
	}
	if json.Unmarshal(b, &body) != nil || len(body.Error) == 0 {
		return e
	}
	var msg string
	if json.Unmarshal(body.Error, &msg) == nil {
		e.Code, e.Message = body.Code, msg
		return e
	}
	var obj struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Field   string   `json:"field"`
		Grants  []string `json:"grants"`
	}
	if json.Unmarshal(body.Error, &obj) == nil {
		e.Code, e.Message, e.Field, e.Grants = obj.Code, obj.Message, obj.Field, obj.Grants
	}
	return e
}

// get is do for GET, decoding the data into out.
func (c *client) get(ctx context.Context, path string, out any) (json.RawMessage, error) {
	data, _, err := c.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	return data, decodeData(data, out)
}

// send is do for a method with a body, decoding the data into out (nil
// to skip).
func (c *client) send(ctx context.Context, method, path string, body, out any) (json.RawMessage, error) {
	data, _, err := c.do(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	return data, decodeData(data, out)
}

func decodeData(data json.RawMessage, out any) error {
	if out == nil || data == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	return nil
}

// pages fetches a paginated list: one page when onePage is set (page
// from p), else every page from the first, perPage at a time. It returns
// the items of all the pages fetched, in order.
func (c *client) pages(ctx context.Context, path string, q url.Values, p pageFlags) ([]json.RawMessage, error) {
	if q == nil {
		q = url.Values{}
	}
	if p.page < 0 || p.perPage < 0 {
		return nil, usagef("--page and --per-page must be positive")
	}
	n, perPage := max(p.page, 1), p.perPage
	if perPage == 0 {
		perPage = 100
	}
	var all []json.RawMessage
	for {
		q.Set("page", fmt.Sprint(n))
		q.Set("perPage", fmt.Sprint(perPage))
		data, meta, err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		var items []json.RawMessage
		if err := decodeData(data, &items); err != nil {
			return nil, err
		}
		all = append(all, items...)
		if p.page != 0 || meta == nil || len(items) == 0 || n*perPage >= meta.Total {
			return all, nil
		}
		n++
	}
}
