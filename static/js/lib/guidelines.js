// The codebook side panel: label keys and colours, guidelines with examples, event types and
// their modes, so that coders need not leave the page to look a rule up.

import { h } from "./dom.js";

export function guidelinesPanel(book, colour) {
  const labels = book.span_labels.map((l) => {
    const swatch = h("span", { class: "swatch", text: l.name });
    swatch.style.setProperty("--c", colour(l.name));
    return h("li", {}, swatch, l.key ? h("kbd", { text: l.key }) : null, ` ${l.description}`);
  });
  return [
    h("h2", { text: "Codebook" }),
    book.description ? h("p", { text: book.description }) : null,
    h("ul", { class: "legend" }, labels),
    book.guidelines.map((g) => h("details", {},
      h("summary", { text: g.title }),
      h("p", { text: g.text }),
      g.examples.length ? h("ul", { class: "examples" }, g.examples.map((e) => h("li", { text: e }))) : null)),
    h("details", {}, h("summary", { text: "Event types and modes" }),
      h("dl", { class: "types" }, book.event_types.map((t) => [
        h("dt", { text: t.name + (t.recipient_required ? " (needs a recipient)" : "") }),
        h("dd", { text: t.modes.length ? t.modes.join(", ") : "no modes" }),
      ]))),
  ];
}
