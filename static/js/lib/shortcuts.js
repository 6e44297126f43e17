// Keyboard shortcuts. Label keys come from the codebook; command keys are fixed (lib/help.js
// lists them all). Keys are ignored while typing in a form control, so selects and inputs keep
// their own keyboard behaviour.

import { isTyping } from "./dom.js";

/**
 * Listen for shortcuts on the document. `actions` has label(name), relabel(name), newEvent(),
 * newAttribution() (from the selection, or else the focused span), edit(), remove(), undo(),
 * redo(), escape(), help(), decide(accept, all), and frame(key) (true when the open frame took
 * the key: lib/pointing.js);
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
    else if (focusedSuggestion() && /^[xy]$/i.test(key)) actions.decide(/y/i.test(key), event.shiftKey);
    else if (actions.frame(key)) done = true;
    else if (hasSelection() && key === "n") actions.newEvent();
    else if (hasSelection() && key === "r") actions.newAttribution();
    else if (hasSelection() && byKey.has(key.toLowerCase())) actions.label(byKey.get(key.toLowerCase()));
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
