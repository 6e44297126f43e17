// The attributions panel (PARC/PolNeAR): who (source) said (cue) what (content). The list is
// drawn as a tree so that nesting is visible; the open one's editor is lib/frame-editor.js.

import { h } from "./dom.js";
import { editorFor, frameItem } from "./events-panel.js";
import { frameNames } from "./frames.js";

/** "A2 · Kyiv · According to · “Moscow claimed…”" for lists and the parent select. */
export function atSummary(ctx, at, names) {
  const part = (role) => at[role].map((id) => ctx.view.spans.get(id)?.text).filter(Boolean).join(" … ");
  const content = part("content");
  const short = content.length > 50 ? `${content.slice(0, 50)}…` : content;
  return `${names.get(at.id).name} · ${part("source") || "(no source)"} · ${part("cue") || "(no cue)"} · “${short}”`;
}

/** Attributions in tree order, each with its depth. */
function tree(view) {
  const out = [];
  const visit = (parent, depth) => {
    for (const at of view.attributions.values()) {
      if ((at.parent || null) === parent) {
        out.push([at, depth]);
        if (depth < 20) visit(at.id, depth + 1);
      }
    }
  };
  visit(null, 0);
  // Attributions whose parent is missing locally are still listed.
  for (const at of view.attributions.values()) if (!out.some(([a]) => a === at)) out.push([at, 0]);
  return out;
}

export function attributionsPanel(ctx) {
  const names = frameNames(ctx.view);
  const rows = tree(ctx.view);
  const list = rows.length
    ? h("ul", { class: "items" }, rows.map(([at, depth]) => h("li", { class: `depth-${Math.min(depth, 4)}` },
      frameItem(ctx, "attribution", at, names, (depth ? `inside ${names.get(at.parent).name}: ` : "") + atSummary(ctx, at, names),
        ["source", "cue", "content"].flatMap((r) => at[r])))))
    : h("p", { class: "empty", text: "No attributions yet: select a cue and press r." });
  const current = ctx.view.attributions.get(ctx.selected.attribution);
  return [
    h("h2", { text: "Attributions" }),
    list,
    current ? editorFor(ctx, "attribution", current, names) : null,
  ];
}
