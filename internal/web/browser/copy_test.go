package browser_test

import (
	"context"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// copyTarget returns the text that the copy button named name copies: the
// element its data-copy attribute points at. A secret shown once (a new
// API key) has no label of its own; a person reads it next to its Copy
// button.
func (tb *tab) copyTarget(name string, in ...query) string {
	tb.t.Helper()
	q := scoped(query{Kind: "button", Text: name}, in)
	el := tb.one(q)
	return eval[string](tb, `((b) => {
  const el = document.querySelector(b.getAttribute("data-copy"));
  if (!el) return "";
  return (el.tagName === "INPUT" || el.tagName === "TEXTAREA") ? el.value : el.textContent;
})(`+string(el)+`)`)
}

// grantClipboard lets the tab's pages read and write the clipboard, as a
// person allows when the browser asks, so the test can read back what a
// copy button wrote.
func (tb *tab) grantClipboard() {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	c := chromedp.FromContext(ctx)
	params := map[string]any{
		"permissions":      []string{"clipboardReadWrite", "clipboardSanitizedWrite"},
		"origin":           tb.base,
		"browserContextId": c.BrowserContextID,
	}
	if err := c.Browser.Call(ctx, "Browser.grantPermissions", params, nil); err != nil {
		tb.fail("grant the clipboard: %v", err)
	}
}

// copy presses the copy button named name and waits for its feedback. On
// 127.0.0.1 the page is a secure context, so the Clipboard API works: the
// button must say "Copied" and the clipboard must hold want. A page that
// fell back (no Clipboard API, e.g. plain HTTP on a LAN address) says
// "Press Ctrl+C" with want selected; that is accepted too, with the
// selection checked instead.
func (tb *tab) copy(name, want string, in ...query) {
	tb.t.Helper()
	q := scoped(query{Kind: "button", Text: name}, in)
	el := tb.one(q)
	// Mark the button: its text changes when it reports, so the query that
	// found it would not find it again.
	eval[bool](tb, string(el)+`.setAttribute("data-journey-copy", "") || true`)
	click := tb.mouseClick(el, q)
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, click); err != nil {
		tb.fail("click %s: %v", q, err)
	}
	// The feedback lasts 1.5 s; a mutation poll sees it as it comes.
	feedback, err := runJS(ctx, chromedp.Poll[string](`(() => {
  const b = document.querySelector("[data-journey-copy]");
  const t = b ? b.textContent.trim() : "";
  return (t === "Copied" || t === "Press Ctrl+C") ? t : null;
})()`, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		tb.fail("%s gave no feedback (Copied or Press Ctrl+C): %v", q, err)
	}
	eval[bool](tb, `document.querySelector("[data-journey-copy]").removeAttribute("data-journey-copy") || true`)
	switch feedback {
	case "Copied":
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		got, err := runJS(rctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
		if err != nil {
			tb.fail("%s said Copied but the clipboard cannot be read: %v", q, err)
		}
		if strings.TrimSpace(got) != strings.TrimSpace(want) {
			tb.fail("%s said Copied but the clipboard holds %q, want %q", q, got, want)
		}
	case "Press Ctrl+C":
		got := eval[string](tb, `window.getSelection().toString()`)
		if strings.TrimSpace(got) != strings.TrimSpace(want) {
			tb.fail("%s fell back to selecting, but %q is selected, want %q", q, got, want)
		}
	}
}
