// The layer as plain data, and the change operations of docs/api.md applied to it. Pure: the
// page shows `applyOps(confirmed, pending)`, and undo is the inverse operations pushed as a new
// change, so that undo also goes through the save queue and cannot silently diverge.

const KINDS = ["spans", "events", "attributions"];
const ROLES = ["source", "cue", "content"];
// The keys that update_event and update_attribution may carry.
const EVENT_KEYS = ["trigger", "type", "attrs", "arguments"];
const ATTRIBUTION_KEYS = [...ROLES, "parent", "attrs"];

/** A layer from GET /api/documents/<id>/layer (or a 409's `current`) as Maps keyed by id. */
export function fromLayer(json) {
  return Object.fromEntries(KINDS.map((k) => [k, new Map((json[k] || []).map((item) => [item.id, item]))]));
}

export function clone(state) {
  return Object.fromEntries(KINDS.map((k) => [k, new Map(state[k])]));
}

const copy = (value) => structuredClone(value);
const pick = (item, keys) => Object.fromEntries(keys.map((k) => [k, copy(item[k])]));
const hasPart = (at, spanId) => ROLES.some((r) => at[r].includes(spanId));

/** A client-made item id (1-64 characters of A-Za-z0-9_-, as the API requires). */
export function newId(prefix) {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}-${Date.now().toString(36)}${random[0].toString(36)}${random[1].toString(36)}`;
}

/** Apply one operation in place, with the server's cascades (deleting a span unlinks it). */
export function applyOp(state, op) {
  const { spans, events, attributions } = state;
  switch (op.op) {
    case "add_span": spans.set(op.span.id, copy(op.span)); break;
    case "update_span": {
      const span = spans.get(op.id);
      // As the server: a missing key keeps the value, null attributes mean none.
      if (span) spans.set(op.id, { ...span, label: op.label ?? span.label, attrs: "attrs" in op ? copy(op.attrs ?? {}) : span.attrs });
      break;
    }
    case "delete_span":
      spans.delete(op.id);
      for (const [id, ev] of events) {
        if (ev.trigger === op.id) events.delete(id);
        else if (ev.arguments.some((a) => a.span === op.id)) {
          events.set(id, { ...ev, arguments: ev.arguments.filter((a) => a.span !== op.id) });
        }
      }
      for (const [id, at] of attributions) {
        if (hasPart(at, op.id)) {
          const next = { ...at };
          for (const r of ROLES) next[r] = at[r].filter((s) => s !== op.id);
          attributions.set(id, next);
        }
      }
      break;
    case "add_event": events.set(op.event.id, copy(op.event)); break;
    case "update_event": update(events, op, EVENT_KEYS); break;
    case "delete_event": events.delete(op.id); break;
    case "add_attribution": attributions.set(op.attribution.id, copy(op.attribution)); break;
    case "update_attribution": update(attributions, op, ATTRIBUTION_KEYS); break;
    case "delete_attribution":
      attributions.delete(op.id);
      // The database sets a deleted parent's children to top level (ON DELETE SET NULL).
      for (const [id, at] of attributions) {
        if (at.parent === op.id) attributions.set(id, { ...at, parent: null });
      }
      break;
    default: throw new Error(`unknown operation ${op.op}`);
  }
}

// What null means in an update, as on the server (annotator/layers/rules.py): no attributes,
// no arguments or parts; a null trigger or parent is kept as null.
const EMPTY = { attrs: () => ({}), arguments: () => [], source: () => [], cue: () => [], content: () => [] };

/** An update operation replaces the `keys` it has and keeps the others. */
function update(items, op, keys) {
  const item = items.get(op.id);
  if (!item) return;
  const given = pick(op, keys.filter((k) => k in op));
  for (const [key, value] of Object.entries(given)) {
    if (value === null && EMPTY[key]) given[key] = EMPTY[key]();
  }
  items.set(op.id, { ...item, ...given });
}

export function applyOps(state, ops) {
  const next = clone(state);
  for (const op of ops) applyOp(next, op);
  return next;
}

const fullEvent = (ev) => ({ op: "update_event", id: ev.id, ...pick(ev, EVENT_KEYS) });
const fullAttribution = (at) => ({ op: "update_attribution", id: at.id, ...pick(at, ATTRIBUTION_KEYS) });

/** The operations that undo `op`, given the state just before it. */
function inverseOf(state, op) {
  const { spans, events, attributions } = state;
  switch (op.op) {
    case "add_span": return [{ op: "delete_span", id: op.span.id }];
    case "update_span": {
      const old = spans.get(op.id);
      return old ? [{ op: "update_span", id: op.id, label: old.label, attrs: copy(old.attrs) }] : [];
    }
    case "delete_span": {
      const old = spans.get(op.id);
      if (!old) return [];
      const undo = [{ op: "add_span", span: copy(old) }];
      for (const ev of events.values()) {
        if (ev.trigger === op.id) undo.push({ op: "add_event", event: copy(ev) });
        else if (ev.arguments.some((a) => a.span === op.id)) undo.push(fullEvent(ev));
      }
      for (const at of attributions.values()) {
        if (hasPart(at, op.id)) undo.push(fullAttribution(at));
      }
      return undo;
    }
    case "add_event": return [{ op: "delete_event", id: op.event.id }];
    case "update_event": return events.has(op.id) ? [fullEvent(events.get(op.id))] : [];
    case "delete_event": return events.has(op.id) ? [{ op: "add_event", event: copy(events.get(op.id)) }] : [];
    case "add_attribution": return [{ op: "delete_attribution", id: op.attribution.id }];
    case "update_attribution": return attributions.has(op.id) ? [fullAttribution(attributions.get(op.id))] : [];
    case "delete_attribution": {
      const old = attributions.get(op.id);
      if (!old) return [];
      const undo = [{ op: "add_attribution", attribution: copy(old) }];
      for (const at of attributions.values()) {
        if (at.parent === op.id) undo.push({ op: "update_attribution", id: at.id, parent: op.id });
      }
      return undo;
    }
    default: return [];
  }
}

/** Operations that, applied after `ops`, bring `state` back. */
export function inverseOps(state, ops) {
  const scratch = clone(state);
  let undo = [];
  for (const op of ops) {
    undo = [...inverseOf(scratch, op), ...undo];
    applyOp(scratch, op);
  }
  return undo;
}

/** Spans in reading order (paragraph, start, longer first). */
export function orderedSpans(state) {
  return [...state.spans.values()].sort(
    (a, b) => a.paragraph - b.paragraph || a.start - b.start || b.end - a.end,
  );
}
