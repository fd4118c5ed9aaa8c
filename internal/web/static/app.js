// dbplane dashboard: progressive enhancements only; every page works
// without this file.
"use strict";

// Copy buttons: <button data-copy="#id">. The Clipboard API needs a secure
// context (HTTPS or localhost); elsewhere, e.g. plain HTTP on a LAN
// address, the text is selected and copied with execCommand, and when that
// fails too it stays selected for Ctrl+C.
function copyText(text, el) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text).then(() => true, () => fallbackCopy(text, el));
  }
  return Promise.resolve(fallbackCopy(text, el));
}

function fallbackCopy(text, el) {
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.className = "offscreen";
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
  document.body.removeChild(ta);
  if (!ok && el) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  return ok;
}

document.addEventListener("click", (ev) => {
  const btn = ev.target.closest("button[data-copy]");
  if (!btn) return;
  ev.preventDefault();
  const el = document.querySelector(btn.getAttribute("data-copy"));
  if (!el) return;
  const text = el.value !== undefined && el.tagName !== "CODE" && el.tagName !== "PRE" ? el.value : el.textContent;
  copyText(text, el).then((ok) => {
    const label = btn.textContent;
    btn.textContent = ok ? "Copied" : "Press Ctrl+C";
    btn.setAttribute("data-copied", ok ? "yes" : "no");
    setTimeout(() => { btn.textContent = label; }, 1500);
  });
});

// Typed confirmations: a submit button stays disabled until the input
// named by data-match holds the expected text. The server checks again.
function syncMatch() {
  document.querySelectorAll("input[data-match]").forEach((input) => {
    const btn = input.form && input.form.querySelector("button[type=submit]");
    if (btn) btn.disabled = input.value !== input.getAttribute("data-match");
  });
}
document.addEventListener("input", syncMatch);
document.addEventListener("DOMContentLoaded", syncMatch);
