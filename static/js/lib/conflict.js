// The save conflict (a 409: the document was changed elsewhere), loaded only when one happens:
// what the saved version has that this page did not know, next to the page's unsaved changes,
// and the coder's two ways on. Nothing is overwritten until they choose.

import { fill, h } from "./dom.js";
import { fromLayer } from "./model.js";
import { spanName } from "./render.js";
import { changes } from "./status.js";

function describeOp(op, view) {
  const span = (id) => (view.spans.get(id) ? spanName(view.spans.get(id)) : "a span");
  switch (op.op) {
    case "add_span": return `add ${spanName(op.span)}`;
    case "update_span": return `change ${span(op.id)}`;
    case "delete_span": return `delete a span`;
    case "add_event": return `add event ${op.event.type} on ${span(op.event.trigger)}`;
    case "update_event": return `change event ${op.type || ""}`;
    case "delete_event": return "delete an event";
    case "add_attribution": return "add an attribution";
    case "update_attribution": return "change an attribution";
    case "delete_attribution": return "delete an attribution";
    default: return op.op;
  }
}

/** What the saved version has that this page did not know, next to the page's unsaved changes. */
function describeConflict({ message, server, confirmed, pending, view, version }) {
  const added = [...server.spans.values()].filter((s) => !confirmed.spans.has(s.id));
  const removed = [...confirmed.spans.values()].filter((s) => !server.spans.has(s.id));
  const theirs = [
    ...added.map((s) => `added ${spanName(s)}`),
    ...removed.map((s) => `removed ${spanName(s)}`),
    `${server.events.size} event(s) and ${server.attributions.size} attribution(s) in all`,
  ];
  return [
    h("h2", { id: "conflict-title", tabindex: -1, text: "This document was changed elsewhere" }),
    h("p", { text: `${message || ""} Nothing was overwritten: your ${changes(pending.length)} were not applied and are still kept on this computer.` }),
    h("div", { class: "conflict-cols" },
      h("section", {}, h("h3", { text: `Saved version (version ${version})` }),
        h("ul", {}, theirs.map((t) => h("li", { text: t })))),
      h("section", {}, h("h3", { text: "Your unsaved changes" }),
        h("ul", {}, pending.map((op) => h("li", { text: describeOp(op, view) }))))),
  ];
}

/**
 * Show the conflict in `box` and take focus. `current` is the 409's saved layer; `resolve(keepMine,
 * server, version)` carries on once the coder chose to apply their changes to it or discard them.
 */
export function showConflict(box, { current, message, confirmed, pending, view }, resolve) {
  const server = fromLayer(current);
  const version = current.layer.version;
  const done = (keepMine) => {
    box.hidden = true;
    box.replaceChildren();
    resolve(keepMine, server, version);
  };
  fill(box, describeConflict({ message, server, confirmed, pending, view, version }),
    h("div", { class: "buttons" },
      h("button", { type: "button", text: "Apply my changes to the saved version", onclick: () => done(true) }),
      h("button", { type: "button", class: "danger", text: "Discard my changes and load the saved version", onclick: () => done(false) })));
  box.hidden = false;
  box.querySelector("h2").focus();
}
