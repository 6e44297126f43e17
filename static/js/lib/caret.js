// Keyboard selection inside a paragraph. Read-only text has no caret of its own, so a focused
// paragraph gets one here: the arrow keys move it by user-perceived character (never into the
// middle of 😀 or e+◌́), Ctrl+arrows by word, Shift extends. The selection is the DOM's own, so
// keyboard and mouse selections are labelled by the same code.

import { graphemeBoundaries, locate, pointToUtf16, selectUtf16, words } from "./offsets.js";

/** The selection's anchor and focus as UTF-16 offsets in `root`, if the selection is inside it. */
export function selectionIn(root) {
  const sel = window.getSelection();
  if (!sel.rangeCount || !root.contains(sel.anchorNode) || !root.contains(sel.focusNode)) return null;
  return {
    anchor: pointToUtf16(root, sel.anchorNode, sel.anchorOffset),
    focus: pointToUtf16(root, sel.focusNode, sel.focusOffset),
  };
}

function target(text, pos, key, ctrl, extend) {
  if (key === "Home") return 0;
  if (key === "End") return text.length;
  const forward = key === "ArrowRight";
  if (ctrl) {
    const list = words(text);
    if (!forward) return list.filter(([s]) => s < pos).pop()?.[0] ?? 0;
    // Moving lands on the next word's start (where spans begin); extending on a word's end.
    if (extend) return list.find(([, e]) => e > pos)?.[1] ?? text.length;
    return list.find(([s]) => s > pos)?.[0] ?? text.length;
  }
  const bounds = graphemeBoundaries(text);
  return forward ? bounds.find((b) => b > pos) ?? text.length : bounds.filter((b) => b < pos).pop() ?? 0;
}

/**
 * Handle a caret key for paragraph text element `root`; `from` ({anchor, focus}) overrides the
 * current selection (when a span has focus, moving starts from its edge). True when handled.
 */
export function caretKey(event, root, from) {
  if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key) || event.altKey || event.metaKey) return false;
  const text = root.textContent;
  const current = from || selectionIn(root) || { anchor: 0, focus: 0 };
  const extend = event.shiftKey;
  const focus = target(text, current.focus, event.key, event.ctrlKey, extend);
  if (document.activeElement !== root) root.focus({ preventScroll: true });
  selectUtf16(root, extend ? current.anchor : focus, focus);
  showCaret(root, focus);
  event.preventDefault();
  return true;
}

let caretEl = null;

/** Draw a visible caret at UTF-16 offset `u` of `root` (a collapsed selection is invisible). */
export function showCaret(root, u) {
  caretEl ??= document.body.appendChild(Object.assign(document.createElement("div"), { className: "kcaret" }));
  caretEl.setAttribute("aria-hidden", "true");
  const { node, offset } = locate(root, u);
  const range = document.createRange();
  range.setStart(node, offset);
  range.collapse(true);
  const rect = range.getClientRects()[0] || root.getBoundingClientRect();
  // CSSOM custom properties are allowed by the style-src CSP; style attributes are not.
  caretEl.style.setProperty("--x", `${rect.left + window.scrollX}px`);
  caretEl.style.setProperty("--y", `${rect.top + window.scrollY}px`);
  caretEl.style.setProperty("--h", `${rect.height || 18}px`);
  caretEl.hidden = false;
}

export function hideCaret() {
  if (caretEl) caretEl.hidden = true;
}
