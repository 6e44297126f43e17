// The span editor: the current span's label and attributes (as the codebook defines them for
// that label), the canonical actor, and buttons for the keyboard commands. Also the list of all
// spans, so that every span can be reached from one place.

import { choiceField, withAttr } from "./attr-fields.js";
import { field, h, hover, select } from "./dom.js";
import { orderedSpans } from "./model.js";
import { spanName } from "./render.js";

// The actor type-ahead (lib/actors.js) is loaded when an editor first needs it; from then on
// the field is built at once, so that a rebuilt panel can give its input focus back.
let actorField = null;
let actorsLoaded = null;

export function spanPanel(ctx) {
  const span = ctx.view.spans.get(ctx.selected.span);
  const all = orderedSpans(ctx.view);
  return [
    h("h2", { text: "Span" }),
    span ? editor(ctx, span) : h("p", { class: "empty", text: "Select text and press a label key, or focus a span." }),
    h("details", { class: "all-spans" }, h("summary", { text: `All spans (${all.length})` }),
      h("ul", { class: "items" }, all.map((s) => h("li", {}, h("button", {
        type: "button", class: "item", "data-fk": `sp-${s.id}`, text: spanName(s),
        onclick: () => ctx.focusSpan(s.id), ...hover(ctx.highlight, [s.id]),
      }))))),
  ];
}

function editor(ctx, span) {
  const labels = ctx.codebook.span_labels;
  const def = labels.find((l) => l.name === span.label);
  const setAttrs = (attrs, message) => ctx.act([{ op: "update_span", id: span.id, label: span.label, attrs }], message);
  const setAttr = (name, value) => setAttrs(withAttr(span.attrs, name, value),
    `${name} ${value === "" || value === null ? "cleared" : "set"}`);
  const fields = (def?.attributes || []).map((f) => {
    if (f.type === "actor") return actorSlot(ctx, span, f.name, (actor) => {
      const attrs = withAttr(span.attrs, f.name, actor?.id ?? null);
      // Fill what the registry knows and the coder has not set yet.
      for (const key of ["entity_type", "country", "sector"]) {
        if (actor?.[key] && !attrs[key] && def.attributes.some((a) => a.name === key)) attrs[key] = actor[key];
      }
      setAttrs(attrs, actor ? `Linked to ${actor.name}` : "Actor unlinked");
    });
    if (f.type === "choice" && !f.multiple) return choiceField(f, span.attrs, "sp-a-", setAttr, f.name + (f.required ? " *" : ""));
    return stringField(span, f, setAttr);
  });
  const swatch = h("span", { class: "swatch", text: span.label });
  swatch.style.setProperty("--c", ctx.colour(span.label));
  return h("div", { class: "editor", role: "group", "aria-label": "Span editor" },
    h("h3", {}, swatch, ` “${span.text}” (¶${span.paragraph + 1})`),
    field("Label", select("Label", labels.map((l) => l.name), span.label, (value) => ctx.relabel(span.id, value),
      { "data-fk": "sp-label" })),
    fields,
    h("div", { class: "buttons" },
      h("button", { type: "button", text: "New event (n)", "data-fk": "sp-event", onclick: () => ctx.newEvent(span.id) }),
      h("button", { type: "button", text: "New attribution (r)", "data-fk": "sp-attr", onclick: () => ctx.newAttribution(span.id) }),
      h("button", { type: "button", class: "danger", text: "Delete span", "data-fk": "sp-delete", onclick: () => ctx.deleteSpan(span.id) })));
}

function actorSlot(ctx, span, name, link) {
  if (actorField) return actorField(ctx, span, name, link);
  const slot = h("div", { class: "actor-field" });
  actorsLoaded ??= import("./actors.js").then((m) => { actorField = m.actorField; });
  // A slot in an editor that was rebuilt meanwhile is off the page; filling it does no harm.
  actorsLoaded.then(() => slot.replaceWith(actorField(ctx, span, name, link)), () => {
    actorsLoaded = null;
    slot.textContent = "The actor registry cannot be reached: reopen the span to try again.";
  });
  return slot;
}

function stringField(span, f, setAttr) {
  const input = h("input", { type: "text", value: span.attrs[f.name] ?? "", "data-fk": `sp-a-${f.name}`, "aria-label": f.name });
  const problem = h("span", { class: "warn", "aria-live": "polite" });
  input.addEventListener("change", () => {
    let value = input.value.trim();
    if (f.name === "country") value = value.toUpperCase();
    if (value && f.pattern && !new RegExp(f.pattern).test(value)) {
      problem.textContent = `“${value}” does not fit ${f.pattern}`;
      return;
    }
    setAttr(f.name, value);
  });
  return h("label", { class: "fld" }, h("span", { class: "field-name", text: f.name }), input, problem);
}
