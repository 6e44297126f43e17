// Keyboard shortcuts and the "?" overlay that lists them. Label keys come from the codebook;
// command keys are fixed. Keys are ignored while typing in a form control, so selects and inputs
// keep their own keyboard behaviour.

import { h, isTyping } from "./dom.js";

/** Fixed keys, as shown in the overlay: [keys, what they do]. */
export const COMMANDS = [
  ["Tab / Shift+Tab", "move between paragraphs, spans and panels"],
  ["← → (in a paragraph)", "move the caret by one character"],
  ["Shift+← →", "select character by character"],
  ["Ctrl+← / Ctrl+→", "jump to the previous / next word start"],
  ["Ctrl+Shift+→ / Ctrl+Shift+←", "extend the selection to the end of the next word / back a word"],
  ["Home / End", "caret to the paragraph's start / end (add Shift to select)"],
  ["Enter (on a span)", "edit the span: label, attributes, actor"],
  ["n (on a span)", "new event with this span as trigger, then choose type and add arguments"],
  ["r (on a span)", "new attribution with this span as cue (a SOURCE or CONTENT span takes that part)"],
  ["Delete / Backspace (on a span)", "delete the span"],
  ["y / x (on a suggestion)", "accept (copy into your layer) / reject the suggestion"],
  ["Shift+Y / Shift+X (on a suggestion)", "accept / reject all open suggestions of its kind"],
  ["Ctrl+Z", "undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "redo"],
  ["Escape", "close this help or a confirmation, clear the selection"],
  ["?", "show this help"],
];

const EVENT_STEPS = [
  "Events: select the trigger word, press its label key (e for EVENT), then n.",
  "In the event editor choose Type and Mode, then for each argument choose a role and a span and press “Add argument”.",
  "Attributions: label SOURCE, CUE and CONTENT spans, focus the cue and press r; add the source and content from the lists.",
  "Nesting: in the inner attribution, choose the outer one under “Nested in”.",
];

/** Build the help overlay (a <dialog>, so focus stays inside and Escape closes it). */
export function helpOverlay(labels) {
  const rows = [
    ...labels.filter((l) => l.key).map((l) => [l.key, `label the selection ${l.name} (on a focused span: relabel it)`]),
    ...COMMANDS,
  ];
  const close = h("button", { type: "button", text: "Close", onclick: () => dialog.close() });
  const dialog = h("dialog", { class: "help", "aria-labelledby": "help-title" },
    h("div", { class: "help-head" }, h("h2", { id: "help-title", text: "Keyboard shortcuts" }), close),
    h("table", {}, h("tbody", {}, rows.map(([key, what]) =>
      h("tr", {}, h("th", { scope: "row" }, h("kbd", { text: key })), h("td", { text: what }))))),
    h("ul", {}, EVENT_STEPS.map((step) => h("li", { text: step }))));
  document.body.append(dialog);
  return {
    open() {
      if (!dialog.open) dialog.showModal();
      close.focus();
    },
    get isOpen() {
      return dialog.open;
    },
  };
}

/**
 * Listen for shortcuts on the document. `actions` has label(name), relabel(name), newEvent(),
 * newAttribution(), edit(), remove(), undo(), redo(), escape(), help(), decide(accept, all);
 * `focusedSpan()` and `focusedSuggestion()` say whether one has focus, `hasSelection()` whether
 * text is selected.
 */
export function installShortcuts(labels, actions, { focusedSpan, hasSelection, focusedSuggestion }) {
  const byKey = new Map(labels.filter((l) => l.key).map((l) => [l.key.toLowerCase(), l.name]));
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || isTyping(event.target) || event.altKey || event.metaKey) return;
    if (event.target.closest?.("dialog")) return; // the help overlay handles its own keys
    const key = event.key;
    const ctrl = event.ctrlKey;
    let done = true;
    if (ctrl && (key === "z" || key === "Z") && !event.shiftKey) actions.undo();
    else if (ctrl && ((key === "z" || key === "Z") && event.shiftKey || key === "y")) actions.redo();
    else if (ctrl) done = false;
    else if (key === "?") actions.help();
    else if (key === "Escape") actions.escape();
    else if (hasSelection() && byKey.has(key.toLowerCase())) actions.label(byKey.get(key.toLowerCase()));
    else if (focusedSuggestion() && /^[xy]$/i.test(key)) actions.decide(/y/i.test(key), event.shiftKey);
    else if (focusedSpan() && key === "n") actions.newEvent();
    else if (focusedSpan() && key === "r") actions.newAttribution();
    else if (focusedSpan() && (key === "Enter" || key === " ")) actions.edit();
    else if (focusedSpan() && (key === "Delete" || key === "Backspace")) actions.remove();
    else if (focusedSpan() && byKey.has(key.toLowerCase())) actions.relabel(byKey.get(key.toLowerCase()));
    else if (byKey.has(key.toLowerCase()) && !event.target.closest?.("button, a, summary")) {
      actions.say("Select some text first, then press the label key.");
    } else done = false;
    if (done) event.preventDefault();
  });
}
