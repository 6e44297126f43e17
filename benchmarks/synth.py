"""Build synthetic projects fast with Core bulk inserts (the import path is measured separately).

Ids are assigned here rather than by the database, so that events and attributions can point at
spans without reading ids back; `finish` then moves PostgreSQL's sequences past them.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection, Engine
from werkzeug.security import generate_password_hash

from annotator.codebook import default_codebook
from annotator.models import (
    Assignment,
    Attribution,
    AttributionPart,
    Codebook,
    Document,
    Event,
    EventArgument,
    Layer,
    Membership,
    Paragraph,
    Project,
    Span,
    User,
)
from annotator.models.users import ApiToken, hash_token
from benchmarks.import_benchmark import WORDS

PASSWORD = "bench-password"
# Parents before children, so that every flush satisfies the foreign keys.
TABLES = (User, ApiToken, Project, Codebook, Membership, Document, Paragraph, Layer, Span, Event,
          EventArgument, Attribution, AttributionPart, Assignment)
FLUSH_ROWS = 5000
POOL = 2000  # distinct paragraph texts per paragraph length
LABELS = ("ACTOR", "EVENT", "SOURCE", "CUE", "CONTENT", "LOCATION", "TIME")
EVENT_TYPES = ("CONSULT", "AID", "ASSAULT", "RETREAT")


@dataclass
class Spec:
    """The shape of a synthetic project: sizes per document and per layer."""

    name: str
    documents: int
    paragraphs: int = 4  # per document
    words: int = 25  # per paragraph
    coders: int = 2  # coder layers per document
    team: int = 20  # coder accounts the layers rotate over
    spans: int = 5  # per layer
    events: int = 0  # per layer, two arguments each
    attributions: int = 0  # per layer, a source, a cue and a content span each
    gold: bool = False  # add a gold layer shaped like the coder layers


class Synth:
    """Buffer rows per table and insert them in bulk, in foreign-key order."""

    def __init__(self, engine: Engine, seed: int = 1):
        self.engine = engine
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC)
        self.rows: dict[type, list[dict]] = {model: [] for model in TABLES}
        self.pending = 0
        self.pools: dict[int, list] = {}
        with engine.connect() as connection:
            self.next_id = {
                model: (connection.scalar(select(func.max(model.__table__.c.id))) or 0) + 1
                for model in TABLES
            }
        self.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")

    def add(self, model: type, **row) -> int:
        """Queue one row, give it the next id and return that id."""
        row["id"] = self.next_id[model]
        self.next_id[model] += 1
        self.rows[model].append(row)
        self.pending += 1
        if self.pending >= FLUSH_ROWS:
            self.flush()
        return row["id"]

    def flush(self) -> None:
        """Insert every queued row, one transaction per flush (keeps SQLite's WAL small)."""
        with self.engine.begin() as connection:
            for model in TABLES:
                if self.rows[model]:
                    _bulk_insert(connection, model.__table__, self.rows[model])
                    self.rows[model] = []
        self.pending = 0

    def finish(self) -> None:
        """Flush, then move PostgreSQL's id sequences past the ids given here."""
        self.flush()
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as connection:
            for model in TABLES:
                table = model.__tablename__
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
            connection.execute(text("ANALYZE"))  # what autovacuum would soon do

    # -- accounts and projects ----------------------------------------------------------------

    def user(self, name: str, with_token: bool = False) -> tuple[int, str | None]:
        """Add a user (password PASSWORD); return (id, API token or None)."""
        token = f"bench-{name}-{self.rng.getrandbits(64):016x}" if with_token else None
        user_id = self.add(User, username=name, display_name=None,
                           password_hash=self.password_hash, is_admin=False, active=True,
                           session_nonce=f"{self.rng.getrandbits(64):016x}",
                           api_token_hash=None, created_at=self.now)
        if token:
            self.add(ApiToken, user_id=user_id, name="benchmark", token_hash=hash_token(token),
                     created_by_id=None, created_at=self.now, last_used_at=None,
                     revoked_at=None)
        return user_id, token

    def project(self, name: str) -> int:
        """Add a project with the default codebook as version 1."""
        project_id = self.add(Project, name=name, description="", language="en",
                              created_at=self.now)
        self.add(Codebook, project_id=project_id, version=1, content=default_codebook(),
                 created_at=self.now)
        return project_id

    def member(self, project_id: int, user_id: int, role: str = "coder") -> None:
        self.add(Membership, project_id=project_id, user_id=user_id, role=role)

    # -- documents and layers -----------------------------------------------------------------

    def document(self, project_id: int, external_id: str, paragraphs: int,
                 words: int = 25) -> tuple[int, list[tuple]]:
        """Add a document of generated paragraphs; return its id and [(id, text, word starts)]."""
        document_id = self.add(Document, project_id=project_id, external_id=external_id,
                               title=f"Article {external_id}", url=None, published=None, meta={},
                               status="assigned", created_at=self.now)
        texts = []
        for position in range(paragraphs):
            body, starts = self._text(words)
            paragraph_id = self.add(Paragraph, document_id=document_id, position=position,
                                    text=body, boilerplate=False)
            texts.append((paragraph_id, body, starts))
        return document_id, texts

    def _text(self, words: int) -> tuple[str, list[int]]:
        # Drawn from a pool: generating a million fresh paragraphs would take longer than
        # storing them, and repeated texts change nothing the benchmarks measure.
        pool = self.pools.setdefault(words, [])
        if len(pool) < POOL:
            body = " ".join(self.rng.choices(WORDS, k=words)) + "."
            pool.append((body, [0] + [i + 1 for i, c in enumerate(body) if c == " "]))
            return pool[-1]
        return self.rng.choice(pool)

    def assign(self, document_id: int, user_id: int, status: str = "in_progress") -> None:
        self.add(Assignment, document_id=document_id, user_id=user_id, status=status,
                 created_at=self.now, updated_at=self.now)

    def layer(self, document_id: int, texts: list[tuple], user_id: int | None,
              spans: int, events: int = 0, attributions: int = 0) -> int:
        """Add a coder layer (or gold, without a user) holding generated items."""
        layer_id = self.add(Layer, document_id=document_id,
                            kind="coder" if user_id else "gold", user_id=user_id, version=1,
                            last_change_id=None, codebook_version=1, created_at=self.now,
                            updated_at=self.now)
        span_ids = [self._span(layer_id, texts, k, set()) for k in range(spans)]
        self._relations(layer_id, span_ids, events, attributions)
        return layer_id

    def _span(self, layer_id: int, texts: list[tuple], k: int, seen: set) -> int:
        rng = self.rng
        while True:  # one span per (paragraph, offsets, label), as the API insists
            paragraph_id, body, starts = rng.choice(texts)
            first = rng.randrange(len(starts))
            last = min(len(starts) - 1, first + rng.randint(0, 2))
            start = starts[first]
            end = body.find(" ", starts[last])
            end = len(body) - 1 if end < 0 else end  # the final word, without its full stop
            label = LABELS[k % len(LABELS)]
            if end > start and (paragraph_id, start, end, label) not in seen:
                seen.add((paragraph_id, start, end, label))
                break
        return self.add(Span, uid=f"s{k}", layer_id=layer_id, paragraph_id=paragraph_id,
                        start=start, end=end, label=label, text=body[start:end], attrs={},
                        provenance=None, created_at=self.now)

    def _relations(self, layer_id: int, span_ids: list[int], events: int,
                   attributions: int) -> None:
        rng = self.rng
        for k in range(min(events, len(span_ids) // 3)):
            trigger, actor, recipient = rng.sample(span_ids, 3)
            event_id = self.add(Event, uid=f"e{k}", layer_id=layer_id, trigger_span_id=trigger,
                                event_type=EVENT_TYPES[k % len(EVENT_TYPES)], attrs={},
                                provenance=None, created_at=self.now)
            self.add(EventArgument, event_id=event_id, role="actor", span_id=actor, position=0)
            self.add(EventArgument, event_id=event_id, role="recipient", span_id=recipient,
                     position=1)
        for k in range(min(attributions, len(span_ids) // 3)):
            attribution_id = self.add(Attribution, uid=f"a{k}", layer_id=layer_id,
                                      parent_id=None, attrs={}, provenance=None,
                                      created_at=self.now)
            for role, span_id in zip(("source", "cue", "content"), rng.sample(span_ids, 3),
                                     strict=True):
                self.add(AttributionPart, attribution_id=attribution_id, role=role,
                         span_id=span_id, position=0)


def _bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows through the driver: COPY on PostgreSQL, executemany on SQLite."""
    # SQLAlchemy's per-row parameter handling costs more than the database itself at this size,
    # so values only go through each column type's bind processor (JSON, dates, booleans).
    dialect = connection.dialect
    columns = list(rows[0])
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in columns]
    values = [
        tuple(value if process is None or value is None else process(value)
              for value, process in zip((row[name] for name in columns), processors,
                                        strict=True))
        for row in rows
    ]
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.driver_connection.cursor()
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)
    finally:
        cursor.close()


def build_project(synth: Synth, spec: Spec) -> dict:
    """Add a project shaped by `spec`; return its id and its coders' ids by name."""
    project_id = synth.project(spec.name)
    team = {}
    for k in range(spec.team):
        name = f"{spec.name}-coder{k:02d}"
        team[name], _ = synth.user(name)
        synth.member(project_id, team[name])
    members = list(team.values())
    for d in range(spec.documents):
        document_id, texts = synth.document(project_id, f"{spec.name}-{d}", spec.paragraphs,
                                            spec.words)
        for c in range(spec.coders):
            user_id = members[(d + c) % len(members)]
            synth.assign(document_id, user_id)
            synth.layer(document_id, texts, user_id, spec.spans, spec.events, spec.attributions)
        if spec.gold:
            synth.layer(document_id, texts, None, spec.spans, spec.events, spec.attributions)
    return {"project": project_id, "team": team}
