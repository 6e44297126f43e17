// The attributions panel (PARC/PolNeAR): who (source) said (cue) what (content), each part a list
// of spans, and "nested in" for an attribution inside another's content. The list is drawn as
// a tree so that nesting is visible; the parent select never offers a cycle.

import { choiceField, withAttr } from "./attr-fields.js";
import { field, h, hover, select } from "./dom.js";
import { descendants, orderedSpans } from "./model.js";
import { spanName } from "./render.js";

const ROLES = [["source", "SOURCE"], ["cue", "CUE"], ["content", "CONTENT"]];

/** "A2" style names by creation order, stable while the page is open. */
export function attributionNames(view) {
  return new Map([...view.attributions.keys()].map((id, i) => [id, `A${i + 1}`]));
}

function summary(ctx, at, names) {
  const part = (role) => at[role].map((id) => ctx.view.spans.get(id)?.text).filter(Boolean).join(" … ");
  const content = part("content");
  const short = content.length > 50 ? `${content.slice(0, 50)}…` : content;
  return `${names.get(at.id)} · ${part("source") || "(no source)"} · ${part("cue") || "(no cue)"} · “${short}”`;
}

/** Attributions in tree order, each with its depth. */
function tree(view) {
  const out = [];
  const visit = (parent, depth) => {
    for (const at of view.attributions.values()) {
      if ((at.parent || null) === parent) {
        out.push([at, depth]);
        if (depth < 20) visit(at.id, depth + 1);
      }
    }
  };
  visit(null, 0);
  // Attributions whose parent is missing locally are still listed.
  for (const at of view.attributions.values()) if (!out.some(([a]) => a === at)) out.push([at, 0]);
  return out;
}

const spanIds = (at) => ROLES.flatMap(([role]) => at[role]);

export function attributionsPanel(ctx) {
  const names = attributionNames(ctx.view);
  const rows = tree(ctx.view);
  const list = rows.length
    ? h("ul", { class: "items" }, rows.map(([at, depth]) => h("li", { class: `depth-${Math.min(depth, 4)}` },
      h("button", {
        type: "button", class: "item", "data-fk": `at-${at.id}`, "aria-pressed": String(ctx.selected.attribution === at.id),
        onclick: () => ctx.select("attribution", at.id, "at-add-source"),
        ...hover(ctx.highlight, spanIds(at)),
      }, (depth ? `inside ${names.get(at.parent)}: ` : "") + summary(ctx, at, names)))))
    : h("p", { class: "empty", text: "No attributions yet: focus a CUE span and press r." });
  const current = ctx.view.attributions.get(ctx.selected.attribution);
  return [
    h("h2", { text: "Attributions" }),
    h("button", {
      type: "button", "data-fk": "at-new", text: "New attribution from the current span (r)",
      onclick: () => ctx.newAttribution(ctx.selected.span),
    }),
    list,
    current ? editor(ctx, current, names) : null,
  ];
}

function editor(ctx, at, names) {
  const update = (patch, message) => ctx.act([{
    op: "update_attribution", id: at.id, source: at.source, cue: at.cue, content: at.content,
    parent: at.parent ?? null, attrs: at.attrs, ...patch,
  }], message);
  const banned = descendants(ctx.view, at.id);
  const parents = [...ctx.view.attributions.values()].filter((a) => !banned.has(a.id));
  const parent = select("Nested in (parent attribution)",
    [["", "none: top level"], ...parents.map((a) => [a.id, summary(ctx, a, names)])], at.parent || "",
    (value) => update({ parent: value || null }, value ? `Nested in ${names.get(value)}` : "Now top level"),
    { "data-fk": "at-parent" });
  const setAttr = (name, value) => update({ attrs: withAttr(at.attrs, name, value) }, `Attribution ${name} set`);
  const attrFields = ctx.codebook.attribution.attributes.filter((f) => f.type === "choice" && !f.multiple)
    .map((f) => choiceField(f, at.attrs, "at-a-", setAttr));
  return h("div", { class: "editor", role: "group", "aria-label": `Attribution editor ${names.get(at.id)}` },
    h("h3", { text: `Attribution ${names.get(at.id)}` }),
    ROLES.map(([role, label]) => part(ctx, at, role, label, update)),
    field("Nested in", parent),
    h("details", {}, h("summary", { text: "Attributes" }), attrFields),
    h("button", {
      type: "button", class: "danger", text: "Delete attribution", "data-fk": "at-delete",
      onclick: () => {
        ctx.act([{ op: "delete_attribution", id: at.id }], "Attribution deleted");
        ctx.select("attribution", null, "at-new");
      },
    }));
}

function part(ctx, at, role, label, update) {
  const chips = at[role].map((id, i) => {
    const span = ctx.view.spans.get(id);
    const name = span ? spanName(span) : id;
    return h("li", hover(ctx.highlight, [id]), h("span", { text: name }), h("button", {
      type: "button", text: "Remove", "aria-label": `Remove ${role} ${name}`, "data-fk": `at-rm-${role}-${i}`,
      onclick: () => update({ [role]: at[role].filter((s) => s !== id) }, `${label} removed`),
    }));
  });
  // Spans with the matching label come first, so the likely choice is the default.
  const spans = orderedSpans(ctx.view).filter((s) => !at[role].includes(s.id));
  spans.sort((a, b) => (b.label === label) - (a.label === label));
  const picker = spans.length
    ? select(`${role} span`, spans.map((s) => [s.id, spanName(s)]), null, (v) => ctx.flash([v]), { "data-fk": `at-pick-${role}` })
    : null;
  return h("fieldset", { class: "part" }, h("legend", { text: `${label} (${role})` }),
    chips.length ? h("ul", { class: "chips" }, chips) : h("p", { class: "empty", text: "none" }),
    picker ? h("div", { class: "add-row" }, picker, h("button", {
      type: "button", text: `Add as ${role}`, "data-fk": `at-add-${role}`,
      onclick: () => update({ [role]: [...at[role], picker.value] }, `${label} added`),
    })) : null);
}
