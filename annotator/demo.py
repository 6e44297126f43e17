"""The demo project: a short invented article, its actors, annotations and demo users.

The article is written for the demo (fictional states, so that nothing in it is news); it has
actors, an event with arguments, a nested attribution, an emoji and a combining accent.
"""

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Actor, ActorAlias, Project
from annotator.services.intake.records import RecordStore
from annotator.services.projects import add_member, create_project, create_user

PROJECT_NAME = "Demo: prisoner exchanges"
DEMO_USERS = [  # name, password, role in the demo project (admin is a site administrator)
    ("admin", "demo-admin-pw", "manager"),
    ("coder1", "demo-coder1-pw", "coder"),
    ("coder2", "demo-coder2-pw", "coder"),
    ("reviewer", "demo-reviewer-pw", "reviewer"),
]

PARAGRAPHS = [
    "Northland and Southmark exchanged 40 detained fishermen on Tuesday, Northland's Foreign "
    "Ministry said in a statement.",
    "According to Port Aven, the Southmark navy claimed the boats had entered its waters. 🚢",
    "Mayor Jose\u0301 Ferreira said families had waited at the harbour for six hours.",
    "Prime Minister Ilse Varga welcomed the release and said talks would continue in Geneva "
    "next week.",
    "Support independent reporting: subscribe from €3 a month.",
]

ACTORS = [  # name, type, country, sector, aliases
    ("Northland / government", "GPE", "NTH", "GOV", ["Northland", "Port Aven"]),
    ("Southmark / government", "GPE", "STH", "GOV", ["Southmark"]),
    ("Southmark / navy", "ORG", "STH", "MIL", ["Southmark navy", "the Southmark navy"]),
    ("Northland / Foreign Ministry", "ORG", "NTH", "GOV", ["Northland's Foreign Ministry"]),
]

# (id, paragraph, quoted text, label, attrs); the offsets are found in the text.
SPANS = [
    ("s1", 0, "Northland", "ACTOR", {"entity_type": "GPE", "country": "NTH", "sector": "GOV"}),
    ("s2", 0, "Southmark", "ACTOR", {"entity_type": "GPE", "country": "STH", "sector": "GOV"}),
    ("s3", 0, "exchanged", "EVENT", {}),
    ("s4", 0, "40 detained fishermen", "ACTOR", {"entity_type": "PER", "mention_level": "NOM"}),
    ("s5", 0, "on Tuesday", "TIME", {}),
    ("s6", 0, "Northland's Foreign Ministry", "SOURCE", {}),
    ("s7", 0, "said in a statement", "CUE", {}),
    ("s8", 0, "Northland and Southmark exchanged 40 detained fishermen on Tuesday", "CONTENT", {}),
    ("s9", 1, "Port Aven", "SOURCE", {}),
    ("s10", 1, "According to", "CUE", {}),
    ("s11", 1, "the Southmark navy claimed the boats had entered its waters", "CONTENT", {}),
    ("s12", 1, "the Southmark navy", "SOURCE", {}),
    ("s13", 1, "claimed", "CUE", {}),
    ("s14", 1, "the boats had entered its waters", "CONTENT", {}),
    ("s15", 3, "Ilse Varga", "ACTOR", {"entity_type": "PER", "country": "NTH", "sector": "GOV"}),
]
EVENTS = [
    {"id": "e1", "trigger": "s3", "type": "RETREAT", "attrs": {"mode": "release"},
     "arguments": [{"role": "actor", "span": "s1"}, {"role": "actor", "span": "s2"},
                   {"role": "theme", "span": "s4"}, {"role": "time", "span": "s5"}]},
]
ATTRIBUTIONS = [
    {"id": "a1", "source": ["s6"], "cue": ["s7"], "content": ["s8"], "parent": None,
     "attrs": {"channel": "STATEMENT", "quote_type": "INDIRECT"}},
    {"id": "a2", "source": ["s9"], "cue": ["s10"], "content": ["s11"], "parent": None,
     "attrs": {"cue_type": "PREP"}},
    {"id": "a3", "source": ["s12"], "cue": ["s13"], "content": ["s14"], "parent": "a2",
     "attrs": {"cue_type": "VERB"}},
]


def demo_record(layer: str, span_ids: list[str] | None = None) -> dict:
    """Build the demo article's native record for one layer (optionally fewer spans)."""
    spans = []
    for ident, paragraph, quoted, label, attrs in SPANS:
        if span_ids is not None and ident not in span_ids:
            continue
        start = PARAGRAPHS[paragraph].index(quoted)
        spans.append({"id": ident, "paragraph": paragraph, "start": start,
                      "end": start + len(quoted), "text": quoted, "label": label,
                      "attrs": attrs})
    kept = {s["id"] for s in spans}
    return {
        "id": "demo-exchange",
        "title": "Northland and Southmark swap detained fishermen",
        "url": None, "published": "2026-11-24", "meta": {"source": "written for the demo"},
        "layer": layer,
        "paragraphs": [{"index": i, "text": text, "boilerplate": i == len(PARAGRAPHS) - 1}
                       for i, text in enumerate(PARAGRAPHS)],
        "spans": spans,
        "events": [e for e in EVENTS
                   if e["trigger"] in kept and all(a["span"] in kept for a in e["arguments"])],
        "attributions": [a for a in ATTRIBUTIONS
                         if all(s in kept for r in ("source", "cue", "content") for s in a[r])],
    }


def ensure_demo() -> bool:
    """Create the demo schema, users and project unless they exist; return True if created."""
    from annotator.services.schema import upgrade_schema

    upgrade_schema()
    if db.session.execute(select(Project).where(Project.name == PROJECT_NAME)).scalar():
        return False
    project = create_project(PROJECT_NAME, description="A sample article, labelled.")
    for name, password, role in DEMO_USERS:
        user = create_user(name, password, admin=name == "admin")
        add_member(project, user, role)
    for name, entity_type, country, sector, aliases in ACTORS:
        actor = Actor(project_id=project.id, name=name, entity_type=entity_type,
                      country=country, sector=sector)
        actor.aliases = [ActorAlias(project_id=project.id, alias=a, folded=a.casefold())
                         for a in aliases]
        db.session.add(actor)
    # A gold layer with the full worked example, and coder2's partial attempt, so that
    # reviewers and the agreement page have something to show; coder1 starts empty.
    partial = ["s1", "s2", "s3", "s6", "s7", "s8", "s9", "s10", "s11"]
    store = RecordStore(project)
    store.add_all([(demo_record("gold"), "demo", None),
                   (demo_record("coder2", partial), "demo", None)])
    return True
