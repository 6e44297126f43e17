// The review page. The server aligns the coders' layers (GET …/review); this page shows them
// paragraph by paragraph, agreed items and disagreements side by side, and sends each decision
// (POST …/review/decisions) with the gold version it was made against. After every answer the
// page redraws from the server's view, so what it shows is always what gold holds.

import { Api, isSignedOut } from "./lib/api.js";
import { fill, h, isTyping } from "./lib/dom.js";
import { editor } from "./lib/review-editor.js";
import { noteField, openForm } from "./lib/review-forms.js";
import { paragraphRows, renderCoders } from "./lib/review-render.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("page-data").textContent);
const book = data.codebook;
const colours = new Map(book.span_labels.map((l) => [l.name, l.colour]));
const api = new Api(data.csrf_token, location.href, data.urls.review);
const KINDS = ["spans", "events", "attributions"];
let review = null;
let busy = false;

function say(message) {
  $("announce").textContent = message;
}

// ---- loading and sending -------------------------------------------------------------------

async function load() {
  let answer;
  try {
    answer = await api.request("GET", data.urls.review);
  } catch {
    say("The server could not be reached. Reload the page to try again.");
    return;
  }
  if (answer.status !== 200) {
    say(answer.data?.message || `The review could not be loaded (${answer.status}).`);
    return;
  }
  review = answer.data;
  render();
}

/** POST a body; on success redraw from the server's answer and return true. */
async function post(url, body, what) {
  if (busy) return false;
  busy = true;
  say(`${what}…`);
  let answer;
  try {
    answer = await api.request("POST", url, body);
  } catch {
    say(`${what}: the server could not be reached; nothing was saved. Try again.`);
    return false;
  } finally {
    busy = false;
  }
  if (answer.status === 200) {
    review = answer.data.review;
    render();
    say(`${what}: saved. Gold is at version ${review.gold.version}.`);
    return true;
  }
  if (isSignedOut(answer)) {
    const renewed = await api.refreshToken();
    say(renewed ? `${what}: your session was renewed; please do it again.`
      : "You are signed out. Sign in again in another tab, then try again.");
    return false;
  }
  if (answer.status === 409 && answer.data?.current) {
    review = answer.data.current;
    render();
  }
  say(answer.data?.message || `${what}: the server refused it (${answer.status}).`);
  return false;
}

function decide(body, what) {
  return post(data.urls.decisions, { ...body, gold_version: review.gold.version }, what);
}

// ---- finding things ------------------------------------------------------------------------

function targets() {
  return review.paragraphs.flatMap((p) => KINDS.flatMap((kind) => [...p[kind].agreed, ...p[kind].conflicts]));
}

const findTarget = (id) => targets().find((t) => t.id === id);
const paragraphText = (index) => review.paragraphs.find((p) => p.index === index)?.text || "";
const itemElements = () => [...document.querySelectorAll(".rv-item")].filter((el) => el.getClientRects().length);

function focusItem(id) {
  const el = id && document.querySelector(`.rv-item[data-id="${CSS.escape(id)}"]`);
  if (el) el.focus();
  return Boolean(el);
}

function move(step) {
  const items = itemElements();
  const at = items.indexOf(document.activeElement?.closest?.(".rv-item"));
  const next = items[at < 0 ? (step > 0 ? 0 : items.length - 1) : at + step];
  if (next) next.focus();
}

/** After a decision: focus the next item still open, else stay where we were. */
function focusNextOpen(id) {
  const items = itemElements();
  const at = items.findIndex((el) => el.dataset.id === id);
  const next = [...items.slice(at + 1), ...items.slice(0, Math.max(at, 0))].find((el) => el.dataset.state === "open");
  if (next) next.focus();
  else focusItem(id);
}

// ---- drawing -------------------------------------------------------------------------------

function render() {
  const focused = document.activeElement?.closest?.(".rv-item")?.dataset.id;
  $("doc-status").textContent = review.document.status;
  $("gold-version").textContent = String(review.gold.version);
  const { agreed, conflicts } = review.counts;
  const blockers = review.finish_blockers.length ? ` To finish: ${review.finish_blockers.join(" ")}` : " Ready to finish.";
  $("summary").textContent = `Agreed items open: ${agreed.open} of ${agreed.total}. `
    + `Disagreements open: ${conflicts.open} of ${conflicts.total}.${blockers}`;
  $("accept-agreed").disabled = agreed.open === 0;
  renderCoders($("coders"), review);
  const ctx = { colours, say, accept: acceptItem, choose, edit: openEditor, reject: rejectItem, note: openNote };
  fill($("paragraphs"), paragraphRows(review, ctx));
  if (focused) focusItem(focused);
}

/** Light up in the text the marks the focused item stands on. */
function highlight(item) {
  for (const el of document.querySelectorAll(".rv-mark.rv-hl")) el.classList.remove("rv-hl");
  const section = item?.closest(".rv-para");
  if (!section) return;
  const keys = new Set((item.dataset.keys || "").split(" ").filter(Boolean));
  for (const el of section.querySelectorAll(".rv-mark")) if (keys.has(el.dataset.key)) el.classList.add("rv-hl");
}

/** A click on a mark in the text goes to the item that decides it. */
function itemForMark(mark) {
  const section = mark.closest(".rv-para");
  const items = [...section.querySelectorAll(".rv-item")];
  return items.find((el) => el.dataset.id === mark.dataset.target)
    || items.find((el) => (el.dataset.keys || "").split(" ").includes(mark.dataset.key));
}

/** Keep focused items clear of the sticky bar, however tall it wraps. */
function fitBar() {
  const height = Math.ceil($("review").querySelector(".rv-bar").getBoundingClientRect().height);
  document.documentElement.style.setProperty("--rv-bar", `${height}px`);
}

// ---- decisions -----------------------------------------------------------------------------

async function choose(conflict, index) {
  const version = conflict.versions[index];
  if (!version) {
    say(`There is no coder ${index + 1} here: choose 1 to ${conflict.versions.length}.`);
    return;
  }
  if (await decide({ action: "accept", target: conflict.id, coder: version.coder }, `Use ${version.coder}'s version`)) {
    focusNextOpen(conflict.id);
  }
}

async function acceptItem(item) {
  if (await decide({ action: "accept", target: item.id }, "Accept")) focusNextOpen(item.id);
}

async function rejectItem(target) {
  if (await decide({ action: "reject", target: target.id }, "Reject")) focusNextOpen(target.id);
}

function formIn(target, title, fields, onSave) {
  // A card has its own slot; an agreed chip's form goes in its paragraph's action bar.
  const item = document.querySelector(`.rv-item[data-id="${CSS.escape(target.id)}"]`);
  const slot = item?.querySelector(".rv-slot") || item?.closest(".rv-agreed-block")?.querySelector(".rv-chipbar .rv-slot");
  if (!slot) return;
  openForm(slot, title, fields, onSave, () => focusItem(target.id));
}

function openEditor(target) {
  let built;
  try {
    built = editor(target, book, paragraphText(target.paragraph));
  } catch (error) {
    say(error.message);
    return;
  }
  const note = noteField();
  formIn(target, `Edit this ${target.kind}`, [built.element, h("label", { class: "fld" }, "Note (optional) ", note)], async () => {
    let item;
    try {
      item = built.read();
    } catch (error) {
      say(error.message);
      return;
    }
    if (await decide({ action: "edit", target: target.id, item, note: note.value || null }, "Edit")) {
      focusNextOpen(target.id);
    }
  });
}

function openNote(target) {
  const area = noteField(target.decision?.note || "");
  formIn(target, "Note for this decision", [h("label", { class: "fld" }, "Note ", area)], async () => {
    if (!area.value.trim()) {
      say("Write the note first.");
      return;
    }
    if (await decide({ action: "note", target: target.id, note: area.value }, "Note")) focusItem(target.id);
  });
}

function acceptAgreed() {
  if (review.counts.agreed.open === 0) {
    say("Every agreed item is already decided.");
    return;
  }
  decide({ action: "accept_agreed" }, "Accept all agreed");
}

// ---- wiring --------------------------------------------------------------------------------

$("accept-agreed").addEventListener("click", acceptAgreed);
$("finish").addEventListener("click", () => post(data.urls.finish, {}, "Finish adjudication"));
if (data.urls.gold) {
  $("gold-link").href = data.urls.gold;
  $("gold-link").hidden = false;
}

document.addEventListener("focusin", (event) => {
  const item = event.target.closest?.(".rv-item");
  if (item) highlight(item);
});
$("paragraphs").addEventListener("click", (event) => {
  const mark = event.target.closest?.(".rv-mark");
  if (!mark || window.getSelection().toString()) return;
  itemForMark(mark)?.focus();
});
new ResizeObserver(fitBar).observe($("review").querySelector(".rv-bar"));

document.addEventListener("keydown", (event) => {
  if (!review || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target)) return;
  const el = event.target.closest?.(".rv-item");
  const target = el && findTarget(el.dataset.id);
  const key = event.key;
  let done = true;
  if (key === "?") $("keys").open = !$("keys").open;
  else if (key === "A") acceptAgreed();
  else if (key === "j") move(1);
  else if (key === "k") move(-1);
  else if (!target) done = false;
  else if (/^[1-9]$/.test(key)) {
    if (target.from) say("This item is agreed: press a to accept it.");
    else choose(target, Number(key) - 1);
  } else if (key === "a") {
    if (target.from) acceptItem(target);
    else say(`Choose a coder's version with 1 to ${target.versions.length}, or press e to edit.`);
  } else if (key === "e") openEditor(target);
  else if (key === "x") rejectItem(target);
  else if (key === "n") openNote(target);
  else done = false;
  if (done) event.preventDefault();
});

load();
