// The "?" overlay that lists the keyboard shortcuts (lib/shortcuts.js handles them), loaded the
// first time it is opened.

import { extraStyles, h } from "./dom.js";

extraStyles(); // css/annotate-tools.css

/** Fixed keys, as shown in the overlay: [keys, what they do]. */
export const COMMANDS = [
  ["Tab / Shift+Tab", "move between paragraphs, spans and panels"],
  ["← → (in a paragraph)", "move the caret by one character"],
  ["Shift+← →", "select character by character"],
  ["Ctrl+← / Ctrl+→", "jump to the previous / next word start"],
  ["Ctrl+Shift+→ / Ctrl+Shift+←", "extend the selection to the end of the next word / back a word"],
  ["Home / End", "caret to the paragraph's start / end (add Shift to select)"],
  ["Enter (on a span)", "edit the span: label, attributes, actor"],
  ["n (on a selection or a span)", "new event with this span as trigger (from a selection, a new EVENT span); it opens for pointing"],
  ["r (on a selection or a span)", "new attribution with it as cue (a new CUE span from a selection; a SOURCE or CONTENT span takes that part)"],
  ["s / c / q, 1-6 (a frame open)", "fill a role: on a selection, a new span in that role; on a focused span, link it; else click a span or select text next"],
  ["a / l / t (an event open)", "the actor, location or time argument, as above"],
  ["Enter (a role waiting)", "fill it from the selection or the focused span"],
  ["y / x (a frame open)", "accept / dismiss what the tool proposes for it"],
  ["F2 (or F6)", "jump between the text and the editor panel, and back"],
  ["Delete / Backspace (on a span)", "delete the span"],
  ["y / x (on a suggestion)", "accept (copy into your layer) / reject the suggestion"],
  ["Shift+Y / Shift+X (on a suggestion)", "accept / reject all open suggestions of its kind"],
  ["Ctrl+Z", "undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "redo"],
  ["Escape", "close this help or a confirmation, clear the selection, stop pointing, close the frame"],
  ["?", "show this help"],
];

const EVENT_STEPS = [
  "Events: select the trigger and press n; then select each argument and press its role's key (a actor, 1-6 any role). Type and mode are in the panel (F2).",
  "Attributions: select the cue and press r; then select the source and press s, the content and press q.",
  "Nesting: when one attribution's content holds another's source and cue, the bar proposes the nesting: y accepts.",
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
