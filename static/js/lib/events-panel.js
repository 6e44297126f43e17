// The events panel: the list of events and the editor of the chosen one (type, mode, attributes
// and arguments by role, each pointing at a span picked from a list). Every edit is one
// update_event with the whole event, so undo and retries never merge half-edits.

import { choiceField, withAttr } from "./attr-fields.js";
import { field, h, hover, select } from "./dom.js";
import { orderedSpans } from "./model.js";
import { spanName } from "./render.js";

function eventTitle(ctx, ev) {
  const trigger = ctx.view.spans.get(ev.trigger);
  const mode = ev.attrs?.mode ? `/${ev.attrs.mode}` : "";
  const n = ev.arguments.length;
  return `${ev.type}${mode}: ${trigger ? trigger.text : "(no trigger)"} — ${n} argument${n === 1 ? "" : "s"}`;
}

const spanIds = (ev) => [ev.trigger, ...ev.arguments.map((a) => a.span)];

export function eventsPanel(ctx) {
  const events = [...ctx.view.events.values()];
  const list = events.length
    ? h("ul", { class: "items" }, events.map((ev) => h("li", {},
      h("button", {
        type: "button", class: "item", "data-fk": `ev-${ev.id}`,
        "aria-pressed": String(ctx.selected.event === ev.id),
        onclick: () => ctx.select("event", ev.id, "ev-type"),
        ...hover(ctx.highlight, spanIds(ev)),
      }, eventTitle(ctx, ev)))))
    : h("p", { class: "empty", text: "No events yet: focus an EVENT span and press n." });
  const current = ctx.view.events.get(ctx.selected.event);
  return [
    h("h2", { text: "Events" }),
    h("button", {
      type: "button", "data-fk": "ev-new", text: "New event from the current span (n)",
      onclick: () => ctx.newEvent(ctx.selected.span),
    }),
    list,
    current ? eventEditor(ctx, current) : null,
  ];
}

function eventEditor(ctx, ev) {
  const book = ctx.codebook;
  const type = book.event_types.find((t) => t.name === ev.type);
  const update = (patch, message) => ctx.act([{
    op: "update_event", id: ev.id, type: ev.type, attrs: ev.attrs, arguments: ev.arguments, ...patch,
  }], message);
  const setAttr = (name, value) => update({ attrs: withAttr(ev.attrs, name, value) }, `Event ${name} set`);
  const modes = type?.modes || [];
  const trigger = ctx.view.spans.get(ev.trigger);

  const typeSelect = select("Event type", book.event_types.map((t) => t.name), ev.type, (value) => {
    const attrs = { ...ev.attrs };
    const allowed = book.event_types.find((t) => t.name === value)?.modes || [];
    if (!allowed.includes(attrs.mode)) delete attrs.mode; // modes belong to one type
    update({ type: value, attrs }, `Event type ${value}`);
  }, { "data-fk": "ev-type" });
  const modeSelect = select("Mode", [["", modes.length ? "—" : "(no modes for this type)"], ...modes],
    ev.attrs.mode || "", (value) => setAttr("mode", value), { "data-fk": "ev-mode", disabled: !modes.length });

  const attrFields = book.event_attributes.filter((f) => f.type === "choice")
    .map((f) => choiceField(f, ev.attrs, "ev-a-", setAttr));

  const needsRecipient = type?.recipient_required && !ev.arguments.some((a) => a.role === "recipient");
  return h("div", { class: "editor", role: "group", "aria-label": "Event editor" },
    h("h3", { text: `Event: “${trigger ? trigger.text : "?"}”` }),
    field("Type", typeSelect), field("Mode", modeSelect),
    h("details", {}, h("summary", { text: "More attributes" }), attrFields),
    h("h4", { text: "Arguments" }),
    argumentList(ctx, ev, update),
    needsRecipient ? h("p", { class: "warn", text: `${ev.type} needs a recipient argument.` }) : null,
    addArgument(ctx, ev, update),
    h("button", {
      type: "button", class: "danger", text: "Delete event", "data-fk": "ev-delete",
      onclick: () => {
        ctx.act([{ op: "delete_event", id: ev.id }], "Event deleted");
        ctx.select("event", null, "ev-new");
      },
    }));
}

function argumentList(ctx, ev, update) {
  if (!ev.arguments.length) return h("p", { class: "empty", text: "No arguments yet." });
  return h("ul", { class: "chips" }, ev.arguments.map((arg, i) => {
    const span = ctx.view.spans.get(arg.span);
    const name = span ? spanName(span) : arg.span;
    return h("li", hover(ctx.highlight, [arg.span]),
      h("span", { text: `${arg.role}: ${name}` }),
      h("button", {
        type: "button", text: "Remove", "aria-label": `Remove argument ${arg.role} ${name}`, "data-fk": `ev-rm-${i}`,
        onclick: () => update({ arguments: ev.arguments.filter((_, j) => j !== i) }, "Argument removed"),
      }));
  }));
}

function addArgument(ctx, ev, update) {
  const draft = ctx.drafts;
  const candidates = orderedSpans(ctx.view).filter((s) => s.id !== ev.trigger);
  if (!candidates.length) return h("p", { class: "empty", text: "Label the participants as spans first." });
  const role = select("Argument role", ctx.codebook.argument_roles, draft.argRole, (v) => { draft.argRole = v; },
    { "data-fk": "ev-arg-role" });
  const target = select("Argument span", candidates.map((s) => [s.id, spanName(s)]), draft.argSpan,
    (v) => { draft.argSpan = v; ctx.flash([v]); }, { "data-fk": "ev-arg-span" });
  target.addEventListener("focus", () => ctx.flash([target.value]));
  return h("div", { class: "add-row" },
    field("Role", role), field("Span", target),
    h("button", {
      type: "button", text: "Add argument", "data-fk": "ev-arg-add",
      onclick: () => {
        const arg = { role: role.value, span: target.value };
        draft.argRole = arg.role;
        if (ev.arguments.some((a) => a.role === arg.role && a.span === arg.span)) {
          ctx.say("That argument is already there.");
          return;
        }
        update({ arguments: [...ev.arguments, arg] }, `Argument ${arg.role} added`);
      },
    }));
}
