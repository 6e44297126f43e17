// Building a frame by pointing. With a frame open, a role is filled by a key or a button and a
// span: a fresh selection (made into a span with the role's label and linked in one change) or
// a click on an existing span. The bar above the text shows the open frame, its roles and what
// the tool proposes; proposals are linked only when the coder accepts them (y).

import { h } from "./dom.js";
import { frameNames, partsOf, rolesOf } from "./frames.js";
import { newId } from "./model.js";

/** The whole-item update operation for an event or attribution. */
function updateOp(kind, it) {
  return kind === "event"
    ? { op: "update_event", id: it.id, type: it.type, attrs: it.attrs, arguments: it.arguments }
    : { op: "update_attribution", id: it.id, source: it.source, cue: it.cue, content: it.content, parent: it.parent ?? null, attrs: it.attrs };
}

/** `it` with span `id` in `role`, or null when it is there already (or is the event's trigger). */
function withPart(kind, it, role, id) {
  if (kind === "event") {
    if (id === it.trigger || it.arguments.some((a) => a.role === role && a.span === id)) return null;
    return { ...it, arguments: [...it.arguments, { role, span: id }] };
  }
  return it[role].includes(id) ? null : { ...it, [role]: [...it[role], id] };
}

/**
 * The pointing commands for page context `ctx` (ctx.frame is {kind, id, armed, dismissed} or
 * null; ctx.selectedSpan(label) turns the text selection into a span, or says why not).
 */
export function pointing(ctx) {
  const item = () => ctx.frame && ctx.view[`${ctx.frame.kind}s`].get(ctx.frame.id);
  const roles = () => rolesOf(ctx.codebook, ctx.frame.kind);
  const labelKey = (label) => ctx.codebook.span_labels.find((l) => l.name === label)?.key?.toLowerCase();
  const name = () => frameNames(ctx.view).get(ctx.frame.id)?.name;

  function put(role, span, fresh) {
    const { kind } = ctx.frame;
    const next = withPart(kind, item(), role, span.id);
    if (!next) return ctx.say(`“${span.text}” is already in ${name()}.`);
    ctx.frame.armed = null;
    ctx.act([...(fresh ? [{ op: "add_span", span }] : []), updateOp(kind, next)], `${name()} ${role}: “${span.text}”`);
    if (fresh) ctx.focusSpan(span.id);
  }

  /** Fill `r` ({role, label}) from the selection (a new span unless the same one exists). */
  function fromSelection(r) {
    if (!r.label) return ctx.say(`A ${r.role} has no label of its own: label the text first, then point at it.`);
    const span = ctx.selectedSpan(r.label);
    if (span) put(r.role, span, !ctx.view.spans.has(span.id));
  }

  function arm(role) {
    ctx.frame.armed = ctx.frame.armed === role ? null : role;
    ctx.refresh();
    if (ctx.frame.armed) ctx.say(`Pointing at the ${role} of ${name()}: click a span or select text (Escape cancels).`);
  }

  /** Apply every shown proposal of the open frame as one change. */
  function accept() {
    const { kind } = ctx.frame;
    let it = item();
    const ops = [];
    for (const p of ctx.proposals) {
      if (p.child) ops.push(updateOp(kind, { ...ctx.view.attributions.get(p.child), parent: it.id }));
      else if (p.parent) it = { ...it, parent: p.parent };
      else {
        let id = p.span;
        if (p.fresh) {
          const same = [...ctx.view.spans.values()].find((s) => s.label === p.fresh.label && s.paragraph === p.fresh.paragraph
            && s.start === p.fresh.start && s.end === p.fresh.end);
          id = same?.id || newId("s");
          if (!same) ops.push({ op: "add_span", span: { ...p.fresh, id } });
        }
        it = withPart(kind, it, p.role, id) || it;
      }
    }
    ctx.act([...ops, updateOp(kind, it)], `Accepted ${ctx.proposals.length} proposal(s) for ${name()}.`);
  }

  function dismiss() {
    for (const p of ctx.proposals) ctx.frame.dismissed.add(p.key);
    ctx.refresh();
    ctx.say("Proposals dismissed.");
  }

  /**
   * A key with a frame open: y / x accept or dismiss the proposals; a role's digit or its
   * label's key fills it from the selection, links the focused span, or else waits for a
   * pointer; Enter fills the waiting role. False when the key is not the frame's.
   */
  function key(k, { selection, focused }) {
    if (!item()) return false;
    if (k === "y" || k === "x") {
      if (!ctx.proposals.length) return false;
      (k === "y" ? accept : dismiss)();
      return true;
    }
    const inFrame = (id) => partsOf(ctx.frame.kind, item()).some(([, s]) => s === id);
    let r = roles().find((x) => x.key === k || (x.label && labelKey(x.label) === k.toLowerCase()));
    if (k === "Enter" && ctx.frame.armed) r = roles().find((x) => x.role === ctx.frame.armed);
    else if (k === "Enter") return false;
    if (!r) return false;
    if (selection) fromSelection(r);
    else if (focused && !inFrame(focused)) put(r.role, ctx.view.spans.get(focused), false);
    else if (k !== "Enter") arm(r.role);
    else return false;
    return true;
  }

  /** A click on span `id` or a mouse selection, with a role waiting: true when it was used. */
  function point(id, selection) {
    const role = item() && ctx.frame.armed;
    if (!role) return false;
    if (selection) fromSelection(roles().find((x) => x.role === role));
    else put(role, ctx.view.spans.get(id), false);
    return true;
  }

  /** The bar above the text: the open frame, its roles as buttons, proposals, close. */
  function bar() {
    const it = item();
    if (!it) return [];
    const { kind, armed } = ctx.frame;
    const { name: n, colour } = frameNames(ctx.view).get(it.id);
    const chip = h("i", { class: "fm chip", "data-t": n, "aria-hidden": "true" });
    chip.style.setProperty("--fc", colour);
    const parts = partsOf(kind, it);
    const text = (id) => ctx.view.spans.get(id)?.text || "?";
    const keep = { onmousedown: (e) => e.preventDefault() }; // the selection and focus stay in the text
    const button = (props, ...children) => h("button", { type: "button", ...keep, ...props }, ...children);
    const describe = (p) => {
      if (p.child) return `nest ${frameNames(ctx.view).get(p.child).name} inside ${n}`;
      if (p.parent) return `nest ${n} inside ${frameNames(ctx.view).get(p.parent).name}`;
      return `${p.role}: “${p.fresh ? p.fresh.text : text(p.span)}”${p.fresh ? " (new span)" : ""}`;
    };
    return [
      h("span", { class: "frame-name" }, chip, kind === "event" ? `Event on “${text(it.trigger)}”` : "Attribution"),
      h("span", { class: "roles", role: "group", "aria-label": "Roles" }, roles().map((r) => {
        const filled = parts.filter(([role]) => role === r.role).map(([, id]) => text(id));
        const lk = r.label && roles().find((x) => x.label === r.label) === r && labelKey(r.label);
        return button({
          class: "role", "data-role": r.role, "aria-pressed": String(armed === r.role),
          "aria-keyshortcuts": lk ? `${r.key} ${lk}` : r.key,
          onclick: () => (window.getSelection().isCollapsed ? arm(r.role) : fromSelection(r)),
        }, h("kbd", { text: lk || r.key }), ` ${r.role}`, filled.length ? `: ${filled.join(", ")}` : "");
      })),
      ctx.proposals.length ? h("span", { class: "proposals" },
        h("span", { text: `Proposed: ${ctx.proposals.map(describe).join("; ")}` }),
        button({ "data-fk": "pr-accept", onclick: accept }, "Accept ", h("kbd", { text: "y" })),
        button({ "data-fk": "pr-dismiss", onclick: dismiss }, "Dismiss ", h("kbd", { text: "x" }))) : null,
      button({ class: "small", onclick: () => ctx.openFrame(null) }, "Close ", h("kbd", { text: "Esc" })),
      h("span", { class: "hint" }, armed ? `Now click a span or select text for the ${armed}.`
        : "Select text and press a role's key, or press the key (or button) and then click a span."),
    ];
  }

  return { key, point, bar, accept };
}
