// Codebook attribute fields, shared by the span, event and attribution editors.

import { field, select } from "./dom.js";

/** A copy of `attrs` with `name` set to `value`, or without it when the value is empty. */
export function withAttr(attrs, name, value) {
  const next = { ...attrs };
  if (value === "" || value === null || (Array.isArray(value) && !value.length)) delete next[name];
  else next[name] = value;
  return next;
}

/**
 * The select for choice attribute `f` of `attrs` (several values when `f.multiple`), labelled
 * `label`, its data-fk `prefix` + name; `set(name, value)` gets "" (or []) for none.
 */
export function choiceField(f, attrs, prefix, set, label = f.name) {
  const props = { "data-fk": prefix + f.name };
  if (!f.multiple) {
    return field(label, select(f.name, [["", "—"], ...f.values], attrs[f.name] || "", (value) => set(f.name, value), props));
  }
  const sel = select(f.name, f.values, null, null, { multiple: true, size: 4, ...props });
  for (const opt of sel.options) opt.selected = (attrs[f.name] || []).includes(opt.value);
  sel.addEventListener("change", () => set(f.name, [...sel.selectedOptions].map((o) => o.value)));
  return field(label, sel);
}
