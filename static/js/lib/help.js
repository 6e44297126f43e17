// The "?" overlay that lists the keyboard shortcuts (lib/shortcuts.js handles them), loaded the
// first time it is opened.

import { h } from "./dom.js";

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
  };
}
