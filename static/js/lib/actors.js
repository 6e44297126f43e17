// Linking an ACTOR span to the project's canonical actor: a type-ahead combobox over
// GET /api/projects/<id>/actors?q=..., and "propose new actor" when the registry lacks it.

import { extraStyles, h } from "./dom.js";

extraStyles(); // css/annotate-tools.css

const names = new Map(); // actor id -> "Name (GPE, UKR, GOV)", from answers seen on this page

const describe = (a) => `${a.name} (${[a.entity_type, a.country, a.sector].filter(Boolean).join(", ")})${a.proposed ? " — proposed" : ""}`;
const listOf = (data) => (Array.isArray(data) ? data : data?.actors || data?.items || []);

/**
 * The actor field of the span editor. `link(actor)` stores the chosen actor on the span (or
 * unlinks it when null).
 */
export function actorField(ctx, span, fieldName, link) {
  const id = span.attrs[fieldName];
  const listId = `actor-options-${span.id}`;
  const input = h("input", {
    type: "text", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
    "aria-controls": listId, "aria-label": "Canonical actor: type to search", "data-fk": "sp-actor",
    placeholder: "Search the actor registry…", autocomplete: "off",
  });
  const list = h("ul", { role: "listbox", id: listId, class: "combo", hidden: true, "aria-label": "Matching actors" });
  const note = h("p", { class: "hint", "aria-live": "polite" });
  let options = [];
  let active = -1;
  let timer = null;

  const choose = (actor) => {
    names.set(actor.id, describe(actor));
    close();
    link(actor);
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    if (i >= 0) input.setAttribute("aria-activedescendant", `${listId}-${i}`);
  };
  const search = async () => {
    const q = input.value.trim();
    if (!q) return close();
    let answer;
    try {
      answer = await ctx.api.request("GET", `${ctx.urls.actors}?q=${encodeURIComponent(q)}`);
    } catch {
      note.textContent = "Cannot reach the server to search actors.";
      return;
    }
    options = answer.status === 200 ? listOf(answer.data) : [];
    for (const a of options) names.set(a.id, describe(a));
    list.replaceChildren(...options.map((a, i) => h("li", {
      role: "option", id: `${listId}-${i}`, "aria-selected": "false", text: describe(a),
      onmousedown: (e) => { e.preventDefault(); choose(a); },
    })));
    list.hidden = !options.length;
    input.setAttribute("aria-expanded", String(options.length > 0));
    note.textContent = options.length ? `${options.length} actors found` : "No actor found: propose a new one below.";
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && options.length) mark(Math.min(active + 1, options.length - 1));
    else if (e.key === "ArrowUp" && options.length) mark(Math.max(active - 1, 0));
    else if (e.key === "Enter" && active >= 0) choose(options[active]);
    else if (e.key === "Escape" && !list.hidden) close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  input.addEventListener("blur", () => setTimeout(close, 150));

  // "Propose new actor" asks for the name, type and country, filled in from the span (the search
  // text is what the coder typed to look, not the actor's name).
  const types = ctx.codebook.span_labels.find((l) => l.name === span.label)?.attributes
    ?.find((a) => a.name === "entity_type")?.values || [];
  const form = h("form", { class: "propose", hidden: true, "aria-label": "Propose a new actor" },
    h("label", { class: "fld" }, h("span", { class: "field-name", text: "Name" }),
      h("input", { name: "name", value: span.text, required: true, "data-fk": "pr-name" })),
    h("label", { class: "fld" }, h("span", { class: "field-name", text: "Type" }),
      h("select", { name: "entity_type", required: true, "data-fk": "pr-type" },
        [["", "—"], ...types.map((t) => [t, t])].map(([v, t]) => h("option", { value: v, text: t, selected: v === (span.attrs.entity_type || "") })))),
    h("label", { class: "fld" }, h("span", { class: "field-name", text: "Country" }),
      h("input", { name: "country", value: span.attrs.country || "", placeholder: "ISO alpha-3, e.g. UKR", "data-fk": "pr-country" })),
    h("button", { type: "submit", "data-fk": "pr-send", text: "Propose" }),
    h("button", { type: "button", text: "Cancel", onclick: () => { form.hidden = true; propose.focus(); } }));
  const propose = h("button", {
    type: "button", "data-fk": "sp-propose", text: "Propose new actor",
    onclick: () => {
      form.hidden = false;
      form.elements.name.focus();
    },
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    const type = form.elements.entity_type.value;
    const country = form.elements.country.value.trim().toUpperCase() || null;
    if (!name || !type) {
      note.textContent = "The new actor needs a name and a type.";
      return;
    }
    const body = {
      name, entity_type: type, country, sector: span.attrs.sector || null,
      aliases: name === span.text ? [] : [span.text],
    };
    let answer;
    try {
      answer = await ctx.api.request("POST", ctx.urls.actors, body);
    } catch {
      note.textContent = "Cannot reach the server: the actor was not proposed.";
      return;
    }
    const actor = answer.data?.actor || answer.data;
    if (answer.status === 409 && typeof actor?.id === "number") {
      choose(actor);
      ctx.say(`The registry already has ${actor.name}: linked to it.`);
      return;
    }
    if (answer.status >= 300 || typeof actor?.id !== "number") {
      note.textContent = answer.data?.message || `The actor was not proposed (${answer.status}).`;
      return;
    }
    choose(actor);
    ctx.say(actor.proposed ? `Proposed new actor ${actor.name}: a manager will confirm it.` : `Added actor ${actor.name}.`);
  });

  if (!names.has(id) && ctx.actors?.[id]) names.set(id, describe(ctx.actors[id]));
  const linked = id
    ? h("p", { class: "linked" }, `Linked: ${names.get(id) || `actor #${id}`} `, h("button", {
      type: "button", text: "Unlink", "data-fk": "sp-unlink", "aria-label": "Unlink the canonical actor",
      onclick: () => link(null),
    }))
    : h("p", { class: "hint", text: "No canonical actor linked." });
  return h("div", { class: "actor-field" }, h("span", { class: "field-name", text: "Canonical actor" }), linked,
    h("div", { class: "combo-wrap" }, input, list), propose, form, note);
}
