// The review page's inline editor: correct a span's label or boundaries, or rebuild an event or
// attribution from the coders' versions (type, trigger, which arguments or parts to keep).
// editor() returns {element, read()}; read() gives the item to send as the "edit" decision, or
// throws an Error whose message says what to fix.

import { field, h, select } from "./dom.js";
import { sliceCp } from "./offsets.js";
import { quote } from "./review-describe.js";

const key = (ref) => `${ref.paragraph}:${ref.start}:${ref.end}:${ref.label}`;
const plain = (ref) => ({ paragraph: ref.paragraph, start: ref.start, end: ref.end, label: ref.label, attrs: ref.attrs || {} });

/** The items a target offers to start from: [[coder, item], …]. */
export function candidates(target) {
  if (target.from) return [[target.from.map((f) => f.coder).join(", "), target]];
  return target.versions.flatMap((v) => v.items.map((item) => [v.coder, item]));
}

/** Build the editor for an agreed item or a disagreement. */
export function editor(target, book, paragraphText) {
  const offered = candidates(target);
  if (!offered.length) throw new Error("Nothing to edit: no coder marked anything here.");
  if (target.kind === "span") return spanEditor(offered, book, paragraphText);
  return structureEditor(target.kind, offered, book);
}

function spanEditor(offered, book, paragraphText) {
  const base = offered[0][1];
  const labels = book.span_labels.map((l) => l.name);
  const label = select("Label", labels, base.label, null, { "data-fk": "label" });
  const number = (name, value) => h("input", { type: "number", min: 0, step: 1, value, "data-fk": name, "aria-label": name });
  const start = number("Start", base.start);
  const end = number("End", base.end);
  const preview = h("output", { class: "rv-preview", "aria-live": "polite" });
  const starts = [...new Set(offered.map(([, s]) => s.start))];
  const ends = [...new Set(offered.map(([, s]) => s.end))];
  const show = () => {
    try {
      preview.textContent = quote({ text: sliceCp(paragraphText, Number(start.value), Number(end.value)) });
    } catch {
      preview.textContent = "(outside the paragraph)";
    }
  };
  start.addEventListener("input", show);
  end.addEventListener("input", show);
  show();
  const hint = `Coders' boundaries: start ${starts.join(" or ")}, end ${ends.join(" or ")} (characters from the paragraph's start).`;
  const element = h("div", { class: "rv-editor-fields" },
    field("Label", label), field("Start", start), field("End", end),
    h("p", { class: "hint" }, "Text: ", preview), h("p", { class: "hint", text: hint }));
  return {
    element,
    read() {
      const s = Number(start.value);
      const e = Number(end.value);
      if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e <= s) {
        throw new Error("Start and end must be whole numbers with start before end.");
      }
      // Keep only the attributes the chosen label has (ACTOR's entity type means nothing on TIME).
      const names = new Set((book.span_labels.find((l) => l.name === label.value)?.attributes || []).map((a) => a.name));
      const attrs = Object.fromEntries(Object.entries(base.attrs || {}).filter(([k]) => names.has(k)));
      return { paragraph: base.paragraph, start: s, end: e, label: label.value, attrs };
    },
  };
}

/** Events and attributions: start from one coder's version, keep or drop each argument/part. */
function structureEditor(kind, offered, book) {
  const element = h("div", { class: "rv-editor-fields" });
  let current = null;
  const from = select("Start from", offered.map(([coder], i) => [String(i), `${coder}'s version`]), "0",
    (value) => build(Number(value)), { "data-fk": "from" });

  function build(index) {
    const base = offered[index][1];
    // Every argument (or part) any coder gave, checked when the chosen version has it.
    const pieces = new Map();
    for (const [, item] of offered) {
      for (const [role, ref] of piecesOf(kind, item)) {
        const id = `${role}|${key(ref)}`;
        if (!pieces.has(id)) pieces.set(id, { role, ref, checked: false });
      }
    }
    for (const [role, ref] of piecesOf(kind, base)) pieces.get(`${role}|${key(ref)}`).checked = true;
    const boxes = [...pieces.values()].map((p, i) => {
      const box = h("input", { type: "checkbox", checked: p.checked, "data-fk": `piece-${i}` });
      return { ...p, box, row: h("label", { class: "rv-check" }, box, ` ${p.role} ${quote(p.ref)} (${p.ref.label})`) };
    });
    let type = null;
    let mode = null;
    let trigger = null;
    const rows = [];
    if (kind === "event") {
      type = select("Type", book.event_types.map((t) => t.name), base.type, () => fillModes(), { "data-fk": "type" });
      mode = h("select", { "aria-label": "Mode", "data-fk": "mode" });
      const fillModes = () => {
        const modes = book.event_types.find((t) => t.name === type.value)?.modes || [];
        mode.replaceChildren(h("option", { value: "", text: "(none)" }),
          ...modes.map((m) => h("option", { value: m, text: m, selected: m === base.attrs?.mode })));
      };
      fillModes();
      const triggers = new Map();
      for (const [, item] of offered) if (item.trigger) triggers.set(key(item.trigger), item.trigger);
      trigger = select("Trigger", [...triggers].map(([k, ref]) => [k, `${quote(ref)} (${ref.label})`]),
        base.trigger ? key(base.trigger) : undefined, null, { "data-fk": "trigger" });
      trigger.refs = triggers;
      rows.push(field("Type", type), field("Mode", mode), field("Trigger", trigger));
    }
    const legend = kind === "event" ? "Arguments to keep" : "Parts to keep";
    element.replaceChildren(field("Start from", from), ...rows,
      h("fieldset", { class: "rv-pieces" }, h("legend", { text: legend }),
        boxes.length ? boxes.map((b) => b.row) : h("p", { class: "hint", text: "None." })));
    current = { base, boxes, type, mode, trigger };
  }

  build(0);
  return {
    element,
    read() {
      const { base, boxes, type, mode, trigger } = current;
      const kept = boxes.filter((b) => b.box.checked);
      if (kind === "attribution") {
        const parts = { source: [], cue: [], content: [] };
        for (const b of kept) parts[b.role].push(plain(b.ref));
        return { ...parts, parent: base.parent || null, attrs: base.attrs || {} };
      }
      const attrs = { ...(base.attrs || {}) };
      delete attrs.mode;
      if (mode.value) attrs.mode = mode.value;
      const ref = trigger.refs.get(trigger.value);
      return {
        type: type.value, attrs, trigger: ref ? plain(ref) : null,
        arguments: kept.map((b) => ({ role: b.role, span: plain(b.ref) })),
      };
    },
  };
}

function piecesOf(kind, item) {
  if (kind === "event") return (item.arguments || []).map((a) => [a.role, a.span]);
  return ["source", "cue", "content"].flatMap((role) => (item[role] || []).map((ref) => [role, ref]));
}
