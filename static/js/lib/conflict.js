// A save that met a newer version (409: the layer was changed in another tab or on another
// device). Changes that touch other items than the ones changed elsewhere are rebased: put on
// top of the saved version and sent again, without asking. Only a true conflict asks: an item
// (span, event or attribution) changed both here and elsewhere, or a change that needs an item
// deleted elsewhere. Then both sides are shown and nothing is overwritten until the coder
// chooses. Loaded only when a 409 happens.

import { fill, h } from "./dom.js";
import { applyOp, clone, fromLayer } from "./model.js";
import { spanName } from "./render.js";
import { changes } from "./status.js";

const KINDS = ["spans", "events", "attributions"];
const ROLES = ["source", "cue", "content"];
// What makes an item what it is; anything else the API adds (ids, texts, names) is left out.
const FIELDS = {
  spans: ["paragraph", "start", "end", "label", "attrs"],
  events: ["trigger", "type", "attrs", "arguments"],
  attributions: [...ROLES, "parent", "attrs"],
};

/** JSON with sorted keys, so that equal items compare equal whatever their key order. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

const essence = (kind, item) => canonical(Object.fromEntries(FIELDS[kind].map((f) => [f, item[f] ?? null])));

/** The ids of the items the saved version added, changed or deleted since `before`. */
export function changedElsewhere(before, saved) {
  return Object.fromEntries(KINDS.map((kind) => {
    const ids = new Set();
    for (const [id, item] of saved[kind]) {
      if (!before[kind].has(id) || essence(kind, before[kind].get(id)) !== essence(kind, item)) ids.add(id);
    }
    for (const id of before[kind].keys()) if (!saved[kind].has(id)) ids.add(id);
    return [kind, ids];
  }));
}

const spanRefs = (op) => {
  if (op.op === "add_event") return [op.event.trigger, ...op.event.arguments.map((a) => a.span)];
  if (op.op === "update_event") return (op.arguments || []).map((a) => a.span);
  const at = op.op === "add_attribution" ? op.attribution : op.op === "update_attribution" ? op : null;
  return at ? ROLES.flatMap((r) => at[r] || []) : [];
};

/**
 * The true conflicts of rebasing `ops` (this page's unsaved changes, made on `before`) onto
 * `saved`: [{kind, id, why}]. Empty when every change can go on top of the saved version.
 */
export function clashes(before, saved, ops) {
  const elsewhere = changedElsewhere(before, saved);
  const state = clone(saved); // the saved version with our changes so far
  const found = [];
  const clash = (kind, id, why) => found.push({ kind, id, why });
  const ours = (kind, id) => elsewhere[kind].has(id);
  for (const op of ops) {
    const [verb, noun] = String(op.op).split("_");
    const kind = `${noun}s`;
    if (!FIELDS[kind]) {
      clash("spans", "", `unknown change ${op.op}`);
      continue;
    }
    const id = verb === "add" ? op[noun].id : op.id;
    if (verb === "add" && state[kind].has(id)) clash(kind, id, "added twice");
    else if (verb !== "add" && ours(kind, id)) clash(kind, id, "changed both here and elsewhere");
    else if (verb !== "add" && !state[kind].has(id)) clash(kind, id, "deleted elsewhere");
    if (op.op === "add_span") {
      const s = op.span;
      const twin = [...state.spans.values()].find((o) => o.paragraph === s.paragraph && o.start === s.start
        && o.end === s.end && o.label === s.label);
      if (twin) clash("spans", twin.id, "marked both here and elsewhere");
    }
    for (const ref of spanRefs(op)) if (!state.spans.has(ref)) clash("spans", ref, "deleted elsewhere");
    const parent = op.attribution?.parent ?? op.parent;
    if (parent && !state.attributions.has(parent)) clash("attributions", parent, "deleted elsewhere");
    // A deletion also changes what points at the item: those must not have changed elsewhere.
    if (op.op === "delete_span") {
      for (const ev of state.events.values()) {
        if ((ev.trigger === id || ev.arguments.some((a) => a.span === id)) && ours("events", ev.id)) {
          clash("events", ev.id, "changed elsewhere, and uses a span deleted here");
        }
      }
      for (const at of state.attributions.values()) {
        if (ROLES.some((r) => at[r].includes(id)) && ours("attributions", at.id)) {
          clash("attributions", at.id, "changed elsewhere, and uses a span deleted here");
        }
      }
    }
    if (op.op === "delete_attribution") {
      for (const at of state.attributions.values()) {
        if (at.parent === id && ours("attributions", at.id)) clash("attributions", at.id, "changed elsewhere, and nested in one deleted here");
      }
    }
    applyOp(state, op);
  }
  return found;
}

function describeOp(op, view) {
  const span = (id) => (view.spans.get(id) ? spanName(view.spans.get(id)) : "a span");
  switch (op.op) {
    case "add_span": return `add ${spanName(op.span)}`;
    case "update_span": return `change ${span(op.id)}`;
    case "delete_span": return `delete a span`;
    case "add_event": return `add event ${op.event.type} on ${span(op.event.trigger)}`;
    case "update_event": return `change event ${op.type || ""}`;
    case "delete_event": return "delete an event";
    case "add_attribution": return "add an attribution";
    case "update_attribution": return "change an attribution";
    case "delete_attribution": return "delete an attribution";
    default: return op.op;
  }
}

function describeClash({ kind, id, why }, states) {
  const item = states.map((s) => s[kind].get(id)).find(Boolean);
  const name = kind === "spans" && item ? spanName(item) : `${kind.slice(0, -1)}${item?.type ? ` ${item.type}` : ""}`;
  return `${name}: ${why}`;
}

/** What the saved version has that this page did not know, next to the page's unsaved changes. */
function describeConflict({ message, server, confirmed, pending, view, version, found }) {
  const added = [...server.spans.values()].filter((s) => !confirmed.spans.has(s.id));
  const removed = [...confirmed.spans.values()].filter((s) => !server.spans.has(s.id));
  const theirs = [
    ...added.map((s) => `added ${spanName(s)}`),
    ...removed.map((s) => `removed ${spanName(s)}`),
    `${server.events.size} event(s) and ${server.attributions.size} attribution(s) in all`,
  ];
  const both = [...new Map(found.map((c) => [`${c.kind}:${c.id}`, c])).values()];
  return [
    h("h2", { id: "conflict-title", tabindex: -1, text: "This document was changed elsewhere" }),
    h("p", { text: `${message || ""} Nothing was overwritten: your ${changes(pending.length)} were not applied and are still kept on this computer.` }),
    h("p", { text: "Changed on both sides:" }),
    h("ul", { class: "conflict-both" }, both.map((c) => h("li", { text: describeClash(c, [view, server, confirmed]) }))),
    h("div", { class: "conflict-cols" },
      h("section", {}, h("h3", { text: `Saved version (version ${version})` }),
        h("ul", {}, theirs.map((t) => h("li", { text: t })))),
      h("section", {}, h("h3", { text: "Your unsaved changes" }),
        h("ul", {}, pending.map((op) => h("li", { text: describeOp(op, view) }))))),
  ];
}

/**
 * Handle a 409. `current` is the saved layer. When the unsaved changes touch only items not
 * changed elsewhere, carry on at once (`resolve(true, server, version)`: they are sent again on
 * top of the saved version) and return true. Otherwise show both sides in `box`, take focus, and
 * call `resolve(keepMine, server, version)` once the coder chose; return false.
 */
export function showConflict(box, { current, message, confirmed, pending, view }, resolve) {
  const server = fromLayer(current);
  const version = current.layer.version;
  const found = clashes(confirmed, server, pending);
  if (!found.length) {
    resolve(true, server, version);
    return true;
  }
  const done = (keepMine) => {
    box.hidden = true;
    box.replaceChildren();
    resolve(keepMine, server, version);
  };
  fill(box, describeConflict({ message, server, confirmed, pending, view, version, found }),
    h("div", { class: "buttons" },
      h("button", { type: "button", text: "Apply my changes to the saved version", onclick: () => done(true) }),
      h("button", { type: "button", class: "danger", text: "Discard my changes and load the saved version", onclick: () => done(false) })));
  box.hidden = false;
  box.querySelector("h2").focus();
  return false;
}
