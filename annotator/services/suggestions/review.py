"""Suggestions as a coder reviews them: what is still open for them, their decisions, and the
acceptance rate of each suggestion source. Never commits: the caller owns the transaction.

A suggestion is named by what it proposes, not by its row: a span by paragraph, offsets and
label ("0:12:19:ACTOR"), an attribution by a hash of its parts. Running the suggester again
replaces the rows (and their uids) but keeps these names, so decisions stay attached.
Decisions are audit entries (target_type "suggestion"); for each coder and suggestion the
latest one counts, and "reopened" (an accept that was undone) makes it open again.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable

from annotator.codebook import attribute_problems
from annotator.extensions import db
from annotator.layers import layer_items
from annotator.models import AuditEntry, Document, Project, User
from annotator.services.annotating import InvalidRequest, find_layer

ROLES = ("source", "cue", "content")
# What the suggester keeps in attrs for itself: never copied into a coder's layer.
ENGINE_ATTRS = frozenset({"suggestion_source", "marks", "depth", "closed"})
ACTIONS = {"accepted": "suggestion_accepted", "rejected": "suggestion_rejected",
           "reopened": "suggestion_reopened"}
MAX_DECISIONS = 2000
# Suggestions per page for the annotation page (whole paragraphs: a page may hold up to one
# paragraph's cap more, see suggest/limits.py).
PAGE_SIZE = 500


def span_key(span: dict) -> str:
    """Name a span suggestion by what it proposes: "paragraph:start:end:LABEL"."""
    return f"{span['paragraph']}:{span['start']}:{span['end']}:{span['label']}"


def span_kind(span: dict) -> str | None:
    """Return the suggester's kind of a stored span, or None for a span that is only a part."""
    if span["label"] == "CONTENT":
        return "quote" if "marks" in span["attrs"] else None  # other content: attribution parts
    return {"ACTOR": "actor", "CUE": "cue"}.get(span["label"])


def clean_attrs(fields: list[dict], attrs: dict) -> dict:
    """Keep only the attributes the codebook defines, with values it allows."""
    return {name: value for name, value in attrs.items()
            if name not in ENGINE_ATTRS and not attribute_problems(fields, {name: value}, "")}


def suggestion_list(items: dict, book: dict) -> list[dict]:
    """Return a suggestion layer's items (records.layer_items) as suggestions a coder can accept.

    Each is {"id", "kind", "source", "spans": [span, ...]} with codebook-valid attrs only; an
    attribution's spans carry their "role", and it has "attrs" and "parent" (the paragraph and
    offsets of the enclosing attribution's cue, to find it among the coder's attributions).
    Suggestions whose labels the project's codebook lacks are left out.
    """
    fields = {label["name"]: label.get("attributes", []) for label in book["span_labels"]}
    spans = {}
    for span in items["spans"]:
        if span["label"] in fields:
            kept = {k: span[k] for k in ("paragraph", "start", "end", "text", "label")}
            spans[span["id"]] = {**kept, "attrs": clean_attrs(fields[span["label"]], span["attrs"])}
    found = []
    for span in items["spans"]:
        if span["id"] in spans and span_kind(span):
            found.append({"id": span_key(span), "kind": span_kind(span),
                          "source": span["attrs"].get("suggestion_source"),
                          "spans": [spans[span["id"]]]})
    by_uid = {a["id"]: a for a in items["attributions"]}
    for attribution in items["attributions"]:
        if not all(uid in spans for role in ROLES for uid in attribution[role]):
            continue
        parts = [{**spans[uid], "role": role} for role in ROLES for uid in attribution[role]]
        digest = hashlib.sha1("|".join(f"{p['role']}:{span_key(p)}" for p in parts).encode())
        parent = by_uid.get(attribution["parent"])
        cue = spans.get(parent["cue"][0]) if parent and parent["cue"] else None
        found.append({
            "id": f"a:{digest.hexdigest()[:20]}", "kind": "attribution",
            "source": attribution["attrs"].get("suggestion_source"), "spans": parts,
            "attrs": clean_attrs(book["attribution"]["attributes"], attribution["attrs"]),
            "parent": {k: cue[k] for k in ("paragraph", "start", "end")} if cue else None,
        })
    first = {s["id"]: s for s in reversed(found)}  # one per name, the first
    return sorted(first.values(), key=_reading_order)


def _reading_order(suggestion: dict) -> tuple:
    # An attribution sits at its cue: its content may run on into the next paragraphs.
    spans = suggestion["spans"]
    at = next((p for p in spans if p.get("role") == "cue"), spans[0])
    return at["paragraph"], at["start"], suggestion["kind"], suggestion["id"]


def document_suggestions(document: Document) -> list[dict] | None:
    """Return every suggestion stored for the document, or None if it was never suggested for."""
    layer = find_layer(document.id, "suggestion", None)
    if layer is None:
        return None
    book = codebook_of(document)
    if book is None:
        return []  # nothing could be accepted: no label is valid
    return suggestion_list(layer_items(layer), book)


def decided_ids(document: Document, user: User) -> set[str]:
    """Return the names of the suggestions this coder accepted or rejected (and did not reopen)."""
    rows = db.session.execute(
        db.select(AuditEntry.target_uid, AuditEntry.action)
        .where(AuditEntry.document_id == document.id, AuditEntry.user_id == user.id,
               AuditEntry.target_type == "suggestion")
        .order_by(AuditEntry.id)
    ).all()
    latest = dict(rows)  # in time order, so each suggestion's last decision wins
    return {uid for uid, action in latest.items() if action != ACTIONS["reopened"]}


def open_suggestions(document: Document, user: User, from_paragraph: int = 0,
                     page_size: int | None = PAGE_SIZE) -> dict:
    """Return {"computed", "suggestions", "next"}: a page of the document's suggestions that
    this coder has not decided (see open_page)."""
    found = document_suggestions(document)
    if found is None:
        return {"computed": False, "suggestions": [], "next": None}
    return open_page(found, decided_ids(document, user), from_paragraph, page_size)


def open_page(found: list[dict], decided: set[str], from_paragraph: int = 0,
              page_size: int | None = PAGE_SIZE) -> dict:
    """Return a page of the suggestions `found` (suggestion_list) that are not `decided`.

    A page holds whole paragraphs from `from_paragraph` on (an attribution belongs to its cue's
    paragraph) until it has `page_size` suggestions or more (None: all); `next` is the paragraph
    the next page starts at, None after the last page.
    """
    page, following, last = [], None, None
    for suggestion in found:
        at = _reading_order(suggestion)[0]
        if at < from_paragraph or suggestion["id"] in decided:
            continue
        if page_size is not None and len(page) >= page_size and at != last:
            following = at
            break
        page.append(suggestion)
        last = at
    return {"computed": True, "suggestions": page, "next": following}


def codebook_of(document: Document) -> dict | None:
    """Return the content of the document's project codebook, None without one."""
    project = db.session.get(Project, document.project_id)
    return project.codebook.content if project.codebook is not None else None


def record_decisions(document: Document, user: User, payload: object) -> int:
    """Add one audit entry per decision in `payload`; return how many.

    :raise: InvalidRequest for a malformed body, an unknown decision or suggestion.
    """
    decisions = payload.get("decisions") if isinstance(payload, dict) else None
    if not isinstance(decisions, list) or not 0 < len(decisions) <= MAX_DECISIONS:
        raise InvalidRequest("decisions", f"must be a list of 1 to {MAX_DECISIONS} decisions")
    known = {s["id"]: s for s in document_suggestions(document) or []}
    layer = find_layer(document.id, "suggestion", None)
    for i, decision in enumerate(decisions):
        if not isinstance(decision, dict) or not isinstance(decision.get("decision"), str) \
                or decision["decision"] not in ACTIONS:
            raise InvalidRequest(f"decisions[{i}].decision", f"must be one of {', '.join(ACTIONS)}")
        uid = decision.get("id")
        suggestion = known.get(uid) if isinstance(uid, str) else None
        if suggestion is None:
            raise InvalidRequest(f"decisions[{i}].id", "no such suggestion in this document")
        db.session.add(AuditEntry(
            user_id=user.id, project_id=document.project_id, document_id=document.id,
            layer_id=layer.id, action=ACTIONS[decision["decision"]], target_type="suggestion",
            target_uid=suggestion["id"],
            after={"source": suggestion["source"], "kind": suggestion["kind"]}))
    return len(decisions)


def acceptance_rates(decisions: Iterable[dict]) -> dict:
    """Count accepted and rejected suggestions by source, by kind and in all, with rates.

    `decisions` are {"source", "kind", "action"} dicts, one per coder and suggestion; the rate is
    accepted / (accepted + rejected), None when nothing was decided.
    """
    counts: dict[tuple, Counter] = {}
    for d in decisions:
        outcome = d["action"].removeprefix("suggestion_")
        if outcome == "reopened":
            continue
        for group in (("by_source", d["source"] or "unknown"), ("by_kind", d["kind"]),
                      ("total", "")):
            counts.setdefault(group, Counter())[outcome] += 1

    def figures(c: Counter) -> dict:
        decided = c["accepted"] + c["rejected"]
        rate = round(c["accepted"] / decided, 3) if decided else None
        return {"accepted": c["accepted"], "rejected": c["rejected"], "rate": rate}

    result = {"by_source": {}, "by_kind": {}, "total": figures(counts.get(("total", ""),
                                                                         Counter()))}
    for (group, name), c in sorted(counts.items()):
        if group != "total":
            result[group][name] = figures(c)
    return result


def suggestion_stats(project: Project) -> dict:
    """Return the project's acceptance rates (acceptance_rates), each coder's last word counting."""
    rows = db.session.execute(
        db.select(AuditEntry.user_id, AuditEntry.document_id, AuditEntry.target_uid,
                  AuditEntry.after, AuditEntry.action)
        .where(AuditEntry.project_id == project.id, AuditEntry.target_type == "suggestion")
        .order_by(AuditEntry.id)
    ).all()
    latest = {(r.user_id, r.document_id, r.target_uid): r for r in rows}
    decisions = [{"source": (r.after or {}).get("source"), "kind": (r.after or {}).get("kind"),
                  "action": r.action} for r in latest.values()
                 if r.action != ACTIONS["reopened"]]
    return {"project": project.name, "decided": len(decisions), **acceptance_rates(decisions)}


def stats_lines(stats: dict) -> list[str]:
    """Format suggestion_stats for the command line, one line per source and kind."""
    def line(name: str, f: dict) -> str:
        rate = "-" if f["rate"] is None else f"{f['rate']:.0%}"
        return f"  {name:<12} accepted {f['accepted']:>5}  rejected {f['rejected']:>5}  {rate:>5}"

    lines = [f"Suggestions decided in {stats['project']}: {stats['decided']}", "By source:"]
    lines += [line(name, f) for name, f in stats["by_source"].items()]
    lines += ["By kind:", *[line(name, f) for name, f in stats["by_kind"].items()]]
    return [*lines, line("all", stats["total"])]
