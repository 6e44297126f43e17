// Small DOM helpers. Data is only ever put into the page as text (textContent, text nodes,
// attribute values), never parsed as HTML, so article text and codebook names cannot inject markup.

/** Create an element: h("button", {class: "x", text: "Save", onclick: fn}, child, "text"). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = value;
    else if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "value") el.value = value;
    else if (key === "checked" || key === "selected" || key === "disabled") el[key] = true;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Append nodes and strings (as text nodes); nested arrays and empty values are allowed. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A <select> with a visible label; options are [value, text] pairs or plain values. */
export function select(label, options, current, onchange, props = {}) {
  const sel = h("select", { "aria-label": label, ...props });
  for (const opt of options) {
    const [value, text] = Array.isArray(opt) ? opt : [opt, opt];
    sel.append(h("option", { value, text, selected: value === current }));
  }
  if (onchange) sel.addEventListener("change", () => onchange(sel.value, sel));
  return sel;
}

/** Wrap a control with its visible label text. */
export function field(text, control) {
  return h("label", { class: "fld" }, h("span", { class: "field-name", text }), control);
}

/** Is this keyboard event aimed at a form control that needs its keys for itself? */
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable='true']"));
}

/**
 * Rebuild a panel and put focus back on the control that had it (matched by data-fk), so that
 * choosing a value in a select that re-renders the panel does not throw the keyboard user out.
 */
export function rebuild(root, build) {
  const active = document.activeElement;
  const had = root.contains(active);
  const key = active?.dataset?.fk;
  fill(root, build());
  // Gone (a removed item, say): the panel's first control rather than <body>.
  if (had) (key && root.querySelector(`[data-fk="${CSS.escape(key)}"]`) || root.querySelector("button, select, input"))?.focus();
}

/** Mouse and focus handlers that highlight spans while a list row or option is pointed at. */
export function hover(highlight, ids) {
  const on = () => highlight(ids, true);
  const off = () => highlight(ids, false);
  return { onmouseenter: on, onmouseleave: off, onfocus: on, onblur: off };
}

/** Add the style sheet of the parts loaded on demand (css/annotate-tools.css), once. */
export function extraStyles() {
  if (document.getElementById("tools-css")) return;
  document.head.append(h("link", { id: "tools-css", rel: "stylesheet", href: new URL("../../css/annotate-tools.css", import.meta.url) }));
}
