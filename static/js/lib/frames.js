// Frames (events and attributions) as the text shows them and as the coder builds them by
// pointing: each frame's name and colour, its roles and the label a fresh span gets in each, the
// marks drawn on its parts, and what the tool proposes for its empty roles. Proposals are only
// shown: nothing is linked until the coder accepts.

import { cpToUtf16 } from "./offsets.js";

// Dark enough for white text (at least 4.5:1) and told apart from one another.
const COLOURS = ["#1e4e8c", "#9b2c2c", "#22543d", "#6b21a8", "#8a3b00", "#0f5f5a", "#9d174d", "#374151"];
const ROLE_LABEL = {
  source: "SOURCE", cue: "CUE", content: "CONTENT", actor: "ACTOR", recipient: "ACTOR", location: "LOCATION", time: "TIME",
};
const SHORT = { source: "src", cue: "cue", trigger: "" };
const AT_ROLES = ["source", "cue", "content"];

/** The roles of a frame kind: [{role, label (a fresh span's, or null), key (a digit)}]. */
export function rolesOf(book, kind) {
  const labels = new Set(book.span_labels.map((l) => l.name));
  return (kind === "attribution" ? AT_ROLES : book.argument_roles)
    .map((role, i) => ({ role, label: labels.has(ROLE_LABEL[role]) ? ROLE_LABEL[role] : null, key: String(i + 1) }));
}

/** "E1" / "A2" and a colour for every frame, by creation order (as the panels list them). */
export function frameNames(view) {
  const names = new Map();
  [...view.events.keys()].forEach((id, i) => names.set(id, { name: `E${i + 1}`, colour: COLOURS[(i + 4) % 8] }));
  [...view.attributions.keys()].forEach((id, i) => names.set(id, { name: `A${i + 1}`, colour: COLOURS[i % 8] }));
  return names;
}

/** [role, spanId] pairs of a frame; an event's trigger has role "trigger". */
export function partsOf(kind, frame) {
  return kind === "event" ? [["trigger", frame.trigger], ...frame.arguments.map((a) => [a.role, a.span])]
    : AT_ROLES.flatMap((r) => frame[r].map((id) => [r, id]));
}

/**
 * What to draw on each span: Map spanId -> {marks: [{t, c, kind: "chip"|"open"|"close", pr}], on}.
 * `focus` ({kind, id}) is the frame whose parts are highlighted; `proposals` are drawn dashed.
 */
export function frameMarks(view, focus, proposals = []) {
  const names = frameNames(view);
  const out = new Map();
  const at = (id) => out.get(id) || out.set(id, { marks: [], on: null }).get(id);
  const add = (kind, frame) => {
    const { name, colour: c } = names.get(frame.id);
    const parent = kind === "attribution" && frame.parent && names.get(frame.parent)?.name;
    const on = focus?.id === frame.id;
    for (const [role, id] of partsOf(kind, frame)) {
      if (!view.spans.has(id)) continue;
      const entry = at(id);
      if (on) entry.on = c;
      if (role === "content") {
        entry.marks.push({ t: `${parent ? `${parent}›` : ""}${name}[`, c, kind: "open" }, { t: `]${name}`, c, kind: "close" });
      } else {
        const short = SHORT[role] ?? role;
        entry.marks.push({ t: short ? `${name}·${short}` : name, c, kind: "chip" });
      }
    }
  };
  for (const ev of view.events.values()) add("event", ev);
  for (const a of view.attributions.values()) add("attribution", a);
  const colour = focus && names.get(focus.id)?.colour;
  for (const p of proposals) {
    if (p.span && view.spans.has(p.span)) at(p.span).marks.push({ t: `${names.get(focus.id)?.name}·${SHORT[p.role] ?? p.role}?`, c: colour, kind: "chip", pr: true });
  }
  return out;
}

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
export function proposeFor(view, book, frame, paraText) {
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
