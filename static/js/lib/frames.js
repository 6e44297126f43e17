// Frames (events and attributions) as the text shows them: each frame's name and colour, its
// roles and the label a fresh span gets in each, and the marks drawn on its parts. Building them
// by pointing is lib/pointing.js, loaded when a frame is first opened.

// Dark enough for white text (at least 4.5:1) and told apart from one another.
const COLOURS = ["#1e4e8c", "#9b2c2c", "#22543d", "#6b21a8", "#8a3b00", "#0f5f5a", "#9d174d", "#374151"];
const ROLE_LABEL = {
  source: "SOURCE", cue: "CUE", content: "CONTENT", actor: "ACTOR", recipient: "ACTOR", location: "LOCATION", time: "TIME",
};
const SHORT = { source: "src", cue: "cue", trigger: "" };
const AT_ROLES = ["source", "cue", "content"];

/** The roles of a frame kind: [{role, label (a fresh span's, or null), key (a digit)}]. */
export function rolesOf(book, kind) {
  const labels = new Set(book.span_labels.map((l) => l.name));
  return (kind === "attribution" ? AT_ROLES : book.argument_roles)
    .map((role, i) => ({ role, label: labels.has(ROLE_LABEL[role]) ? ROLE_LABEL[role] : null, key: String(i + 1) }));
}

/** "E1" / "A2" and a colour for every frame, by creation order (as the panels list them). */
export function frameNames(view) {
  const names = new Map();
  [...view.events.keys()].forEach((id, i) => names.set(id, { name: `E${i + 1}`, colour: COLOURS[(i + 4) % 8] }));
  [...view.attributions.keys()].forEach((id, i) => names.set(id, { name: `A${i + 1}`, colour: COLOURS[i % 8] }));
  return names;
}

/** [role, spanId] pairs of a frame; an event's trigger has role "trigger". */
export function partsOf(kind, frame) {
  return kind === "event" ? [["trigger", frame.trigger], ...frame.arguments.map((a) => [a.role, a.span])]
    : AT_ROLES.flatMap((r) => frame[r].map((id) => [r, id]));
}

/**
 * What to draw on each span: Map spanId -> {marks: [{t, c, kind: "chip"|"open"|"close", pr}], on}.
 * `focus` ({kind, id}) is the frame whose parts are highlighted; `proposals` are drawn dashed.
 */
export function frameMarks(view, focus, proposals = []) {
  const names = frameNames(view);
  const out = new Map();
  const at = (id) => out.get(id) || out.set(id, { marks: [], on: null }).get(id);
  const add = (kind, frame) => {
    const { name, colour: c } = names.get(frame.id);
    const parent = kind === "attribution" && frame.parent && names.get(frame.parent)?.name;
    const on = focus?.id === frame.id;
    for (const [role, id] of partsOf(kind, frame)) {
      if (!view.spans.has(id)) continue;
      const entry = at(id);
      if (on) entry.on = c;
      if (role === "content") {
        entry.marks.push({ t: `${parent ? `${parent}›` : ""}${name}[`, c, kind: "open" }, { t: `]${name}`, c, kind: "close" });
      } else {
        const short = SHORT[role] ?? role;
        entry.marks.push({ t: short ? `${name}·${short}` : name, c, kind: "chip" });
      }
    }
  };
  for (const ev of view.events.values()) add("event", ev);
  for (const a of view.attributions.values()) add("attribution", a);
  const colour = focus && names.get(focus.id)?.colour;
  for (const p of proposals) {
    if (p.span && view.spans.has(p.span)) at(p.span).marks.push({ t: `${names.get(focus.id)?.name}·${SHORT[p.role] ?? p.role}?`, c: colour, kind: "chip", pr: true });
  }
  return out;
}
