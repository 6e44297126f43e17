// Drawing the review page. Each paragraph is a row: its text with every coder's spans drawn in it
// (lib/review-text.js) beside what there is to decide there: the disagreements, flagged ⚑1, ⚑2…
// at their place in the text, each a card with every coder's version; and the agreed items, one
// compact chip each, whose actions sit in one bar under them. Cards and chips are focusable
// items carrying data-id and data-state. Text only ever goes in through h() as text nodes.
// `ctx` has colours and the actions the buttons call: accept(item), choose(conflict, index),
// edit(target), reject(target), note(target).

import { fill, h } from "./dom.js";
import { sliceCp } from "./offsets.js";
import {
  decisionText, differenceText, itemText, labelChip, provenanceText, quote, stateBadge,
} from "./review-describe.js";
import { drawMarks, markKey, paragraphMarks, refsOf } from "./review-text.js";

/** The marks (data-key) an item stands on in paragraph `index`, for highlighting them. */
const keysIn = (index, kind, items) => [...new Set(items.flatMap((item) => refsOf(kind, item))
  .filter((r) => r.paragraph === undefined || r.paragraph === index).map(markKey))].join(" ");

const KINDS = [["spans", "span"], ["events", "event"], ["attributions", "attribution"]];
const STATE_MARK = { open: "○", gold: "✓", decided: "✓", rejected: "✗" };

/** Fill the coders line: each compared coder with the number key that takes their version. */
export function renderCoders(root, review) {
  const compared = review.compared;
  const rows = review.coders.map((c) => {
    const n = compared.indexOf(c.name);
    const status = c.status ? { assigned: "to do", in_progress: "in progress", done: "done" }[c.status] : "not assigned";
    const why = c.compared ? "" : " (not compared: nothing annotated and not marked done)";
    return h("li", {}, n >= 0 ? h("kbd", { text: String(n + 1) }) : "", ` #${n + 1 || "–"} ${c.name}: ${status}, ${c.items} items${why}`);
  });
  fill(root, h("h2", { id: "coders-title", text: "Coders" }),
    rows.length ? h("ul", { class: "rv-coder-list" }, rows) : h("p", { class: "hint", text: "No coder has annotated this document yet." }),
    h("p", { class: "hint rv-legend" }, "In the text: ", h("span", { class: "rv-key rv-key-solid", text: "solid" }),
      " every coder marked it; ", h("span", { class: "rv-key rv-key-dashed", text: "dashed" }),
      " only the coders tagged #n; ✓ gold holds it; ⚑n a disagreement, decided in card n beside the paragraph."));
}

/** Every paragraph; runs of boilerplate paragraphs with nothing marked fold into one block. */
export function paragraphRows(review, ctx) {
  const rows = [];
  let folded = [];
  const fold = () => {
    if (!folded.length) return;
    const first = folded[0].index + 1;
    const last = folded[folded.length - 1].index + 1;
    const range = first === last ? `¶${first}` : `¶${first}–${last}`;
    rows.push(h("details", { class: "rv-boilerplate" },
      h("summary", { text: `${range}: ${folded.length} boilerplate paragraph${folded.length === 1 ? "" : "s"}, nothing marked` }),
      folded.map((p) => h("div", { class: "rv-folded" }, h("span", { class: "rv-no", text: `¶${p.index + 1}` }),
        h("p", { class: "rv-text", "data-paragraph": p.index, text: p.text })))));
    folded = [];
  };
  for (const p of review.paragraphs) {
    if (p.boilerplate && !KINDS.some(([plural]) => p[plural].agreed.length || p[plural].conflicts.length)) {
      folded.push(p);
      continue;
    }
    fold();
    rows.push(paragraphSection(p, review, ctx));
  }
  fold();
  return rows;
}

/** One paragraph: its text with the coders' spans, and beside it what there is to decide. */
export function paragraphSection(p, review, ctx) {
  const conflicts = KINDS.flatMap(([plural, kind]) => p[plural].conflicts.map((c) => [kind, c]))
    .sort(([, a], [, b]) => a.start - b.start || a.end - b.end);
  const agreed = KINDS.flatMap(([plural, kind]) => p[plural].agreed.map((item) => [kind, item]));
  const text = h("p", { class: "rv-text", "data-paragraph": p.index });
  const marks = paragraphMarks(p, review.compared, review.gold.spans);
  const flags = conflicts.map(([, c], i) => ({ start: c.paragraph === p.index ? c.start : 0, n: i + 1 }));
  try {
    drawMarks(text, p.text, marks, flags, review.compared.length, (label) => ctx.colours.get(label) || "#4a5568");
  } catch (error) {
    fill(text, p.text);
    ctx.say?.(`Paragraph ${p.index + 1}: some spans do not fit its text (${error.message}).`);
  }
  const side = [
    conflicts.length ? h("ul", { class: "rv-items", "aria-label": `Paragraph ${p.index + 1}: disagreements` },
      conflicts.map(([kind, c], i) => conflictItem(kind, c, p, i + 1, ctx))) : "",
    agreed.length ? agreedBlock(p, agreed, ctx) : "",
    conflicts.length || agreed.length ? "" : h("p", { class: "hint", text: "No coder marked anything here." }),
    goldList(p.index, review),
  ];
  const heading = `¶${p.index + 1}${p.boilerplate ? " (boilerplate)" : ""}`;
  return h("section", { class: `rv-para${p.boilerplate ? " rv-dim" : ""}`, "data-para": p.index, "aria-label": `Paragraph ${p.index + 1}` },
    h("div", { class: "rv-textcol" }, h("h2", { class: "rv-no", text: heading }), text),
    h("div", { class: "rv-side" }, side));
}

function actions(buttons) {
  return h("div", { class: "rv-actions" }, buttons.map(([text, key, onclick]) =>
    h("button", { type: "button", class: "rv-button", onclick, "aria-keyshortcuts": key }, `${text} `, h("kbd", { text: key }))));
}

/** The agreed items of a paragraph: chips, and one bar with the focused chip's actions. */
function agreedBlock(p, agreed, ctx) {
  const bar = h("div", { class: "rv-chipbar", hidden: true });
  const chips = agreed.map(([kind, item]) => {
    const who = item.from.map((f) => f.coder).join(", ");
    const chip = h("li", {
      class: "rv-item rv-agreed rv-chip", tabindex: 0, "data-id": item.id, "data-kind": kind, "data-state": item.state,
      "data-keys": keysIn(p.index, kind, [item]),
      "aria-label": `Agreed ${kind}, ${item.state}: ${itemText(kind, item)}. Coders: ${who}.`,
    }, h("span", { class: "rv-chip-state", "aria-hidden": "true", text: STATE_MARK[item.state] || "" }),
    kind === "span" ? labelChip(item.label, ctx.colours.get(item.label)) : h("span", { class: "rv-kind", text: kind }),
    h("span", { text: ` ${shortText(kind, item)}` }));
    chip.addEventListener("focus", () => showBar(bar, kind, item, ctx));
    chip.addEventListener("click", () => chip.focus());
    return chip;
  });
  return h("div", { class: "rv-agreed-block" },
    h("div", { class: "rv-chiprow" }, h("h3", { class: "rv-sub", text: `Agreed (${agreed.length}):` }),
      h("ul", { class: "rv-chips", "aria-label": `Paragraph ${p.index + 1}: agreed items` }, chips)), bar);
}

/** «text», cut shorter than in the full descriptions (those are in the items' labels). */
const short = (ref, n = 28) => `«${ref.text.length > n ? `${ref.text.slice(0, n)}…` : ref.text}»`;
const parts = (refs, n = 28) => (refs || []).map((r) => short(r, n)).join(" + ") || "–";

/** A short line for an item: chips and version rows must stay one or two lines high. */
function shortText(kind, item, withArguments = false) {
  if (kind === "span") return short(item, 40);
  if (kind === "event") {
    const head = `${item.type}${item.attrs?.mode ? `/${item.attrs.mode}` : ""} ${item.trigger ? short(item.trigger) : "(no trigger)"}`;
    return withArguments ? `${head}: ${(item.arguments || []).map((a) => `${a.role} ${short(a.span, 18)}`).join(", ") || "no arguments"}` : head;
  }
  return `${parts(item.source)} → ${parts(item.cue)}${withArguments ? ` → ${parts(item.content, 20)}${item.parent ? " (nested)" : ""}` : ""}`;
}

function showBar(bar, kind, item, ctx) {
  if (bar.dataset.id === item.id && !bar.hidden) return;
  bar.dataset.id = item.id;
  fill(bar, h("p", { class: "rv-bar-what" }, h("strong", { text: `Agreed ${kind}: ` }), itemText(kind, item),
    h("span", { class: "hint", text: ` · every coder: ${item.from.map((f) => f.coder).join(", ")}` })),
  h("p", { class: "rv-decision", text: decisionText(item.decision) }),
  actions([["Accept", "a", () => ctx.accept(item)], ["Edit", "e", () => ctx.edit(item)],
    ["Reject", "x", () => ctx.reject(item)], ["Note", "n", () => ctx.note(item)]]),
  h("div", { class: "rv-slot" }));
  bar.hidden = false;
}

function conflictItem(kind, conflict, p, n, ctx) {
  const versions = conflict.versions.map((v, i) => h("div", { class: "rv-version" },
    h("span", { class: "rv-who" }, h("kbd", { text: String(i + 1) }), ` ${v.coder}`),
    v.items.length ? h("ul", {}, v.items.map((item) => h("li", {},
      kind === "span" ? labelChip(item.label, ctx.colours.get(item.label)) : "",
      ` ${kind === "span" ? itemText(kind, item, false) : shortText(kind, item, true)}`)))
      : h("span", { class: "hint", text: "(marked nothing here)" }),
    h("button", { type: "button", class: "rv-button", "aria-keyshortcuts": String(i + 1), onclick: () => ctx.choose(conflict, i) },
      `Use ${v.coder}'s version `, h("kbd", { text: String(i + 1) }))));
  const where = conflict.paragraph === p.index
    ? short({ text: sliceCp(p.text, conflict.start, conflict.end) }, kind === "span" ? 40 : 24) : "";
  return h("li", {
    class: "rv-item rv-conflict", tabindex: 0, "data-id": conflict.id, "data-kind": kind, "data-state": conflict.state,
    "data-flag": n, "data-keys": keysIn(p.index, kind, conflict.versions.flatMap((v) => v.items)),
    "aria-label": `Disagreement ${n} on a ${kind}${where ? ` at ${quote({ text: sliceCp(p.text, conflict.start, conflict.end) })}` : ""}, ${conflict.state}. `
      + conflict.versions.map((v, i) => `${i + 1}: ${v.coder}: ${v.items.map((x) => itemText(kind, x)).join("; ") || "nothing"}`).join(". "),
  },
  h("div", { class: "rv-line" }, h("span", { class: "rv-flag", text: `⚑${n}` }), stateBadge(conflict.state),
    h("span", { class: "rv-kind", text: `${kind[0].toUpperCase()}${kind.slice(1)}` }), where ? h("span", { class: "rv-where", text: where }) : "",
    kind === "span" ? "" : differences(conflict),
    actions([["Edit", "e", () => ctx.edit(conflict)], ["Reject", "x", () => ctx.reject(conflict)],
      ["Note", "n", () => ctx.note(conflict)]])),
  h("div", { class: "rv-versions" }, versions),
  h("p", { class: "rv-decision", text: decisionText(conflict.decision) }), h("div", { class: "rv-slot" }));
}

function differences(conflict) {
  if (!conflict.differences.length) return "";
  const coders = conflict.versions.map((v) => v.coder);
  return h("details", { class: "rv-diff-wrap" },
    h("summary", { text: `What differs (${conflict.differences.length})` }),
    h("table", { class: "table rv-diff" },
      h("caption", { text: "What the coders said differently" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Statement" }), coders.map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, conflict.differences.map((d) => h("tr", {}, h("th", { scope: "row", text: differenceText(d) }),
        coders.map((c) => h("td", { text: d.coders.includes(c) ? "yes" : "–" })))))));
}

/** Gold's events and attributions placed in this paragraph (gold's spans are drawn in the text). */
function goldList(index, review) {
  const spans = new Map(review.gold.spans.map((s) => [s.id, s]));
  const ref = (id) => spans.get(id) || { text: "?", label: "?", paragraph: null };
  const first = review.paragraphs[0]?.index;
  // Events and attributions show under their first span's paragraph (or the first paragraph).
  const place = (ids) => {
    const found = ids.map((id) => ref(id).paragraph).filter((p) => p !== null && p !== undefined);
    return found.length ? Math.min(...found) : first;
  };
  const rows = [
    ...review.gold.events.filter((e) => place(e.trigger ? [e.trigger] : e.arguments.map((a) => a.span)) === index)
      .map((e) => [itemText("event", {
        ...e, trigger: e.trigger ? ref(e.trigger) : null, arguments: e.arguments.map((a) => ({ role: a.role, span: ref(a.span) })),
      }), e.provenance]),
    ...review.gold.attributions.filter((a) => place([...a.source, ...a.cue, ...a.content]) === index)
      .map((a) => [itemText("attribution", { ...a, source: a.source.map(ref), cue: a.cue.map(ref), content: a.content.map(ref) }), a.provenance]),
  ];
  if (!rows.length) return "";
  return h("details", { class: "rv-gold" }, h("summary", { text: `In gold here: ${rows.length} event(s) and attribution(s)` }),
    h("ul", {}, rows.map(([text, provenance]) => h("li", {}, text, h("span", { class: "hint", text: ` (${provenanceText(provenance)})` })))));
}
