// Plain-language descriptions of coders' and gold items for the review page. Everything here
// returns text or builds elements through h() (text nodes only), so article text, labels and
// user names can never become markup.

import { h } from "./dom.js";

const cut = (text, n = 60) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** «text» of a span reference, cut to a readable length. */
export const quote = (ref) => `«${cut(ref.text || "")}»`;

/** "key=value, …" for an attribute object, or "". */
export function attrsText(attrs) {
  const pairs = Object.entries(attrs || {}).filter(([, v]) => v !== null && v !== "" && v !== undefined);
  return pairs.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`).join(", ");
}

/** One line for a span: LABEL «text» (¶n, start–end) attrs; the label left out beside a chip. */
export function spanText(span, withPlace = true, withLabel = true) {
  const place = withPlace ? ` (¶${span.paragraph + 1}, ${span.start}–${span.end})` : "";
  const attrs = attrsText(span.attrs);
  return `${withLabel ? `${span.label} ` : ""}${quote(span)}${place}${attrs ? ` [${attrs}]` : ""}`;
}

/** One line for an event: TYPE/mode, trigger, then role «argument» pairs. */
export function eventText(event) {
  const mode = event.attrs?.mode ? `/${event.attrs.mode}` : "";
  const trigger = event.trigger ? ` trigger ${quote(event.trigger)}` : " (no trigger)";
  const args = (event.arguments || []).map((a) => `${a.role} ${quote(a.span)}`);
  const rest = attrsText(Object.fromEntries(Object.entries(event.attrs || {}).filter(([k]) => k !== "mode")));
  return `${event.type}${mode}${trigger}${args.length ? `; ${args.join(", ")}` : "; no arguments"}${rest ? ` [${rest}]` : ""}`;
}

/** One line for an attribution: source, cue and content parts, nesting and attributes. */
export function attributionText(item) {
  const part = (role) => (item[role]?.length ? `${role} ${item[role].map(quote).join(" + ")}` : `no ${role}`);
  const attrs = attrsText(item.attrs);
  return `${["source", "cue", "content"].map(part).join("; ")}${item.parent ? "; nested" : ""}${attrs ? ` [${attrs}]` : ""}`;
}

/** Describe a coder item or an agreed item of the given kind ("span", "event", "attribution"). */
export function itemText(kind, item, withLabel = true) {
  if (kind === "span") return spanText(item, true, withLabel);
  if (kind === "event") return eventText(item);
  return attributionText(item);
}

/** One difference row's value as text: an argument, a part, a type, an attribute… */
export function differenceText(diff) {
  const v = diff.value;
  switch (diff.what) {
    case "span": return spanText(v);
    case "type": return `type ${v}`;
    case "trigger": return v ? `trigger ${quote(v)} (${v.label})` : "no trigger";
    case "argument": return `argument ${v.role} ${quote(v.span)}`;
    case "part": return `${v.role} ${quote(v.span)}`;
    case "parent": return v ? "nested in another attribution" : "not nested";
    case "attribute": return `${v.name} = ${Array.isArray(v.value) ? v.value.join("+") : v.value}`;
    default: return JSON.stringify(v);
  }
}

/** "from alice, bob · by reviewerR · note" for a gold item's provenance. */
export function provenanceText(provenance) {
  if (!provenance) return "not from a review decision";
  const from = (provenance.from || []).map((f) => f.coder);
  const parts = [from.length ? `from ${[...new Set(from)].join(", ")}` : "added by the reviewer"];
  if (provenance.adjudicator) parts.push(`by ${provenance.adjudicator}`);
  if (provenance.note) parts.push(`note: ${provenance.note}`);
  return parts.join(" · ");
}

/** A coloured label chip. */
export function labelChip(label, colour) {
  const chip = h("span", { class: "rv-label", text: label });
  chip.style.setProperty("--c", colour || "#4a5568");
  return chip;
}

const STATE_TEXT = {
  gold: "in gold", open: "open", rejected: "rejected", decided: "decided",
};

/** A small badge saying where an item stands. */
export function stateBadge(state) {
  return h("span", { class: `rv-state rv-state-${state}`, text: STATE_TEXT[state] || state });
}

/** What the latest decision on a disagreement was, in words. */
export function decisionText(decision) {
  if (!decision?.action) return decision?.note ? `Note: ${decision.note}` : "";
  const what = {
    accept: decision.coder ? `took ${decision.coder}'s version` : "accepted",
    edit: "edited", reject: "rejected", accept_agreed: "accepted",
  }[decision.action] || decision.action;
  return `${decision.by || "A reviewer"} ${what}${decision.note ? `. Note: ${decision.note}` : ""}`;
}
