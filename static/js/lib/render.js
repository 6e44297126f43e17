// Drawing paragraphs and their spans, as text nodes only. Overlapping spans are nested elements
// split at every span boundary, each span on one underline level across its pieces. Labels and
// frame marks are drawn by CSS, so the text stays the paragraph's (what offsets count).

import { h } from "./dom.js";
import { cpToUtf16 } from "./offsets.js";

export const MAX_LEVEL = 5;

/** Build the paragraph list; returns a Map from paragraph index to its text element. */
export function renderParagraphs(container, paragraphs, makeTools) {
  const texts = new Map();
  container.replaceChildren();
  for (const para of paragraphs) {
    const text = h("p", {
      class: "ptext", tabindex: 0, "data-paragraph": para.index, role: "group",
      "aria-label": `Paragraph ${para.index + 1}${para.boilerplate ? " (boilerplate)" : ""}`,
    }, para.text);
    texts.set(para.index, text);
    const tools = makeTools(para);
    if (para.boilerplate) {
      // Kept for completeness but collapsed and dimmed: it is excluded from exports by default.
      const preview = para.text.length > 60 ? `${para.text.slice(0, 60)}…` : para.text;
      container.append(h("details", { class: "para boilerplate", "data-para": para.index },
        h("summary", {}, h("span", { class: "para-no", text: `¶${para.index + 1} boilerplate: ` }), preview),
        tools, text));
    } else {
      container.append(h("section", { class: "para", "data-para": para.index },
        h("div", { class: "para-head" }, h("span", { class: "para-no", text: `¶${para.index + 1}` }), tools), text));
    }
  }
  return texts;
}

/** Give each span an underline level: nested and overlapping spans get different ones. */
export function levels(spans) {
  const result = new Map();
  const placed = [];
  // Shorter first, so inner spans sit on the text and outer ones below them.
  for (const s of [...spans].sort((a, b) => a.end - a.start - (b.end - b.start) || a.start - b.start)) {
    const taken = new Set(placed.filter((p) => p.start < s.end && s.start < p.end).map((p) => result.get(p.id)));
    let level = 0;
    while (taken.has(level)) level++;
    result.set(s.id, level);
    placed.push(s);
  }
  return result;
}

/**
 * Redraw one paragraph's text with its spans. `colour(label)` gives a label's colour; `marks`
 * (lib/frames.js frameMarks) puts frame chips and content brackets on the spans that are parts
 * of frames. Marks are empty elements drawn by CSS, so the text stays the paragraph's. The
 * returned Map holds each span's focusable element.
 */
export function drawParagraph(el, text, spans, colour, marks = new Map()) {
  const units = spans.map((s) => ({ ...s, u0: cpToUtf16(text, s.start), u1: cpToUtf16(text, s.end) }));
  const level = levels(units.map((s) => ({ id: s.id, start: s.u0, end: s.u1 })));
  const cuts = [...new Set([0, text.length, ...units.flatMap((s) => [s.u0, s.u1])])].sort((a, b) => a - b);
  const first = new Map(); // span id -> its first piece (where its marks go)
  const last = new Map();
  const focus = new Map(); // span id -> its focusable piece (.sp-start)
  const frag = document.createDocumentFragment();
  let deepest = 0;
  // Focusable pieces must not nest (a button inside a button is lost to screen readers): each
  // stretch of text holds at most one, given to the innermost span still without one; an outer
  // span that starts with an inner one takes a later piece of its own.
  const focusable = (piece, s) => {
    piece.classList.add("sp-start");
    piece.tabIndex = 0;
    piece.setAttribute("role", "button");
    piece.setAttribute("aria-label", `${s.sg ? "suggested " : ""}${s.label}: ${s.text}`);
    focus.set(s.id, piece);
  };
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    // Outer spans (starting earlier, ending later) wrap inner ones.
    const covering = units.filter((s) => s.u0 <= a && b <= s.u1)
      .sort((x, y) => x.u0 - y.u0 || y.u1 - x.u1 || (x.id < y.id ? -1 : 1));
    const pick = /\S/.test(text.slice(a, b)) ? covering.filter((s) => !focus.has(s.id)).pop() : null; // not a mere space
    let parent = frag;
    for (const s of covering) {
      const lv = Math.min(level.get(s.id), MAX_LEVEL);
      deepest = Math.max(deepest, lv);
      const piece = h("span", {
        class: `sp lvl-${lv}${b === s.u1 ? " sp-end" : ""}`, "data-label": s.label,
        [s.sg ? "data-sg" : "data-span-id"]: s.id, // a suggestion is not one of the coder's spans
      });
      piece.style.setProperty("--c", colour(s.label));
      if (!first.has(s.id)) first.set(s.id, piece);
      if (s === pick) focusable(piece, s);
      const on = marks.get(s.id)?.on;
      if (on) {
        piece.classList.add("on");
        piece.style.setProperty("--fc", on);
      }
      last.set(s.id, piece);
      parent.append(piece);
      parent = piece;
    }
    parent.append(document.createTextNode(text.slice(a, b)));
  }
  // Two spans over the very same text: the outer one has no piece of its own left.
  for (const s of units) if (!focus.has(s.id)) focusable(first.get(s.id), s);
  for (const [id, { marks: list }] of marks) {
    const made = (kind) => list.filter((m) => m.kind === kind).map((m) => {
      const mark = h("i", { class: `fm ${kind}${m.pr ? " pr" : ""}`, "data-t": m.t, "aria-hidden": "true" });
      mark.style.setProperty("--fc", m.c);
      return mark;
    });
    first.get(id)?.prepend(...made("open"), ...made("chip"));
    last.get(id)?.append(...made("close"));
    const said = list.filter((m) => m.kind !== "close").map((m) => m.t.replace("[", " content"));
    if (said.length) focus.get(id)?.setAttribute("aria-description", said.join(", "));
  }
  el.replaceChildren(frag);
  el.dataset.depth = String(deepest);
  return focus;
}

/** Short text for a span in lists and selects. */
export function spanName(span, withParagraph = true) {
  const text = span.text.length > 40 ? `${span.text.slice(0, 40)}…` : span.text;
  return `${span.label}: ${text}${withParagraph ? ` (¶${span.paragraph + 1})` : ""}`;
}
