// The editors of one event and one attribution, loaded the first time a frame is opened. Parts
// are added by pointing (lib/pointing.js); here they are listed and removed, and the type, mode,
// nesting and attributes are chosen. Every edit is one update with the whole item, so undo and
// retries never merge half-edits.

import { choiceField, withAttr } from "./attr-fields.js";
import { extraStyles, field, h, hover, select } from "./dom.js";
import { atSummary } from "./attributions-panel.js";
import { spanName } from "./render.js";

extraStyles(); // css/annotate-tools.css

/** Ids of `id` and every attribution nested below it (to keep the parent select acyclic). */
function descendants(state, id) {
  const found = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const at of state.attributions.values()) {
      if (at.parent && found.has(at.parent) && !found.has(at.id)) {
        found.add(at.id);
        grew = true;
      }
    }
  }
  return found;
}

/** A <details> that stays open (or shut) when its panel is rebuilt after a change made in it. */
function keptOpen(ctx, key, title, children) {
  // The one being replaced says it best (its toggle event may not have fired yet).
  const old = document.querySelector(`[data-fk="${key}-summary"]`)?.parentElement;
  return h("details", { open: old ? old.open : ctx.drafts[key], ontoggle: (e) => { ctx.drafts[key] = e.target.open; } },
    h("summary", { text: title, "data-fk": `${key}-summary` }), children);
}

/**
 * A type-ahead combobox over `names`: typing filters (names starting with the text first), the
 * arrows move, Enter or a click chooses, and only a choice calls `choose(name)` (one save).
 */
function typeAhead(label, names, current, choose, fk) {
  const id = `${fk}-list`;
  const input = h("input", {
    type: "text", role: "combobox", value: current, "aria-label": label, "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": id, "data-fk": fk, autocomplete: "off", spellcheck: "false",
  });
  const list = h("ul", { role: "listbox", id, class: "combo", hidden: true, "aria-label": label });
  let shown = [];
  let active = 0;
  const mark = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    if (shown.length) input.setAttribute("aria-activedescendant", `${id}-${i}`);
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };
  const open = () => {
    const q = input.value.trim().toUpperCase();
    shown = [...names.filter((n) => n.startsWith(q)), ...names.filter((n) => !n.startsWith(q) && n.includes(q))];
    list.replaceChildren(...shown.map((n, i) => h("li", {
      role: "option", id: `${id}-${i}`, text: n, onmousedown: (e) => { e.preventDefault(); pick(n); },
    })));
    list.hidden = !shown.length;
    input.setAttribute("aria-expanded", String(shown.length > 0));
    mark(0);
  };
  const pick = (n) => {
    close();
    input.value = n;
    if (n !== current) choose(n);
  };
  input.addEventListener("input", open);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (list.hidden) open();
      else mark((active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length);
    } else if (e.key === "Enter" && !list.hidden && shown.length) pick(shown[active]);
    else if (e.key === "Escape" && !list.hidden) {
      close();
      input.value = current;
    } else return;
    e.preventDefault();
    e.stopPropagation();
  });
  input.addEventListener("blur", () => {
    close();
    input.value = current; // typing alone changes nothing
  });
  return h("div", { class: "combo-wrap" }, input, list);
}

function chips(ctx, items, remove) {
  if (!items.length) return h("p", { class: "empty", text: "none yet: point at the text" });
  return h("ul", { class: "chips" }, items.map(([role, id], i) => {
    const span = ctx.view.spans.get(id);
    const name = `${role}: ${span ? spanName(span) : id}`;
    return h("li", hover(ctx.highlight, [id]), h("span", { text: name }), h("button", {
      type: "button", text: "Remove", "aria-label": `Remove ${name}`, "data-fk": `rm-${role}-${i}`,
      onclick: () => remove(i, role, id),
    }));
  }));
}

export function eventEditor(ctx, ev, name) {
  const book = ctx.codebook;
  const type = book.event_types.find((t) => t.name === ev.type);
  const update = (patch, message) => ctx.act([{
    op: "update_event", id: ev.id, type: ev.type, attrs: ev.attrs, arguments: ev.arguments, ...patch,
  }], message);
  const setAttr = (n, value) => update({ attrs: withAttr(ev.attrs, n, value) }, `Event ${n} set`);
  const modes = type?.modes || [];
  const trigger = ctx.view.spans.get(ev.trigger);
  const typeField = typeAhead("Event type", book.event_types.map((t) => t.name), ev.type, (value) => {
    const attrs = { ...ev.attrs };
    const allowed = book.event_types.find((t) => t.name === value)?.modes || [];
    if (!allowed.includes(attrs.mode)) delete attrs.mode; // modes belong to one type
    update({ type: value, attrs }, `Event type ${value}`);
  }, "ev-type");
  const modeSelect = select("Mode", [["", modes.length ? "—" : "(no modes for this type)"], ...modes],
    ev.attrs.mode || "", (value) => setAttr("mode", value), { "data-fk": "ev-mode", disabled: !modes.length });
  const attrFields = book.event_attributes.filter((f) => f.type === "choice")
    .map((f) => choiceField(f, ev.attrs, "ev-a-", setAttr));
  const needsRecipient = type?.recipient_required && !ev.arguments.some((a) => a.role === "recipient");
  return h("div", { class: "editor", role: "group", "aria-label": "Event editor" },
    h("h3", { text: `Event ${name}: “${trigger ? trigger.text : "?"}”` }),
    field("Type", typeField), field("Mode", modeSelect),
    keptOpen(ctx, "ev-more", "More attributes", attrFields),
    h("h4", { text: "Arguments" }),
    chips(ctx, ev.arguments.map((a) => [a.role, a.span]),
      (i) => update({ arguments: ev.arguments.filter((_, j) => j !== i) }, "Argument removed")),
    needsRecipient ? h("p", { class: "warn", text: `${ev.type} needs a recipient argument.` }) : null,
    h("button", {
      type: "button", class: "danger", text: "Delete event", "data-fk": "ev-delete",
      onclick: () => {
        ctx.act([{ op: "delete_event", id: ev.id }], "Event deleted");
        ctx.select("event", null);
      },
    }));
}

export function attributionEditor(ctx, at, names) {
  const update = (patch, message) => ctx.act([{
    op: "update_attribution", id: at.id, source: at.source, cue: at.cue, content: at.content,
    parent: at.parent ?? null, attrs: at.attrs, ...patch,
  }], message);
  const banned = descendants(ctx.view, at.id);
  const parents = [...ctx.view.attributions.values()].filter((a) => !banned.has(a.id));
  const name = (id) => names.get(id)?.name;
  const parent = select("Nested in (parent attribution)",
    [["", "none: top level"], ...parents.map((a) => [a.id, atSummary(ctx, a, names)])], at.parent || "",
    (value) => update({ parent: value || null }, value ? `Nested in ${name(value)}` : "Now top level"),
    { "data-fk": "at-parent" });
  const setAttr = (n, value) => update({ attrs: withAttr(at.attrs, n, value) }, `Attribution ${n} set`);
  const attrFields = ctx.codebook.attribution.attributes.filter((f) => f.type === "choice" && !f.multiple)
    .map((f) => choiceField(f, at.attrs, "at-a-", setAttr));
  const parts = ["source", "cue", "content"].flatMap((r) => at[r].map((id) => [r, id]));
  return h("div", { class: "editor", role: "group", "aria-label": `Attribution editor ${name(at.id)}` },
    h("h3", { text: `Attribution ${name(at.id)}` }),
    chips(ctx, parts, (i, role, id) => update({ [role]: at[role].filter((s) => s !== id) }, `${role} removed`)),
    field("Nested in", parent),
    keptOpen(ctx, "at-more", "Attributes", attrFields),
    h("button", {
      type: "button", class: "danger", text: "Delete attribution", "data-fk": "at-delete",
      onclick: () => {
        ctx.act([{ op: "delete_attribution", id: at.id }], "Attribution deleted");
        ctx.select("attribution", null);
      },
    }));
}
