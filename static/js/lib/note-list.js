// The notes of one paragraph, loaded when the coder first opens them (lib/notes.js has the
// button). Notes are saved at once (they are not layer changes, so not queued).

import { extraStyles, h, select } from "./dom.js";

extraStyles(); // css/annotate-tools.css

const FLAGS = ["off topic", "garbled text", "duplicate", "not news", "unclear"];
const listOf = (data) => (Array.isArray(data) ? data : data?.notes || []);
const author = (n) => n.user?.username ?? n.username ?? n.user ?? "";
let flags = null; // suggestions for flag texts (a <datalist>), added to the page once

/** Fill `box` with the notes of paragraph `para` and a form to add one. */
export async function load(ctx, para, box) {
  const url = ctx.urls.notes.replace("{id}", para.id);
  flags ??= document.body.appendChild(h("datalist", { id: "flag-names" }, FLAGS.map((f) => h("option", { value: f }))));
  box.replaceChildren(h("p", { class: "hint", text: "Loading notes…" }));
  let answer;
  try {
    answer = await ctx.api.request("GET", url);
  } catch {
    answer = { status: 0 };
  }
  if (answer.status !== 200) {
    box.replaceChildren(h("p", { class: "warn", text: "Notes could not be loaded." }));
    return;
  }
  const notes = listOf(answer.data);
  const kind = select("Kind", [["comment", "comment"], ["flag", "flag"]], "comment", null);
  const body = h("input", { type: "text", "aria-label": "Note text", list: "flag-names", maxlength: 2000 });
  const form = h("form", {
    class: "note-form",
    onsubmit: async (event) => {
      event.preventDefault();
      if (!body.value.trim()) return;
      const sent = await send(ctx, "POST", url, { kind: kind.value, body: body.value.trim() });
      if (sent) load(ctx, para, box).then(() => box.querySelector("input")?.focus());
    },
  }, kind, body, h("button", { type: "submit", text: "Add note" }));
  box.replaceChildren(
    notes.length
      ? h("ul", { class: "chips" }, notes.map((n) => h("li", {},
        h("span", { text: `${n.kind}: ${n.body}${author(n) ? ` — ${author(n)}` : ""}` }),
        author(n) === ctx.user ? h("button", {
          type: "button", text: "Delete", "aria-label": `Delete note ${n.body}`,
          onclick: async () => {
            if (await send(ctx, "DELETE", ctx.urls.note.replace("{id}", n.id))) load(ctx, para, box);
          },
        }) : null)))
      : h("p", { class: "empty", text: "No notes on this paragraph." }),
    form);
}

async function send(ctx, method, url, body) {
  try {
    const answer = await ctx.api.request(method, url, body);
    if (answer.status < 300) {
      ctx.say(method === "DELETE" ? "Note deleted" : "Note saved");
      return true;
    }
    ctx.say(answer.data?.message || `The note was not saved (${answer.status}).`);
  } catch {
    ctx.say("Cannot reach the server: the note was not saved.");
  }
  return false;
}
