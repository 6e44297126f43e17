// The review page's paragraph text with every coder's spans drawn in it, aligned: a span that
// several coders marked alike is drawn once, solid; a span only some coders marked is dashed
// and tagged with their numbers (#1, #2); a span gold holds is tagged ✓. Each disagreement is
// flagged where it starts (⚑1, ⚑2, … as numbered beside the paragraph). Like the annotation
// page, overlapping spans are nested elements split at every boundary, and tags and flags are
// drawn by CSS, so the element's text is exactly the paragraph's text.

import { h } from "./dom.js";
import { cpToUtf16 } from "./offsets.js";

const MAX_LEVEL = 5;

/** An underline level per mark: overlapping marks get different ones, shorter ones on top. */
function levels(marks) {
  const result = new Map();
  const placed = [];
  for (const m of [...marks].sort((a, b) => a.end - a.start - (b.end - b.start) || a.start - b.start)) {
    const taken = new Set(placed.filter((p) => p.start < m.end && m.start < p.end).map((p) => result.get(p.id)));
    let level = 0;
    while (taken.has(level)) level++;
    result.set(m.id, level);
    placed.push(m);
  }
  return result;
}

/** Every span reference an aligned item or coder item holds: [{paragraph,start,end,label}]. */
export function refsOf(kind, item) {
  if (kind === "span") return [item];
  if (kind === "event") return [item.trigger, ...(item.arguments || []).map((a) => a.span)].filter(Boolean);
  return ["source", "cue", "content"].flatMap((role) => item[role] || []);
}

export const markKey = (ref) => `${ref.start}-${ref.end}-${ref.label}`;

/**
 * The marks of one paragraph: [{key, start, end, label, coders: Set(numbers), target, gold}].
 * `compared` numbers the coders (1-based, in the page's order); `goldSpans` are gold's spans.
 */
export function paragraphMarks(p, compared, goldSpans) {
  const marks = new Map();
  const add = (ref, coders, target) => {
    if (ref.paragraph !== undefined && ref.paragraph !== p.index) return;
    const key = markKey(ref);
    const mark = marks.get(key) || { key, start: ref.start, end: ref.end, label: ref.label, coders: new Set(), target: null, gold: false };
    for (const c of coders) mark.coders.add(c);
    mark.target ??= target;
    marks.set(key, mark);
  };
  const number = (coder) => compared.indexOf(coder) + 1;
  for (const item of p.spans.agreed) add(item, item.from.map((f) => number(f.coder)), item.id);
  for (const conflict of p.spans.conflicts) {
    for (const v of conflict.versions) for (const item of v.items) add(item, [number(v.coder)], conflict.id);
  }
  for (const s of goldSpans) {
    if (s.paragraph !== p.index) continue;
    add(s, [], null);
    marks.get(markKey(s)).gold = true;
  }
  return [...marks.values()];
}

function tagOf(mark, everyone) {
  const who = mark.coders.size === everyone || !mark.coders.size ? "" : ` ${[...mark.coders].sort().map((n) => `#${n}`).join("")}`;
  const gold = mark.gold ? (mark.coders.size ? " ✓" : " gold") : "";
  return `${mark.label}${who}${gold}`;
}

/**
 * Draw `text` into `el` with `marks`; `flags` is [{start, n}] (code points) for the paragraph's
 * disagreements. `colour(label)` gives a label's colour.
 */
export function drawMarks(el, text, marks, flags, everyone, colour) {
  const units = marks.map((m) => ({ ...m, id: m.key, u0: cpToUtf16(text, m.start), u1: cpToUtf16(text, m.end) }));
  const level = levels(units.map((m) => ({ id: m.id, start: m.u0, end: m.u1 })));
  const flagAt = new Map();
  const points = [...text].length;
  for (const f of flags) {
    // A disagreement over several paragraphs may start in another one: flag it at the start.
    const cp = f.start >= 0 && f.start < points ? f.start : 0;
    const u = Math.min(cpToUtf16(text, cp), Math.max(text.length - 1, 0));
    flagAt.set(u, [...(flagAt.get(u) || []), f.n]);
  }
  const cuts = [...new Set([0, text.length, ...flagAt.keys(), ...units.flatMap((m) => [m.u0, m.u1])])]
    .filter((u) => u >= 0 && u <= text.length).sort((a, b) => a - b);
  const frag = document.createDocumentFragment();
  const started = new Set();
  let deepest = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const covering = units.filter((m) => m.u0 <= a && b <= m.u1)
      .sort((x, y) => x.u0 - y.u0 || y.u1 - x.u1 || (x.id < y.id ? -1 : 1));
    let parent = frag;
    let outer = null;
    for (const m of covering) {
      const lv = Math.min(level.get(m.id), MAX_LEVEL);
      deepest = Math.max(deepest, lv);
      const shared = m.coders.size === everyone;
      const piece = h("span", {
        class: `rv-mark lvl-${lv}${shared ? "" : " rv-partial"}${m.gold ? " rv-in-gold" : ""}${b === m.u1 ? " rv-end" : ""}`,
        "data-label": m.label, "data-key": m.key, "data-target": m.target || undefined,
        "data-tag": b === m.u1 ? tagOf(m, everyone) : undefined,
      });
      piece.style.setProperty("--c", colour(m.label));
      if (!started.has(m.id)) {
        piece.classList.add("rv-start");
        started.add(m.id);
      }
      parent.append(piece);
      parent = piece;
      outer ??= piece;
    }
    if (flagAt.has(a)) {
      if (!outer) {
        outer = h("span", { class: "rv-plain" });
        parent.append(outer);
        parent = outer;
      }
      outer.dataset.flag = flagAt.get(a).map((n) => `⚑${n}`).join(" ");
      outer.classList.add("rv-flagged");
    }
    parent.append(document.createTextNode(text.slice(a, b)));
  }
  el.replaceChildren(frag);
  el.dataset.depth = String(deepest);
}
