package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tab is one person's browser tab. Its methods act the way that person
// does: open a page, fill the input labelled "Email", press the button
// that says "Sign in", read the value next to "Password". Each step waits
// for what it needs (never a fixed sleep) up to stepTimeout, and a step
// that fails ends the test with what was looked for.
type tab struct {
	t    *testing.T
	who  string
	base string
	// ctx is the tab without the journey's deadline (for artifacts);
	// journey is the same tab bounded by it.
	ctx, journey context.Context

	mu      sync.Mutex
	console []string // errors the page logged
}

// step returns a context for one step, bounded by stepTimeout and by the
// journey's deadline.
func (tb *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.journey, stepTimeout)
}

// fail ends the test with what the tab was doing.
func (tb *tab) fail(format string, args ...any) {
	tb.t.Helper()
	tb.t.Fatalf("%s: %s", tb.who, fmt.Sprintf(format, args...))
}

// open goes to path (relative to the dashboard) and returns the HTTP
// status of the page.
func (tb *tab) open(path string) int {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		tb.fail("open %s: %v", path, err)
	}
	return int(res.Status)
}

// where returns the path (and query) of the page the tab shows.
func (tb *tab) where() string {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	loc, err := runJS(ctx, chromedp.Location())
	if err != nil {
		tb.fail("read the location: %v", err)
	}
	return strings.TrimPrefix(loc, tb.base)
}

// query says which element a person looks for: a button or link by its
// visible text, an input by its label, or the value that a label, a term
// (<dt>) or a row header (<th>) names. Row, when set, limits the search
// to the table rows or list items whose text contains it (the row of one
// key, one database); section limits it to the sections, forms, fieldsets
// or navigation whose heading or accessible name is exactly that ("Main"
// for the top navigation).
type query struct {
	Kind    string `json:"kind"` // "button", "link", "field", "value", "row"
	Text    string `json:"text"`
	Row     string `json:"row,omitempty"`
	Section string `json:"section,omitempty"`
}

func (q query) String() string {
	s := fmt.Sprintf("the %s %q", q.Kind, q.Text)
	switch q.Kind {
	case "field":
		s = fmt.Sprintf("the input labelled %q", q.Text)
	case "value":
		s = fmt.Sprintf("the value named %q", q.Text)
	case "row":
		s = fmt.Sprintf("the table row mentioning %q", q.Text)
	}
	if q.Row != "" {
		s += fmt.Sprintf(" in the row of %q", q.Row)
	}
	if q.Section != "" {
		s += fmt.Sprintf(" in the section %q", q.Section)
	}
	return s
}

// finder is the JavaScript that resolves a query to the visible elements
// that match it. Text is compared with white space collapsed; a label also
// matches by its own text, without nested hints such as <small>, and a
// button or link by its accessible name (aria-label: "Copy password" for a
// button that shows "Copy", "Delete blog" for a link that shows "Delete"). A <summary> counts as a button: it opens its
// <details>.
const finder = `((q) => {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const own = (el) => norm([...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(" "));
  const says = (el) => norm(el.textContent) === q.text || own(el) === q.text ||
    ((q.kind === "button" || q.kind === "link") && norm(el.getAttribute("aria-label")) === q.text);
  const shown = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) &&
    getComputedStyle(el).visibility !== "hidden";
  let roots = [document.body];
  if (q.row) {
    roots = [...document.querySelectorAll("tr, li")].filter((r) => norm(r.textContent).includes(q.row));
  }
  if (q.section) {
    const named = (s) => {
      const h = s.querySelector("h1, h2, h3, h4, legend, summary");
      const by = s.getAttribute("aria-labelledby") && document.getElementById(s.getAttribute("aria-labelledby"));
      return (h && norm(h.textContent) === q.section) || (by && norm(by.textContent) === q.section) ||
        norm(s.getAttribute("aria-label")) === q.section;
    };
    roots = roots.flatMap((r) => [...r.querySelectorAll("section, form, fieldset, article, dialog, details, nav, aside")].filter(named));
  }
  const out = new Set();
  for (const root of roots) {
    if (q.kind === "button") {
      root.querySelectorAll("button, input[type=submit], input[type=button], summary").forEach((b) => {
        if (says(b) || (b.tagName === "INPUT" && norm(b.value) === q.text)) out.add(b);
      });
    } else if (q.kind === "row") {
      root.querySelectorAll("tr").forEach((tr) => { if (norm(tr.textContent).includes(q.text)) out.add(tr); });
    } else if (q.kind === "link") {
      root.querySelectorAll("a[href]").forEach((a) => { if (says(a)) out.add(a); });
    } else if (q.kind === "field") {
      root.querySelectorAll("label").forEach((l) => { if (says(l) && l.control) out.add(l.control); });
    } else if (q.kind === "value") {
      root.querySelectorAll("label").forEach((l) => {
        if (!says(l)) return;
        const el = l.control || (l.htmlFor && document.getElementById(l.htmlFor));
        if (el) out.add(el);
      });
      root.querySelectorAll("dt").forEach((dt) => {
        if (!says(dt)) return;
        let dd = dt.nextElementSibling;
        while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
        if (dd) out.add(dd);
      });
      root.querySelectorAll("th").forEach((th) => {
        if (!says(th) || !th.parentElement) return;
        const td = [...th.parentElement.children].find((c) => c.tagName === "TD");
        if (td) out.add(td);
      });
    }
  }
  return [...out].filter(shown);
})`

// js returns the expression that finds q's elements.
func (q query) js() string {
	b, _ := json.Marshal(q)
	return finder + "(" + string(b) + ")"
}

// elem is a JavaScript expression for one element of the page.
type elem string

// one waits until q matches a visible element and returns it; it fails
// when q matches more than one, since a person could not tell which was
// meant either. Waiting polls in the page (Runtime only): the journeys
// never go through chromedp's DOM node tree, which its own event loop
// updates concurrently.
func (tb *tab) one(q query) elem {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if _, err := runJS(ctx, chromedp.Poll[bool](q.js()+".length > 0",
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout))); err != nil {
		tb.fail("no %s on %s: %v\npage text: %s", q, tb.whereQuiet(), err, tb.textQuiet())
	}
	if n := tb.count(q); n != 1 {
		tb.fail("%d elements match %s on %s; a person could not tell which is meant", n, q, tb.whereQuiet())
	}
	return elem(q.js() + "[0]")
}

// point scrolls el into view and returns its centre, failing when another
// element covers it there (a person could not click it either).
func (tb *tab) point(el elem, q query) (x, y float64) {
	tb.t.Helper()
	xy := eval[[]float64](tb, `((el) => {
  el.scrollIntoView({block: "center", inline: "center"});
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  return hit && (hit === el || el.contains(hit)) ? [x, y] : [];
})(`+string(el)+`)`)
	if len(xy) != 2 {
		tb.fail("%s is covered by another element", q)
	}
	return xy[0], xy[1]
}

// mouseClick is a left click with the mouse at el's centre.
func (tb *tab) mouseClick(el elem, q query) chromedp.Action[chromedp.Void] {
	tb.t.Helper()
	x, y := tb.point(el, q)
	return chromedp.MouseClickXY(x, y)
}

// count returns how many visible elements match q now, without waiting.
func (tb *tab) count(q query) int {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	n, err := runJS(ctx, chromedp.Evaluate[int](q.js()+".length"))
	if err != nil {
		tb.fail("count %s: %v", q, err)
	}
	return n
}

// hasButton reports whether the page shows a button with this text now.
func (tb *tab) hasButton(text string) bool { return tb.count(query{Kind: "button", Text: text}) > 0 }

// press clicks the button that says text and waits for the page it
// loads; it returns that page's HTTP status. Use click for buttons that
// do not load a page.
func (tb *tab) press(text string, in ...query) int {
	tb.t.Helper()
	return tb.pressResponse(text, in...).status
}

// response is what the browser received for a page.
type response struct {
	status int
	header http.Header
}

// pressResponse is press returning the page's status and headers.
func (tb *tab) pressResponse(text string, in ...query) response {
	tb.t.Helper()
	q := scoped(query{Kind: "button", Text: text}, in)
	el := tb.one(q)
	tb.enabled(el, q)
	return tb.navigate(q, tb.mouseClick(el, q))
}

// follow clicks the link that says text and waits for its page.
func (tb *tab) follow(text string, in ...query) int {
	tb.t.Helper()
	q := scoped(query{Kind: "link", Text: text}, in)
	return tb.navigate(q, tb.mouseClick(tb.one(q), q)).status
}

// href returns where the link that says text goes, without following it
// (it may leave the dashboard).
func (tb *tab) href(text string, in ...query) string {
	tb.t.Helper()
	q := scoped(query{Kind: "link", Text: text}, in)
	return eval[string](tb, string(tb.one(q))+`.href`)
}

// navigate runs an action that loads a page and returns the response.
func (tb *tab) navigate(q query, a chromedp.Action[chromedp.Void]) response {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.RunResponse(ctx, a)
	if err != nil {
		tb.fail("%s loaded no page: %v\npage text: %s", q, err, tb.textQuiet())
	}
	r := response{status: int(res.Status), header: http.Header{}}
	for k, v := range res.Headers {
		// Chrome joins repeated headers with a newline.
		for _, line := range strings.Split(fmt.Sprint(v), "\n") {
			r.header.Add(k, line)
		}
	}
	return r
}

// click clicks a button that stays on the page (a copy button, a
// disclosure).
func (tb *tab) click(text string, in ...query) {
	tb.t.Helper()
	q := scoped(query{Kind: "button", Text: text}, in)
	click := tb.mouseClick(tb.one(q), q)
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, click); err != nil {
		tb.fail("click %s: %v", q, err)
	}
}

// enabled fails when pressing the button would do nothing, so that the
// journey names the reason instead of timing out: the button is disabled,
// or its form does not pass the browser's own checks (required, pattern,
// minlength: the browser would show a bubble and send nothing).
func (tb *tab) enabled(el elem, q query) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	why, err := runJS(ctx, chromedp.Evaluate[string](`((b) => {
  if (b.disabled) return "it is disabled";
  const f = b.form;
  if (!f || b.formNoValidate || f.noValidate) return "";
  const bad = [...f.elements].filter((el) => el.willValidate && !el.checkValidity());
  return bad.map((el) => {
    const l = el.labels && el.labels[0] ? el.labels[0].textContent.replace(/\s+/g, " ").trim() : el.name;
    return "the browser refuses " + JSON.stringify(l) + ": " + el.validationMessage;
  }).join("; ");
})(`+string(el)+`)`))
	if err != nil {
		tb.fail("read %s: %v", q, err)
	}
	if why != "" {
		tb.fail("pressing %s would do nothing: %s\npage text: %s", q, why, tb.textQuiet())
	}
}

// disabled reports whether the one button that says text is disabled.
func (tb *tab) disabled(text string, in ...query) bool {
	tb.t.Helper()
	q := scoped(query{Kind: "button", Text: text}, in)
	return eval[bool](tb, string(tb.one(q))+".disabled")
}

// fill clicks into the input labelled label, empties it and types value
// key by key, so the page's input listeners run as for a person.
func (tb *tab) fill(label, value string, in ...query) {
	tb.t.Helper()
	q := scoped(query{Kind: "field", Text: label}, in)
	el := tb.one(q)
	click := tb.mouseClick(el, q)
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, click); err != nil {
		tb.fail("click into %s: %v", q, err)
	}
	if !eval[bool](tb, `((el) => {
  if (document.activeElement !== el) return false;
  el.value = "";
  el.dispatchEvent(new Event("input", {bubbles: true}));
  return true;
})(`+string(el)+`)`) {
		tb.fail("clicking %s did not focus it", q)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(value)); err != nil {
		tb.fail("type into %s: %v", q, err)
	}
	if got := eval[string](tb, string(el)+".value"); got != value {
		tb.fail("%s holds %q after typing %q", q, got, value)
	}
}

// tick checks the checkbox labelled label with a mouse click, unless it is
// checked already.
func (tb *tab) tick(label string, in ...query) {
	tb.t.Helper()
	q := scoped(query{Kind: "field", Text: label}, in)
	el := tb.one(q)
	if eval[bool](tb, string(el)+".checked") {
		return
	}
	click := tb.mouseClick(el, q)
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, click); err != nil {
		tb.fail("click %s: %v", q, err)
	}
	if !eval[bool](tb, string(el)+".checked") {
		tb.fail("%s is not checked after a click", q)
	}
}

// choose picks the option whose visible text is option in the select
// labelled label.
func (tb *tab) choose(label, option string, in ...query) {
	tb.t.Helper()
	q := scoped(query{Kind: "field", Text: label}, in)
	el := tb.one(q)
	ctx, cancel := tb.step()
	defer cancel()
	opt, _ := json.Marshal(option)
	ok, err := runJS(ctx, chromedp.Evaluate[bool](`((s, want) => {
  const o = [...s.options].find((o) => o.textContent.replace(/\s+/g, " ").trim() === want);
  if (!o) return false;
  s.value = o.value;
  s.dispatchEvent(new Event("input", {bubbles: true}));
  s.dispatchEvent(new Event("change", {bubbles: true}));
  return true;
})(`+string(el)+`, `+string(opt)+`)`))
	if err != nil {
		tb.fail("choose %q in %s: %v", option, q, err)
	}
	if !ok {
		tb.fail("%s has no option %q\npage text: %s", q, option, tb.textQuiet())
	}
}

// value returns what the page shows next to a label, term or row header
// (an input's value, or an element's text, white space collapsed).
func (tb *tab) value(name string, in ...query) string {
	tb.t.Helper()
	q := scoped(query{Kind: "value", Text: name}, in)
	el := tb.one(q)
	ctx, cancel := tb.step()
	defer cancel()
	v, err := runJS(ctx, chromedp.Evaluate[string](`((el) => {
  if (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return el.value;
  return el.textContent.replace(/\s+/g, " ").trim();
})(`+string(el)+`)`))
	if err != nil {
		tb.fail("read %s: %v", q, err)
	}
	return v
}

// text returns the page's visible text.
func (tb *tab) text() string {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	s, err := runJS(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		tb.fail("read the page: %v", err)
	}
	return s
}

// waitText waits until the page's visible text contains s.
func (tb *tab) waitText(s string) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	want, _ := json.Marshal(s)
	if _, err := runJS(ctx, chromedp.Poll[bool](`document.body && document.body.innerText.includes(`+string(want)+`)`,
		chromedp.WithPollingMutation())); err != nil {
		tb.fail("the page never said %q: %v\npage text: %s", s, err, tb.textQuiet())
	}
}

// runJS runs a script action (Evaluate, Poll) and retries it while the
// page is between two documents: chromedp learns of a new document's
// JavaScript context by an event that can come after the navigation that
// made it returned, and a script sent to the old context fails with
// "Cannot find context with specified id". Any other error, or the end of
// ctx, ends it.
func runJS[T any](ctx context.Context, a chromedp.Action[T]) (T, error) {
	for {
		v, err := chromedp.Run(ctx, a)
		if err == nil || !transientJS(err) || ctx.Err() != nil {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// transientJS reports whether err is a script that met a page changing
// documents.
func transientJS(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Cannot find context with specified id") ||
		strings.Contains(s, "Execution context was destroyed") ||
		strings.Contains(s, "Inspected target navigated or closed")
}

// eval runs a JavaScript expression on the page.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	v, err := runJS(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.fail("evaluate %s: %v", expr, err)
	}
	return v
}

// textQuiet and whereQuiet are text and where for error messages: they
// never fail and are bounded by a short timeout of their own.
func (tb *tab) textQuiet() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	s, err := runJS(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

func (tb *tab) whereQuiet() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	loc, err := runJS(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	return strings.TrimPrefix(loc, tb.base)
}

// scoped applies the row and section limits of in (at most one) to q.
func scoped(q query, in []query) query {
	for _, s := range in {
		if s.Row != "" {
			q.Row = s.Row
		}
		if s.Section != "" {
			q.Section = s.Section
		}
	}
	return q
}

// inRow limits a search to the table rows or list items mentioning text.
func inRow(text string) query { return query{Row: text} }

// inSection limits a search to the section whose heading (or accessible
// name) is heading.
func inSection(heading string) query { return query{Section: heading} }
