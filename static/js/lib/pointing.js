// Building a frame by pointing. With a frame open, a role is filled by a key or a button and a
// span: a fresh selection (made into a span with the role's label and linked in one change) or
// a click on an existing span. The bar beside the text shows the open frame, its roles and what
// the tool proposes; proposals are linked only when the coder accepts them (y). Also F2, and
// drags from a span's first letter, and deleting a span. Loaded once the coder comes to the text.

import { extraStyles, fill, h } from "./dom.js";
import { editorsReady } from "./events-panel.js";
import { frameNames, partsOf, rolesOf } from "./frames.js";
import { newId } from "./model.js";
import { cpToUtf16 } from "./offsets.js";
import { spanName } from "./render.js";

extraStyles(); // css/annotate-tools.css

const inside = (s, o) => s && o && s.paragraph === o.paragraph && o.start <= s.start && s.end <= o.end;

/** The sentence number of code point `cp` in `text` (a sentence ends at . ! ? before a space). */
function sentence(text, cp) {
  return (text.slice(0, cpToUtf16(text, cp)).match(/[.!?…]["”’)\]]*\s/g) || []).length;
}

/**
 * Proposals for the open frame `frame` ({kind, id, dismissed}): [{key, role, span} (an existing
 * span for an empty role), {key, role: "content", fresh} (a new span), {key, parent} or
 * {key, child} (nesting)]. Never a span that is part of another frame of the same kind, never one
 * from another paragraph; the nearest in the same sentence first.
 */
function proposeFor(view, book, frame, paraText) {
  const item = view[`${frame.kind}s`].get(frame.id);
  if (!item) return [];
  const spans = (ids) => ids.map((id) => view.spans.get(id)).filter(Boolean);
  const parts = partsOf(frame.kind, item);
  const anchor = view.spans.get(frame.kind === "event" ? item.trigger : (item.cue[0] || item.source[0] || item.content[0]));
  const out = [];
  if (!anchor) return out;
  const text = paraText.get(anchor.paragraph);
  const where = sentence(text, anchor.start);
  const taken = new Set();
  for (const other of view[`${frame.kind}s`].values()) {
    if (other.id !== item.id) for (const [, id] of partsOf(frame.kind, other)) taken.add(id);
  }
  const mine = new Set(parts.map(([, id]) => id));
  const filled = new Set(parts.map(([role]) => role));
  for (const { role, label } of rolesOf(book, frame.kind)) {
    if (!label || filled.has(role) || role === "recipient") continue;
    const best = [...view.spans.values()]
      .filter((s) => s.label === label && s.paragraph === anchor.paragraph && !taken.has(s.id) && !mine.has(s.id))
      .map((s) => [sentence(text, s.start) === where ? 0 : 1, Math.abs(s.start - anchor.start), s])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])[0];
    if (best) out.push({ key: `${role}:${best[2].id}`, role, span: best[2].id });
  }
  if (frame.kind === "attribution") nesting(view, item, spans, text, out);
  return out.filter((p) => !frame.dismissed?.has(p.key));
}

/** Nesting proposals: `at` inside the content of another, or another inside `at`'s content. */
function nesting(view, at, spans, text, out) {
  const holds = (outer, inner) => {
    const heads = spans([...inner.source, ...inner.cue]);
    const contents = spans(outer.content);
    return inner.cue.length && heads.length && heads.every((s) => contents.some((c) => inside(s, c)))
      ? contents.find((c) => inside(heads[0], c)) : null;
  };
  const others = [...view.attributions.values()].filter((o) => o.id !== at.id);
  let parent = null;
  if (!at.parent) {
    const host = others.map((o) => [o, holds(o, at)]).filter(([o, c]) => c && o.parent !== at.id)
      .sort((a, b) => a[1].end - a[1].start - (b[1].end - b[1].start))[0];
    if (host) {
      parent = host;
      out.push({ key: `parent:${host[0].id}`, parent: host[0].id });
    }
  }
  for (const o of others) {
    if (!o.parent && o.id !== at.parent && holds(at, o) && !parent) out.push({ key: `child:${o.id}`, child: o.id });
  }
  // Inside another's content, an attribution's own content is most often the rest of it.
  const container = parent?.[1] || (at.parent && holds(view.attributions.get(at.parent) || { content: [] }, at));
  if (!at.content.length && container && !out.some((p) => p.role === "content")) {
    const heads = spans([...at.source, ...at.cue]);
    const [from, to] = [Math.min(...heads.map((s) => s.start)), Math.max(...heads.map((s) => s.end))];
    const cps = [...text];
    const trim = (a, b) => {
      while (a < b && /[\s,;:.]/.test(cps[a])) a++;
      while (b > a && /[\s,;:.]/.test(cps[b - 1])) b--;
      return [a, b];
    };
    let [s, e] = trim(to, container.end);
    if (s >= e) [s, e] = trim(container.start, from);
    if (s < e) {
      out.push({
        key: `fresh:${s}-${e}`, role: "content",
        fresh: { paragraph: container.paragraph, start: s, end: e, text: cps.slice(s, e).join(""), label: "CONTENT", attrs: {} },
      });
    }
  }
}

/** The events and attributions that use span `spanId`, for the question before deleting it. */
function usesOfSpan(state, spanId) {
  const triggers = [...state.events.values()].filter((e) => e.trigger === spanId);
  const args = [...state.events.values()].filter((e) => e.trigger !== spanId && e.arguments.some((a) => a.span === spanId));
  const attrs = [...state.attributions.values()].filter((a) => partsOf("attribution", a).some(([, s]) => s === spanId));
  return { triggers, args, attrs };
}

let closeConfirm = null;

/** An in-page confirmation (never window.confirm: it blocks, and cannot be styled or tested). */
function confirm(text, yes, onYes) {
  const back = document.activeElement;
  const bar = document.getElementById("confirm");
  const done = (ok) => {
    bar.hidden = true;
    bar.replaceChildren();
    closeConfirm = null;
    if (ok) onYes();
    else back?.focus?.();
  };
  fill(bar, h("p", { id: "confirm-text", text }),
    h("button", { type: "button", class: "danger", text: yes, onclick: () => done(true) }),
    h("button", { type: "button", text: "Cancel", onclick: () => done(false) }));
  bar.hidden = false;
  closeConfirm = () => done(false);
  bar.querySelector("button").focus();
}

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
    // A label's key fills a role only in the frame's own paragraph: elsewhere it labels, so that
    // labelling on after a frame is done never adds to it (a role's digit or button still does).
    const anchor = ctx.view.spans.get(partsOf(ctx.frame.kind, item())[0]?.[1]);
    const node = selection && window.getSelection().anchorNode;
    const para = (node?.nodeType === 1 ? node : node?.parentElement)?.closest(".ptext")?.dataset.paragraph;
    const here = selection ? para && Number(para) : ctx.view.spans.get(focused)?.paragraph;
    if (r && r.key !== k && anchor && here !== undefined && here !== anchor.paragraph) return false;
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

  // Chromium starts no drag selection on the first letter of a focusable element, which every span
  // is: a drag that starts on a span is followed here instead (a double click stays native).
  document.getElementById("doc-text").addEventListener("mousedown", (event) => {
    const root = event.target.closest?.(".ptext");
    const at = (e) => document.caretRangeFromPoint(e.clientX, e.clientY);
    const start = root && event.target.closest(".sp") && !event.button && event.detail < 2
      && !(event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) && at(event);
    if (!start || !root.contains(start.startContainer)) return;
    event.preventDefault();
    const sel = window.getSelection();
    sel.collapse(start.startContainer, start.startOffset);
    const move = (e) => {
      const to = at(e);
      if (to && root.contains(to.startContainer)) sel.setBaseAndExtent(start.startContainer, start.startOffset, to.startContainer, to.startOffset);
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", () => window.removeEventListener("mousemove", move), { once: true });
  });

  // F2 (or F6) jumps from the text to the editor of what is open, and back to where it was.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "F2" && event.key !== "F6") return;
    event.preventDefault();
    if (!document.activeElement?.closest?.(".side")) {
      editorsReady().then(() => {
        const editor = document.getElementById(ctx.frame ? `${ctx.frame.kind}s-panel` : "span-panel");
        const target = editor.querySelector(".editor :is(input, select, button, summary)") || editor.querySelector("button, select, input, summary");
        target?.focus();
        ctx.say(target ? "In the panel: F2 goes back to the text." : "");
      });
      return;
    }
    ctx.backToText();
  });

  /** Delete span `id`, asking first when frames use it. */
  function deleteSpan(id) {
    const span = ctx.view.spans.get(id);
    if (!span) return;
    const remove = () => {
      ctx.act([{ op: "delete_span", id }], `Deleted ${spanName(span, false)} (Ctrl+Z undoes)`);
      document.querySelector(`.ptext[data-paragraph="${span.paragraph}"]`)?.focus();
    };
    const { triggers, args, attrs } = usesOfSpan(ctx.view, id);
    if (!triggers.length && !args.length && !attrs.length) return remove();
    const parts = [
      triggers.length && `it is the trigger of ${triggers.length} event(s), which will be deleted`,
      args.length && `it is an argument of ${args.length} event(s)`,
      attrs.length && `it is part of ${attrs.length} attribution(s)`,
    ].filter(Boolean);
    confirm(`Delete “${span.text}”? ${parts.join("; ")}.`, "Delete span", remove);
  }

  return {
    key, point, bar, deleteSpan, closeConfirm: () => Boolean(closeConfirm) && (closeConfirm(), true),
    propose: () => proposeFor(ctx.view, ctx.codebook, ctx.frame, ctx.paraText) };
}
