// Suggestions beside the coder's spans, never mixed with them: drawn dashed, named "suggested …"
// and outside the coder's layer until accepted. Accepting copies one in as ordinary changes, so
// the outbox saves, validates and undoes it like any edit. The server remembers decisions and
// leaves decided suggestions out of this coder's list. Loaded only once there are suggestions.

import { h, rebuild } from "./dom.js";
import { applyOp, clone, newId } from "./model.js";

const same = (a, b) => a?.paragraph === b.paragraph && a.start === b.start && a.end === b.end;
const find = (state, p) => [...state.spans.values()].find((o) => same(o, p) && o.label === p.label);
// The coder's attribution whose cue is at p's offsets: a suggestion with that cue is theirs already.
const withCue = (state, p) => [...state.attributions.values()].find((a) => a.cue.some((id) => same(state.spans.get(id), p)));
const el = (s) => s && document.querySelector(`[data-sg="${CSS.escape(s.id)}"]:is(.sp-start, button)`);

function name(s) {
  const part = (role) => s.spans.filter((p) => !role || p.role === role).map((p) => (p.text.length > 40 ? `${p.text.slice(0, 40)}…` : p.text)).join(" … ");
  return s.kind === "attribution" ? `attribution: ${part("source")} · ${part("cue")} · “${part("content")}”` : `${s.spans[0].label}: ${part()}`;
}

/** The page's suggestions; `url` reads (GET) and makes (POST) them. */
export function suggestions(ctx, panel, url) {
  let all = [];
  let current; // what the panel's buttons act on: the suggestion last focused
  let sending = Promise.resolve();
  const done = new Set();
  // One that the coder's layer holds already would only be clutter.
  const open = () => all.filter((s) => !done.has(s.id)
    && !(s.kind === "attribution" ? withCue(ctx.view, s.spans.find((p) => p.role === "cue")) : find(ctx.view, s.spans[0])));
  const byId = (id) => open().find((s) => s.id === id);
  const focused = () => byId(document.activeElement?.dataset.sg);

  function record(list, decision) {
    for (const s of list) done[decision === "reopened" ? "delete" : "add"](s.id);
    ctx.refresh();
    const decisions = list.map((s) => ({ id: s.id, decision }));
    // One request at a time: an accept and its undo must arrive in that order.
    sending = sending.then(() => ctx.api.request("POST", `${url}/decisions`, { decisions })).then(
      (a) => a.status === 200 || ctx.say(`A decision on a suggestion was not recorded: ${a.data?.message || a.status}`),
      () => ctx.say("Cannot reach the server: a decision on a suggestion was not recorded."));
  }

  /** Changes that copy `list` into the coder's layer, reusing the spans it holds already. */
  function changes(list) {
    const state = clone(ctx.view);
    const ops = [];
    const add = (op) => (ops.push(op), applyOp(state, op), op);
    const span = ({ role, ...p }) => find(state, p)?.id || add({ op: "add_span", span: { ...p, id: newId("s") } }).span.id;
    for (const s of list) {
      if (s.kind !== "attribution") span(s.spans[0]);
      else {
        const at = { id: newId("a"), source: [], cue: [], content: [], attrs: s.attrs };
        for (const p of s.spans) at[p.role].push(span(p));
        const parent = s.parent && withCue(state, s.parent);
        add({ op: "add_attribution", attribution: { ...at, parent: parent?.id || null } });
      }
    }
    return ops;
  }

  /** Accept or reject suggestion `one` (the focused one), or every open one of its kind. */
  function decide(accept, every, one = focused()) {
    if (!one) return;
    const list = open();
    const chosen = every ? list.filter((s) => s.kind === one.kind) : [one];
    const next = [...list.slice(list.indexOf(one)), ...list].find((s) => !chosen.includes(s));
    const refocus = one === focused();
    const what = every ? `${chosen.length} ${one.kind} suggestions` : `suggested ${name(one)}`;
    const undone = (back) => record(chosen, back ? "reopened" : "accepted");
    if (accept && !ctx.act(changes(chosen), `Accepted ${what} (Ctrl+Z undoes).`, undone)) return;
    if (!accept) ctx.say(`Rejected ${what}.`);
    current = next;
    record(chosen, accept ? "accepted" : "rejected");
    // Keyboard users go on with the next suggestion (or the paragraph, after the last one).
    if (refocus) (el(next) || document.querySelector(`.ptext[data-paragraph="${one.spans[0].paragraph}"]`)).focus();
  }

  function render() {
    const list = open();
    if (!list.includes(current)) current = list[0];
    const kind = current?.kind;
    const n = list.filter((s) => s.kind === kind).length;
    const them = `all ${n} ${kind} suggestions`;
    const buttons = [["Accept suggestion", "y"], ["Reject suggestion", "x"], [`Accept ${them}`, "Shift+Y"], [`Reject ${them}`, "Shift+X"]]
      .map(([text, key], i) => h("button", { type: "button", "data-fk": key, "aria-keyshortcuts": key, onclick: () => decide(i % 2 < 1, i > 1, current) }, `${text} `, h("kbd", { text: key })));
    panel.hidden = false;
    rebuild(panel, () => [
      h("h2", { text: `Suggestions (${list.length})` }),
      current ? [
        h("p", { text: `suggested ${name(current)}, from ${current.source}` }),
        h("div", { class: "buttons" }, buttons),
      ] : h("p", { class: "empty", text: "No open suggestions. Suggest looks again." }),
      h("ul", { class: "items" }, list.filter((s) => s.kind === "attribution").map((s) => h("li", {}, h("button", {
        type: "button", class: "item", "data-sg": s.id, "data-fk": s.id, "aria-pressed": String(s === current), text: `suggested ${name(s)}`,
      })))),
    ]);
  }

  let shown = 0; // which answer is on show: a newer one stops reading an older one's pages

  /** Show a first `page` ({suggestions, next}), then read and add the following pages. */
  async function show(page) {
    const mine = ++shown;
    all = page.suggestions;
    done.clear();
    ctx.refresh();
    let next = page.next;
    // The server answers in pages of whole paragraphs, never all of a long document at once.
    while (next !== null && next !== undefined) {
      const answer = await ctx.api.request("GET", `${url}?from_paragraph=${next}`).catch(() => ({}));
      if (mine !== shown) return false;
      if (answer.status !== 200 || !answer.data?.suggestions) {
        ctx.say("Some suggestions could not be read: Suggest tries again.");
        return false;
      }
      all = all.concat(answer.data.suggestions);
      next = answer.data.next;
      ctx.refresh();
    }
    return true;
  }

  // The panel follows focus; a click focuses a suggestion (its later pieces are not focusable).
  document.addEventListener("focusin", (event) => {
    const s = byId(event.target.dataset?.sg);
    if (s && s !== current) {
      current = s;
      render();
    }
  });
  document.addEventListener("click", (event) => {
    const id = event.target.closest?.(".sp, button")?.dataset.sg;
    if (id && getSelection().isCollapsed) el(byId(id))?.focus();
  });

  return {
    show, render, decide,
    spans: () => open().filter((s) => s.kind !== "attribution").map((s) => ({ ...s.spans[0], id: s.id, sg: true })),
    /** Run the suggester for this document. */
    async make() {
      ctx.say("Suggesting…");
      const answer = await ctx.api.request("POST", url).catch(() => ({}));
      const page = answer.data?.suggestions ? answer.data : null;
      if (!page) return ctx.say(answer.data?.message || "The server cannot be reached.");
      if (await show(page)) ctx.say(`${open().length} open suggestion(s): focus one, then y accepts and x rejects it.`);
    },
  };
}
