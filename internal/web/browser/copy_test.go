package browser_test

import (
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

// paste returns what Ctrl+V pastes into a text area added to the end of
// the page (and removed after), which is what the clipboard holds: it
// works where the page may not read the clipboard itself (plain HTTP).
func (tb *tab) paste() string {
	tb.t.Helper()
	eval[bool](tb, `(() => {
  const ta = document.createElement("textarea");
  ta.setAttribute("data-journey-paste", "");
  ta.setAttribute("aria-label", "Paste here");
  document.body.appendChild(ta);
  ta.scrollIntoView();
  ta.focus();
  return document.activeElement === ta;
})()`)
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent("v", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		tb.fail("press Ctrl+V: %v", err)
	}
	return eval[string](tb, `(() => {
  const ta = document.querySelector("[data-journey-paste]");
  const v = ta.value;
  ta.remove();
  return v;
})()`)
}

// copy presses the copy button named name, waits for its feedback and
// returns it. "Copied" (the Clipboard API on 127.0.0.1 or HTTPS, the older
// copy command on plain HTTP elsewhere) is checked by pasting: Ctrl+V must
// paste want. "Press Ctrl+C" (nothing could copy) is checked by the
// selection: want must be selected for the person to copy.
func (tb *tab) copy(name, want string, in ...query) string {
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
		if got := tb.paste(); strings.TrimSpace(got) != strings.TrimSpace(want) {
			tb.fail("%s said Copied but Ctrl+V pastes %q, want %q", q, got, want)
		}
	case "Press Ctrl+C":
		got := eval[string](tb, `window.getSelection().toString()`)
		if strings.TrimSpace(got) != strings.TrimSpace(want) {
			tb.fail("%s fell back to selecting, but %q is selected, want %q", q, got, want)
		}
	}
	return feedback
}
