// The events panel: the events (named and coloured as the text marks them) and the editor of
// the open one, from lib/frame-editor.js once first needed.

import { h, hover } from "./dom.js";
import { frameNames } from "./frames.js";

let editors = null; // lib/frame-editor.js, once loaded
let loading = null;

/** Resolves once lib/frame-editor.js is there (and the panels drawn with it). */
export const editorsReady = () => loading || Promise.resolve();

/** The editor of `kind` for `item` (a placeholder until lib/frame-editor.js is there). */
export function editorFor(ctx, kind, item, names) {
  if (editors) return editors[`${kind}Editor`](ctx, item, names);
  loading ??= import("./frame-editor.js").then((m) => { editors = m; });
  const slot = h("p", { class: "hint", text: "Loading the editor…" });
  loading.then(() => ctx.refresh(), () => {
    loading = null;
    slot.textContent = "The editor cannot be loaded: the server cannot be reached.";
  });
  return slot;
}

/** A list button that opens a frame, with its name on a chip of its colour. */
export function frameItem(ctx, kind, item, names, text, spanIds) {
  const { name, colour } = names.get(item.id);
  const chip = h("i", { class: "fm chip", "data-t": name, "aria-hidden": "true" });
  chip.style.setProperty("--fc", colour);
  return h("button", {
    type: "button", class: "item", "data-fk": `${kind}-${item.id}`, "aria-pressed": String(ctx.frame?.id === item.id),
    "aria-description": name, onclick: () => ctx.select(kind, item.id), ...hover(ctx.highlight, spanIds),
  }, chip, text);
}

function eventTitle(ctx, ev) {
  const trigger = ctx.view.spans.get(ev.trigger);
  const mode = ev.attrs?.mode ? `/${ev.attrs.mode}` : "";
  const n = ev.arguments.length;
  return `${ev.type}${mode}: ${trigger ? trigger.text : "(no trigger)"} — ${n} argument${n === 1 ? "" : "s"}`;
}

export function eventsPanel(ctx) {
  const names = frameNames(ctx.view);
  const events = [...ctx.view.events.values()];
  const list = events.length
    ? h("ul", { class: "items" }, events.map((ev) => h("li", {},
      frameItem(ctx, "event", ev, names, eventTitle(ctx, ev), [ev.trigger, ...ev.arguments.map((a) => a.span)]))))
    : h("p", { class: "empty", text: "No events yet: select a trigger and press n." });
  const current = ctx.view.events.get(ctx.selected.event);
  return [
    h("h2", { text: "Events" }),
    list,
    current ? editorFor(ctx, "event", current, names.get(current.id).name) : null,
  ];
}
