// Words for the save status and for a save conflict. The status line is an aria-live region, so
// each text says what happened to the coder's work and what, if anything, they need to do.

import { h } from "./dom.js";
import { spanName } from "./render.js";

const changes = (n) => `${n} change${n === 1 ? "" : "s"}`;

/** The status line for an outbox status: {text, retry (show "Retry now"), signin (show link)}. */
export function describeStatus({ state, pending, message, storageError, others }) {
  const unsaved = `${changes(pending)} not saved`;
  let text;
  switch (state) {
    case "saved": text = "All changes saved"; break;
    case "saving": text = `Saving ${changes(pending)}…`; break;
    case "offline":
      text = `${unsaved}: cannot reach the server. They are kept on this computer and retried automatically.`;
      break;
    case "server_error":
      text = `${unsaved}: ${message}. They are kept on this computer and retried automatically.`;
      break;
    case "signed_out":
      text = pending
        ? `Signed out — sign in again in another tab. ${unsaved}; they are kept on this computer and sent once you are back.`
        : "Signed out — sign in again, then reload this page.";
      break;
    case "conflict": text = `${unsaved}: this document was changed elsewhere. Choose below how to go on.`; break;
    case "taken": text = "Your unsaved changes were taken over by another tab; continue there."; break;
    default: text = pending ? `${unsaved}: ${message || "saving is blocked."}` : message || "";
  }
  if (others) text += ` Another tab has ${changes(others)} not saved for this document.`;
  if (storageError) text += ` ${storageError}`;
  const retry = ["offline", "server_error", "signed_out"].includes(state);
  return { text, retry, signin: state === "signed_out" };
}

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
export function describeConflict({ message, server, confirmed, pending, view, version }) {
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
