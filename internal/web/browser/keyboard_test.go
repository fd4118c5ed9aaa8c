package browser_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestKeyboardJourney: a person without a mouse. The sign-in page starts
// in Email; Tab, the password, Enter signs in. On the databases page the
// first Tab reaches "Skip to content", shown while focused; Enter on it
// moves on to the page's content; every control Tab reaches shows where
// the focus is.
func TestKeyboardJourney(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := newBrowser(t, a.url, 1280, 900)
	ada := b.tab("tenant")

	ada.open("/login")
	// The browser moves the focus to an autofocus field after the load,
	// at its next rendering step.
	if !ada.focusReaches("input Email") {
		t.Fatalf("the sign-in page does not put the focus on the Email input (it is on %q)", focused(ada))
	}
	ada.keys("ada@example.com", kb.Tab, "ada's long password")
	res := ada.navigate(query{Kind: "key", Text: "Enter"}, chromedp.KeyEvent(kb.Enter))
	if res.status != http.StatusOK || ada.where() != "/" {
		t.Fatalf("Enter in the sign-in form gave %d and %s", res.status, ada.where())
	}

	ada.keys(kb.Tab)
	if got := focused(ada); got != "a Skip to content" {
		t.Errorf("the first Tab reaches %q, want the Skip to content link", got)
	}
	if !eval[bool](ada, `(() => { const r = document.activeElement.getBoundingClientRect(); return r.left >= 0 && r.top >= 0 && r.width > 0; })()`) {
		t.Errorf("Skip to content is not on the screen while focused")
	}
	ada.keys(kb.Enter)
	if h := eval[string](ada, `location.hash`); h != "#main" {
		t.Errorf("Enter on Skip to content went to %q, want #main", h)
	}

	// Every control Tab reaches shows a focus ring.
	ada.open("/")
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		ada.keys(kb.Tab)
		name := focused(ada)
		if name == "body" || seen[name] {
			break
		}
		seen[name] = true
		if !eval[bool](ada, `(() => {
  const s = getComputedStyle(document.activeElement);
  return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
})()`) {
			t.Errorf("%s shows no focus ring", name)
		}
	}
	if len(seen) < 5 {
		t.Errorf("Tab reached only %v", seen)
	}
}

// focusReaches waits until the focused element is named want (as
// focused names it) and reports whether it got there within a step.
func (tb *tab) focusReaches(want string) bool {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	w, _ := json.Marshal(want)
	_, err := runJS(ctx, chromedp.Poll[bool](focusedJS+` === `+string(w),
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
	return err == nil
}

// keys types on the keyboard into whatever has the focus.
func (tb *tab) keys(keys ...string) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(strings.Join(keys, ""))); err != nil {
		tb.fail("type %q: %v", keys, err)
	}
}

// focused names the element with the focus: its tag and its label,
// accessible name or text.
func focused(tb *tab) string {
	tb.t.Helper()
	return eval[string](tb, focusedJS)
}

// focusedJS names the focused element for focused.
const focusedJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const name = (el.labels && el.labels[0] && norm(el.labels[0].textContent)) || norm(el.getAttribute("aria-label")) || norm(el.textContent);
  return el.tagName.toLowerCase() + " " + name;
})()`
