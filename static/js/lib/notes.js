// Paragraph notes: comments and flags ("off topic", "garbled text") on one paragraph, loaded when
// the coder opens them, with the code that shows them (lib/note-list.js).

import { h } from "./dom.js";

let noteList = null;

/** The "Notes" button and box for one paragraph. */
export function noteTools(ctx, para) {
  const box = h("div", { class: "notes", hidden: true, id: `notes-${para.index}`, role: "group", "aria-label": `Notes on paragraph ${para.index + 1}` });
  const toggle = h("button", {
    type: "button", class: "small", text: "Notes", "aria-expanded": "false", "aria-controls": box.id,
    "aria-label": `Notes and flags for paragraph ${para.index + 1}`,
    onclick: () => {
      const open = box.hidden;
      box.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (!open) return;
      box.replaceChildren(h("p", { class: "hint", text: "Loading notes…" }));
      noteList ??= import("./note-list.js");
      noteList.then((m) => m.load(ctx, para, box), () => {
        noteList = null;
        box.replaceChildren(h("p", { class: "warn", text: "Notes could not be loaded." }));
      });
    },
  });
  return h("span", { class: "para-tools" }, toggle, box);
}
