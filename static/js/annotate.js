// The annotation page. State: `confirmed` is the layer as the server last acknowledged it, and
// `view` is that plus the changes still in the outbox; every user action is a list of operations
// (docs/api.md) applied to `view` at once and queued for the server, so the page never waits
// for the network and never loses work when the network or the session goes away.

import { Api, Outbox } from "./lib/api.js";
import { attributionsPanel } from "./lib/attributions-panel.js";
import { caretKey, hideCaret } from "./lib/caret.js";
import { fill, h, isTyping, rebuild } from "./lib/dom.js";
import { eventsPanel } from "./lib/events-panel.js";
import { frameMarks } from "./lib/frames.js";
import { guidelinesPanel } from "./lib/guidelines.js";
import { applyOps, fromLayer, inverseOps, newId } from "./lib/model.js";
import { noteTools } from "./lib/notes.js";
import {
  cpToUtf16, rangeToUtf16, snapToGraphemes, snapToWords, trimSpaces, utf16ToCp,
} from "./lib/offsets.js";
import { drawParagraph, renderParagraphs } from "./lib/render.js";
import { installShortcuts } from "./lib/shortcuts.js";
import { spanPanel } from "./lib/span-editor.js";
import { describeStatus } from "./lib/status.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("page-data").textContent);
const book = data.codebook;
const colours = new Map(book.span_labels.map((l) => [l.name, l.colour]));
const paraText = new Map(data.paragraphs.map((p) => [p.index, p.text]));
const api = new Api(data.csrf_token, location.href, data.urls.layer);

let confirmed = fromLayer({});
let view = confirmed;
let outbox = null;
const undoStack = [];
const redoStack = [];
const drawn = new Map(); // paragraph index -> what was last drawn, to redraw only changes
let readOnly = null; // why this layer cannot be changed here, if it cannot
let sg = null; // lib/suggestions.js, once loaded
let frame = null; // the frame open for pointing: {kind, id, armed (a role waiting for a pointer), dismissed}
let proposals = []; // what the tool proposes for the open frame (shown, never applied unasked)
let lastInText = null; // the paragraph or span that last had focus

const ctx = {
  codebook: book, urls: data.urls, user: data.user, api,
  selected: { span: null, event: null, attribution: null },
  drafts: {},
  actors: data.actors, paraText,
  get view() { return view; },
  get frame() { return frame; },
  get proposals() { return proposals; },
  colour: (label) => colours.get(label) || "#4a5568",
  act, say, select, highlight, focusSpan, newEvent, newAttribution, deleteSpan, relabel, refresh,
  openFrame, selectedSpan,
  backToText,
};
let point = null; // lib/pointing.js, loaded when a frame is first opened
let pointLoading = null;
const withPointing = () => (pointLoading ??= import("./lib/pointing.js").then((m) => { point = m.pointing(ctx); }, (error) => {
  pointLoading = null;
  say("Frames cannot be built now: the server cannot be reached.");
  throw error;
}));
/** Press `key` where focus is (the palette's buttons). */
const pressKey = (key) => document.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
// It is fetched once the coder comes to the text (it also brings F2 and mouse selection on
// spans); keys pressed while a frame waits for it are kept, in order, and handled when it is there.
for (const type of ["keydown", "pointerdown", "pointerover", "focusin"]) $("doc-text").addEventListener(type, () => withPointing().catch(() => {}), { once: true });
const waiting = [];
document.addEventListener("keydown", (event) => {
  if (!frame || point || isTyping(event.target) || /^F\d/.test(event.key)) return;
  waiting.push(event);
  event.preventDefault();
  event.stopImmediatePropagation();
  if (waiting.length > 1) return;
  withPointing().then(() => {
    for (const e of waiting.splice(0)) (e.target.isConnected ? e.target : document.activeElement).dispatchEvent(new KeyboardEvent("keydown", e));
  }, () => waiting.splice(0));
}, true);

const texts = renderParagraphs($("doc-text"), data.paragraphs, (para) => noteTools(ctx, para));
fill($("guidelines-panel"), guidelinesPanel(book, ctx.colour));
let help = null; // the "?" overlay: lib/help.js is loaded the first time it is asked for
function openHelp() {
  help ??= import("./lib/help.js").then((m) => m.helpOverlay(book.span_labels));
  help.then((overlay) => overlay.open(), () => {
    help = null;
    say("The keyboard shortcuts cannot be shown: the server cannot be reached.");
  });
}

// ---- drawing

function redraw() {
  proposals = frame && point ? point.propose() : [];
  const marks = frameMarks(view, frame, proposals);
  const byPara = new Map();
  for (const s of [...view.spans.values(), ...(sg?.spans() || [])]) {
    if (!byPara.has(s.paragraph)) byPara.set(s.paragraph, []);
    byPara.get(s.paragraph).push(s);
  }
  const focused = document.activeElement?.closest?.(".sp")?.dataset.spanId;
  for (const [index, el] of texts) {
    const spans = byPara.get(index) || [];
    const signature = JSON.stringify(spans.map((s) => [s.id, s.start, s.end, s.label, marks.get(s.id)]).sort());
    if (drawn.get(index) === signature) continue;
    drawn.set(index, signature);
    try {
      drawParagraph(el, paraText.get(index), spans, ctx.colour, marks);
    } catch (error) {
      say(`Paragraph ${index + 1}: some spans do not fit its text (${error.message}).`);
    }
  }
  // A redrawn span is a new element: give focus back to the span that had it.
  if (focused && document.activeElement === document.body) focusSpan(focused, false);
}

function renderPanels() {
  for (const kind of ["span", "event", "attribution"]) {
    if (!view[`${kind}s`].has(ctx.selected[kind])) ctx.selected[kind] = null;
  }
  rebuild($("span-panel"), () => spanPanel(ctx));
  rebuild($("events-panel"), () => eventsPanel(ctx));
  rebuild($("attributions-panel"), () => attributionsPanel(ctx));
  rebuild($("frame-bar"), () => point?.bar() || []);
  $("frame-bar").hidden = !frame;
  sg?.render();
  $("undo").disabled = !undoStack.length;
  $("redo").disabled = !redoStack.length;
}

function refresh() {
  if (frame && !view[`${frame.kind}s`].has(frame.id)) frame = null; // deleted, or undone
  const had = document.activeElement !== document.body;
  redraw();
  renderPanels();
  // Focus never drops to <body> because what had it was redrawn or closed: back to the text.
  if (had && document.activeElement === document.body) backToText();
}

/** Focus where the coder last was in the text (the same span or paragraph, if it was redrawn). */
function backToText() {
  const { spanId, paragraph } = lastInText?.dataset || {};
  const el = lastInText?.isConnected ? lastInText
    : spanId ? document.querySelector(`.sp-start[data-span-id="${CSS.escape(spanId)}"]`) : texts.get(Number(paragraph));
  (el || texts.values().next().value).focus();
}

function say(text) {
  $("announce").textContent = text;
}

function spanEls(id) {
  return document.querySelectorAll(`.sp[data-span-id="${CSS.escape(id)}"]`);
}

function highlight(ids, on) {
  for (const id of ids) for (const el of spanEls(id)) el.classList.toggle("hl", on);
}

function focusSpan(id, show = true) {
  const el = document.querySelector(`.sp-start[data-span-id="${CSS.escape(id)}"]`);
  if (!el) return;
  const details = el.closest("details");
  if (details) details.open = true;
  el.focus();
  if (show) el.scrollIntoView({ block: "nearest" });
  if (ctx.selected.span !== id) {
    ctx.selected.span = id;
    rebuild($("span-panel"), () => spanPanel(ctx));
  }
}

/** Choose the span, event or attribution to edit, then put focus on control `focusKey`. */
function select(kind, id, focusKey) {
  if (kind !== "span") return openFrame(id && kind, id, focusKey);
  ctx.selected[kind] = id;
  renderPanels();
  const target = focusKey && document.querySelector(`[data-fk="${focusKey}"]`);
  if (target) {
    target.focus();
    target.scrollIntoView({ block: "nearest" });
  }
}

/** Open event or attribution `id` for pointing and editing (or close the open one: null). */
function openFrame(kind, id, focusKey) {
  if (frame) ctx.selected[frame.kind] = null;
  frame = id ? { kind, id, armed: null, dismissed: new Set() } : null;
  if (frame) ctx.selected[kind] = id;
  if (frame && !point) withPointing().then(refresh, () => {});
  refresh();
  const target = focusKey && document.querySelector(`[data-fk="${focusKey}"]`);
  target?.focus();
  target?.scrollIntoView({ block: "nearest" });
}

// ---- changes

/** Why changes cannot be made here now, if they cannot (and say so). */
function blocked() {
  // While a save is compared with (or conflicts with) a newer version, a further change would
  // be made on a stale view and escape that comparison: wait for it, or for the coder's choice.
  const why = !outbox ? "The annotations are not loaded yet."
    : readOnly || (outbox.stopped === "taken"
      ? "Another tab took over this page's unsaved changes: continue there, or reload this page."
      : outbox.stopped === "conflict"
        ? "Choose how to settle the conflict below before making further changes."
        : outbox.stopped === "rebasing"
          ? "Comparing with the version saved elsewhere; try again in a moment." : null);
  if (why) say(why);
  return Boolean(why);
}

/** Apply a user action, queue it for saving and make it undoable (telling `undone(back)`). */
function act(ops, message, undone) {
  if (!ops.length || blocked()) return false;
  const inverse = inverseOps(view, ops);
  commit(ops);
  undoStack.push({ ops, inverse, undone });
  redoStack.length = 0;
  if (message) say(message);
  return true;
}

function commit(ops) {
  view = applyOps(view, ops);
  outbox.push(ops);
  refresh();
}

/** Undo (back) or redo the last action, through the save queue like any change. */
function step(back) {
  const [from, to] = back ? [undoStack, redoStack] : [redoStack, undoStack];
  if (blocked()) return;
  const entry = from.pop();
  if (!entry) return say(`Nothing to ${back ? "undo" : "redo"}.`);
  commit(back ? entry.inverse : entry.ops);
  entry.undone?.(back);
  to.push(entry);
  say(back ? "Undone." : "Redone.");
}
const undo = () => step(true);
const redo = () => step(false);

/** Rebuild the view from what the server has plus what is still queued. */
function rebase(base) {
  confirmed = base;
  view = applyOps(confirmed, outbox.batches.flatMap((b) => b.changes));
  undoStack.length = redoStack.length = 0; // their inverses were made for a state that is gone
  refresh();
}

// ---- labelling

function selectionRange() {
  const sel = window.getSelection();
  return sel.rangeCount && !sel.isCollapsed ? sel.getRangeAt(0) : null;
}

function hasSelection() {
  const range = selectionRange();
  if (!range) return false;
  const inText = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest(".ptext");
  return Boolean(inText(range.startContainer) || inText(range.endContainer));
}

/** The span that the text selection makes with `label` (or the same one, if labelled already). */
function selectedSpan(label) {
  const found = rangeToUtf16(selectionRange(), ".ptext");
  if (found.error) return say(found.error);
  const index = Number(found.root.dataset.paragraph);
  const text = paraText.get(index);
  let [s, e] = trimSpaces(text, found.start, found.end);
  [s, e] = snapToGraphemes(text, s, e); // never cut 👩‍❤️‍👩 or e+◌́ in half
  if ($("snap").checked) [s, e] = snapToWords(text, s, e);
  if (s >= e) return say("The selection holds only white space.");
  const span = {
    id: newId("s"), paragraph: index, start: utf16ToCp(text, s), end: utf16ToCp(text, e),
    text: text.slice(s, e), label, attrs: {},
  };
  const same = [...view.spans.values()].find((o) =>
    o.paragraph === index && o.start === span.start && o.end === span.end && o.label === label);
  window.getSelection().removeAllRanges();
  hideCaret();
  return same || span;
}

function labelSelection(label) {
  const span = selectedSpan(label);
  if (!span) return;
  if (view.spans.has(span.id)) {
    focusSpan(span.id);
    return say(`“${span.text}” is already labelled ${label}.`);
  }
  act([{ op: "add_span", span }], `${label} “${span.text}” added. Enter edits it, n makes an event, r an attribution.`);
  focusSpan(span.id);
}

/** The trigger or first part of a new frame: the selection made a `label` span, or span `id`. */
function frameStart(id, label) {
  if (!hasSelection()) return [view.spans.get(id), []];
  const name = book.span_labels.some((l) => l.name === label) ? label : book.span_labels[0].name;
  const span = selectedSpan(name);
  return [span, span && !view.spans.has(span.id) ? [{ op: "add_span", span }] : []];
}

function relabel(id, label) {
  const span = view.spans.get(id);
  if (!span || span.label === label) return;
  // Attributes belong to a label: keep only those the new label also has.
  const allowed = new Set((book.span_labels.find((l) => l.name === label)?.attributes || []).map((a) => a.name));
  const attrs = Object.fromEntries(Object.entries(span.attrs).filter(([k]) => allowed.has(k)));
  act([{ op: "update_span", id, label, attrs }], `Now ${label}: “${span.text}”`);
}

/** Delete span `id`, asking first when frames use it (lib/pointing.js). */
function deleteSpan(id) {
  withPointing().then(() => point.deleteSpan(id), () => {});
}

// A new frame opens for pointing while focus stays in the text, so the next selection and key
// go on building it.
function newEvent(spanId) {
  const [span, ops] = frameStart(spanId, "EVENT");
  if (!span) return say("Select the trigger, or focus its span, first.");
  const type = book.event_types.some((t) => t.name === "OTHER") ? "OTHER" : book.event_types[0].name;
  const event = { id: newId("e"), trigger: span.id, type, attrs: {}, arguments: [] };
  if (!act([...ops, { op: "add_event", event }], `New event on “${span.text}”: select each argument and press its role's key (a actor, 1-6), or point.`)) return;
  openFrame("event", event.id);
  focusSpan(span.id);
}

function newAttribution(spanId) {
  const [span, ops] = frameStart(spanId, "CUE");
  if (!span) return say("Select the cue, or focus its span, first.");
  const role = { SOURCE: "source", CONTENT: "content" }[span.label] || "cue";
  const attribution = { id: newId("a"), source: [], cue: [], content: [], parent: null, attrs: {} };
  attribution[role] = [span.id];
  if (!act([...ops, { op: "add_attribution", attribution }], `New attribution with ${role} “${span.text}”: select the other parts and press s, c or q.`)) return;
  openFrame("attribution", attribution.id);
  focusSpan(span.id);
}

// ---- saving

function showStatus(status) {
  const { text, retry, signin } = describeStatus(status);
  const el = $("save-status");
  el.textContent = text;
  el.dataset.state = status.state;
  $("retry").hidden = !retry || !outbox;
  $("signin").hidden = !signin;
  $("adopt").hidden = !status.others;
}

/** A 409: lib/conflict.js shows both sides and lets the coder choose (sending waits meanwhile). */
async function showConflict(current, message) {
  let conflict;
  try {
    conflict = await import("./lib/conflict.js");
  } catch {
    return say("The conflict cannot be shown: reload the page. Your unsaved changes are kept on this computer.");
  }
  const pending = outbox.batches.flatMap((b) => b.changes);
  conflict.showConflict($("conflict"), { current, message, confirmed, pending, view }, (keepMine, server, version) => {
    if (keepMine) outbox.resume(version);
    else outbox.discard(version);
    rebase(server);
    say(keepMine ? "Your changes are being applied to the saved version." : "Loaded the saved version.");
  });
}

async function load() {
  let answer;
  try {
    answer = await api.request("GET", data.urls.layer);
  } catch {
    answer = { status: 0 };
  }
  if (answer.status !== 200) {
    showStatus({ state: answer.status === 401 ? "signed_out" : "blocked", pending: 0,
      message: answer.data?.message || "The annotations could not be loaded. Reload the page to try again." });
    return;
  }
  const layer = answer.data.layer;
  // Another coder's layer (reviewers may look) or a suggestion layer: the API would refuse saves.
  if (layer.kind === "suggestion" || (layer.kind === "coder" && layer.user !== data.user)) {
    readOnly = `Read-only: this is ${layer.kind === "coder" ? `${layer.user}'s layer` : "a suggestion layer"}.`;
  }
  confirmed = fromLayer(answer.data);
  outbox = new Outbox({
    api, layerId: layer.id, base: layer.version, url: data.urls.changes.replace("{id}", layer.id),
    onStatus: showStatus,
    onSaved: (batch) => { confirmed = applyOps(confirmed, batch.changes); },
    onRejected: (batch, message) => {
      rebase(confirmed);
      say(`A change was refused and taken back: ${message}`);
    },
    onConflict: showConflict,
  });
  const restored = outbox.restore();
  view = applyOps(confirmed, outbox.batches.flatMap((b) => b.changes));
  refresh();
  if (restored) say(`Restored ${restored} unsaved change(s) from this computer; saving them now.`);
  if (readOnly) {
    say(readOnly);
    $("done").hidden = true; // "done" is about the caller's own assignment
  }
  // Suggestions are copied into the caller's own layer only (never into gold or another's).
  $("suggest").hidden = Boolean(readOnly) || layer.kind !== "coder";
  if (!$("suggest").hidden) api.request("GET", data.urls.suggestions).then((a) => a.data?.suggestions?.length && suggestions(a.data), () => {});
  outbox.emit();
  outbox.flush();
}

// ---- events

const focusedSpanId = () => document.activeElement?.closest?.(".sp")?.dataset.spanId || null;

installShortcuts(book.span_labels, {
  label: labelSelection,
  relabel: (label) => relabel(focusedSpanId(), label),
  newEvent: () => newEvent(focusedSpanId()),
  newAttribution: () => newAttribution(focusedSpanId()),
  edit: () => select("span", focusedSpanId(), "sp-label"),
  remove: () => deleteSpan(focusedSpanId()),
  undo, redo, say,
  decide: (accept, all) => sg?.decide(accept, all),
  help: openHelp,
  frame: (key) => Boolean(frame && point) && (key !== "Enter" || Boolean(document.activeElement?.closest?.("#doc-text")))
    && point.key(key, { selection: hasSelection(), focused: focusedSpanId() }),
  escape: () => {
    if (point?.closeConfirm()) return;
    if (hasSelection()) {
      window.getSelection().removeAllRanges();
      return hideCaret();
    }
    if (frame?.armed) {
      frame.armed = null;
      return refresh();
    }
    if (frame) openFrame(null);
  },
}, { focusedSpan: () => Boolean(focusedSpanId()), hasSelection, focusedSuggestion: () => Boolean(document.activeElement?.dataset.sg) });

$("doc-text").addEventListener("keydown", (event) => {
  const root = event.target.closest?.(".ptext");
  if (!root || event.defaultPrevented) return;
  let from = null;
  const { spanId, sg: id } = event.target.closest(".sp")?.dataset || {};
  const span = view.spans.get(spanId) || sg?.spans().find((s) => s.id === id);
  if (span) {
    // From a focused span the caret starts at its edge, so keyboard selection carries on.
    const text = paraText.get(span.paragraph);
    const [s, e] = [cpToUtf16(text, span.start), cpToUtf16(text, span.end)];
    const back = event.key === "ArrowLeft" || event.key === "Home";
    from = event.shiftKey ? { anchor: back ? e : s, focus: back ? s : e } : { anchor: back ? s : e, focus: back ? s : e };
  }
  caretKey(event, root, from);
});

$("doc-text").addEventListener("click", (event) => {
  const spanEl = event.target.closest?.(".sp");
  // With a role waiting, a click on a span or a mouse selection fills it.
  if (frame?.armed && (hasSelection() || spanEl?.dataset.spanId) && point.point(spanEl?.dataset.spanId, hasSelection())) return;
  if (spanEl && !selectionRange()) focusSpan(spanEl.dataset.spanId, false);
});

// The palette: every label and command key as a button. A click acts as the key would, on the
// selection or focused span, which keep their place (the button takes neither).
fill($("palette"), [...book.span_labels.map((l) => [l.key, l.name, l.colour]), ["n", "New event"], ["r", "New attribution"]]
  .map(([key, name, colour]) => {
    const button = h("button", {
      type: "button", "data-label": colour ? name : null, "data-key": key, "aria-keyshortcuts": key,
      onmousedown: (e) => e.preventDefault(),
      onclick: () => (key ? pressKey(key) : labelSelection(name)),
    }, colour ? h("span", { class: "swatch", text: name }) : name, key ? h("kbd", { text: key }) : null);
    button.querySelector(".swatch")?.style.setProperty("--c", colours.get(name));
    return button;
  }));

// The sticky bar's height, so that the side panel and scrolled-to items stay clear of it.
new ResizeObserver(([entry]) => document.documentElement.style.setProperty("--bar", `${Math.ceil(entry.target.offsetHeight)}px`))
  .observe(document.querySelector(".doc-bar"));

document.addEventListener("focusin", (event) => {
  if (event.target.closest?.("#doc-text")) lastInText = event.target;
  const id = event.target.closest?.(".sp")?.dataset.spanId;
  if (id && id !== ctx.selected.span) {
    ctx.selected.span = id;
    rebuild($("span-panel"), () => spanPanel(ctx));
  }
});
document.addEventListener("focusout", (event) => {
  if (event.target.classList?.contains("ptext")) hideCaret();
});

$("undo").addEventListener("click", undo);
$("redo").addEventListener("click", redo);
$("help-button").addEventListener("click", openHelp);
$("suggest").addEventListener("click", () => suggestions());

/** Show the first `page` of suggestions (and the rest), or make them; lib/suggestions.js is loaded only for this. */
async function suggestions(page) {
  sg ??= (await import("./lib/suggestions.js")).suggestions(ctx, $("suggestions-panel"), data.urls.suggestions);
  return page ? sg.show(page) : sg.make();
}

$("retry").addEventListener("click", () => outbox?.retryNow());
$("adopt").addEventListener("click", () => {
  const n = outbox.adopt();
  rebase(confirmed);
  say(`Took over ${n} unsaved change(s); saving them now.`);
  outbox.flush();
});
$("snap").checked = localStorage.getItem("annotator:snap") === "1";
$("snap").addEventListener("change", () => localStorage.setItem("annotator:snap", $("snap").checked ? "1" : "0"));

function showDocStatus() {
  const done = data.assignment_status === "done";
  $("doc-status").textContent = data.assignment_status ? `Status: ${data.assignment_status.replace("_", " ")}` : "";
  $("done").textContent = done ? "Reopen document" : "Mark document done";
}
showDocStatus();
$("done").addEventListener("click", async () => {
  if (outbox?.pending) return say("Wait until every change is saved, then mark the document done.");
  const status = data.assignment_status === "done" ? "in_progress" : "done";
  let answer;
  try {
    answer = await api.request("POST", data.urls.status, { status });
  } catch {
    return say("Cannot reach the server: the document status was not changed.");
  }
  if (answer.status !== 200) return say(answer.data?.message || `The status was not changed (${answer.status}).`);
  data.assignment_status = answer.data.status;
  showDocStatus();
  say(status === "done" ? "Document marked done." : "Document reopened.");
});

// Unsaved changes: warn before leaving, mark them as left behind when the tab goes away, and
// retry as soon as the network or the user (after signing in elsewhere) is back.
window.addEventListener("beforeunload", (event) => {
  if (outbox?.pending) {
    event.preventDefault();
    event.returnValue = "";
  }
});
window.addEventListener("pagehide", () => outbox?.save(true));
window.addEventListener("pageshow", (event) => { if (event.persisted) outbox?.save(); });
window.addEventListener("online", () => outbox?.retryNow());
window.addEventListener("focus", () => outbox?.retryNow());
window.addEventListener("storage", (event) => {
  outbox?.noticeStorage(event);
});

load();
