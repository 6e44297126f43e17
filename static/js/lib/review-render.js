// Drawing the review page: coders, and per paragraph the agreed items and disagreements (each a
// focusable list item carrying data-id and data-state) and what gold holds. Text only ever goes
// in through h() as text nodes. `ctx` has colours and the actions the buttons call:
// accept(item), choose(conflict, index), edit(target), reject(target), note(target).

import { fill, h } from "./dom.js";
import { sliceCp } from "./offsets.js";
import {
  decisionText, differenceText, itemText, labelChip, provenanceText, quote, spanText, stateBadge,
} from "./review-describe.js";

const KINDS = [["spans", "span"], ["events", "event"], ["attributions", "attribution"]];

/** Fill the coders section: each compared coder with the number key that takes their version. */
export function renderCoders(root, review) {
  const compared = review.compared;
  const rows = review.coders.map((c) => {
    const n = compared.indexOf(c.name);
    const status = c.status ? { assigned: "to do", in_progress: "in progress", done: "done" }[c.status] : "not assigned";
    const why = c.compared ? "" : " (not compared: nothing annotated and not marked done)";
    return h("li", {}, n >= 0 ? h("kbd", { text: String(n + 1) }) : "", ` ${c.name}: ${status}, ${c.items} items${why}`);
  });
  fill(root, h("h2", { text: "Coders" }),
    rows.length ? h("ul", { class: "rv-coder-list" }, rows) : h("p", { class: "hint", text: "No coder has annotated this document yet." }));
}

/** One paragraph: its text, its agreed items and disagreements, and what gold holds there. */
export function paragraphSection(p, review, ctx) {
  const items = KINDS.flatMap(([plural, kind]) => [
    ...p[plural].agreed.map((item) => agreedItem(kind, item, ctx)),
    ...p[plural].conflicts.map((conflict) => conflictItem(kind, conflict, p, ctx)),
  ]);
  const heading = `Paragraph ${p.index + 1}${p.boilerplate ? " (boilerplate)" : ""}`;
  const body = [
    h("p", { class: "rv-text", text: p.text }),
    items.length ? h("ul", { class: "rv-items", "aria-label": `Paragraph ${p.index + 1}: items to review` }, items)
      : h("p", { class: "hint", text: "No coder marked anything here." }),
    goldList(p.index, review),
  ];
  if (p.boilerplate && !items.length) {
    return h("details", { class: "rv-para rv-boilerplate" }, h("summary", { text: heading }), body);
  }
  return h("section", { class: "rv-para", "data-para": p.index }, h("h2", { text: heading }), body);
}

function actions(buttons) {
  return h("div", { class: "rv-actions" }, buttons.map(([text, key, onclick]) =>
    h("button", { type: "button", class: "rv-button", onclick, "aria-keyshortcuts": key }, `${text} `, h("kbd", { text: key }))));
}

function itemShell(kind, target, label, children) {
  const li = h("li", {
    class: `rv-item rv-${target.from ? "agreed" : "conflict"}`, tabindex: 0, "data-id": target.id,
    "data-kind": kind, "data-state": target.state, "aria-label": label,
  }, children, h("p", { class: "rv-decision", text: decisionText(target.decision) }), h("div", { class: "rv-slot" }));
  return li;
}

function agreedItem(kind, item, ctx) {
  const who = item.from.map((f) => f.coder).join(", ");
  const text = itemText(kind, item);
  return itemShell(kind, item, `Agreed ${kind}, ${item.state}: ${text}. Coders: ${who}.`, [
    h("div", { class: "rv-line" }, stateBadge(item.state), h("span", { class: "rv-kind", text: `Agreed ${kind}` }),
      kind === "span" ? labelChip(item.label, ctx.colours.get(item.label)) : "",
      h("span", { class: "rv-text-line", text: itemText(kind, item, false) })),
    h("p", { class: "hint", text: `Every coder: ${who}` }),
    actions([["Accept", "a", () => ctx.accept(item)], ["Edit", "e", () => ctx.edit(item)],
      ["Reject", "x", () => ctx.reject(item)], ["Note", "n", () => ctx.note(item)]]),
  ]);
}

function conflictItem(kind, conflict, p, ctx) {
  const versions = conflict.versions.map((v, i) => h("div", { class: "rv-version" },
    h("h3", {}, h("kbd", { text: String(i + 1) }), ` ${v.coder}`),
    v.items.length ? h("ul", {}, v.items.map((item) => h("li", {},
      kind === "span" ? labelChip(item.label, ctx.colours.get(item.label)) : "", ` ${itemText(kind, item, false)}`)))
      : h("p", { class: "hint", text: "(marked nothing here)" }),
    h("button", { type: "button", class: "rv-button", "aria-keyshortcuts": String(i + 1), onclick: () => ctx.choose(conflict, i) },
      `Use ${v.coder}'s version `, h("kbd", { text: String(i + 1) }))));
  const where = conflict.kind === "span" ? ` at ${quote({ text: sliceCp(p.text, conflict.start, conflict.end) })}` : "";
  return itemShell(kind, conflict, `Disagreement on a ${kind}${where}, ${conflict.state}. `
    + conflict.versions.map((v, i) => `${i + 1}: ${v.coder}: ${v.items.map((x) => itemText(kind, x)).join("; ") || "nothing"}`).join(". "), [
    h("div", { class: "rv-line" }, stateBadge(conflict.state), h("span", { class: "rv-kind", text: `Disagreement: ${kind}` })),
    h("div", { class: "rv-versions" }, versions),
    kind === "span" ? "" : differences(conflict),
    actions([["Edit", "e", () => ctx.edit(conflict)], ["Reject", "x", () => ctx.reject(conflict)],
      ["Note", "n", () => ctx.note(conflict)]]),
  ]);
}

function differences(conflict) {
  if (!conflict.differences.length) return "";
  const coders = conflict.versions.map((v) => v.coder);
  return h("table", { class: "table rv-diff" },
    h("caption", { text: "What the coders said differently" }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Statement" }), coders.map((c) => h("th", { scope: "col", text: c })))),
    h("tbody", {}, conflict.differences.map((d) => h("tr", {}, h("th", { scope: "row", text: differenceText(d) }),
      coders.map((c) => h("td", { text: d.coders.includes(c) ? "yes" : "–" }))))));
}

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
    ...review.gold.spans.filter((s) => s.paragraph === index).map((s) => [spanText(s, false), s.provenance]),
    ...review.gold.events.filter((e) => place(e.trigger ? [e.trigger] : e.arguments.map((a) => a.span)) === index)
      .map((e) => [itemText("event", {
        ...e, trigger: e.trigger ? ref(e.trigger) : null, arguments: e.arguments.map((a) => ({ role: a.role, span: ref(a.span) })),
      }), e.provenance]),
    ...review.gold.attributions.filter((a) => place([...a.source, ...a.cue, ...a.content]) === index)
      .map((a) => [itemText("attribution", { ...a, source: a.source.map(ref), cue: a.cue.map(ref), content: a.content.map(ref) }), a.provenance]),
  ];
  if (!rows.length) return "";
  return h("div", { class: "rv-gold" }, h("h3", { text: "Gold" }),
    h("ul", {}, rows.map(([text, provenance]) => h("li", {}, text, h("span", { class: "hint", text: ` (${provenanceText(provenance)})` })))));
}
