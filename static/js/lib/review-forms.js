// Small inline forms of the review page (edit, note): fields, then Save and Cancel. Escape
// cancels, so the keyboard user is never stuck in a form; focus goes to the first field.

import { h } from "./dom.js";

/** Put a form into `slot`; `onSave()` runs on submit, `onClose()` after Cancel or Escape. */
export function openForm(slot, title, fields, onSave, onClose) {
  const close = () => {
    slot.replaceChildren();
    onClose();
  };
  const form = h("form", { class: "rv-form", "aria-label": title },
    h("h4", { text: title }), fields,
    h("div", { class: "rv-actions" }, h("button", { type: "submit", text: "Save" }),
      h("button", { type: "button", class: "rv-button", text: "Cancel", onclick: close })));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSave();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  slot.replaceChildren(form);
  form.querySelector("select, input, textarea")?.focus();
  return form;
}

/** A note box where Enter saves the form and Shift+Enter starts a new line. */
export function noteField(initial = "") {
  const area = h("textarea", { rows: 2, maxlength: 2000, value: initial });
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      area.form.requestSubmit();
    }
  });
  return area;
}
