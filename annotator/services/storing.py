"""Store native records (from a native, brat, doccano or Label Studio import) in a project.

An import never changes who belongs to the project: a layer must name a member of it (or
"gold"). Only when asked (`create_coders`) does a name that no account holds become a new
inactive account, made a coder of this project, both in the audit log; an account that
exists is never enrolled, and the messages are the same whether a name exists elsewhere or not.

Never commits: the caller owns the transaction, so a failed run leaves the database unchanged.
"""

import hashlib
import json
import secrets
from collections.abc import Iterable

from sqlalchemy import insert, select

from annotator.errors import Conflict, InputError, InputErrors
from annotator.extensions import db
from annotator.models import (
    Attribution,
    AttributionPart,
    AuditEntry,
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
from annotator.services.actor_refs import actor_values, registry_ids
from annotator.validation import record_problems

MAX_ERRORS = 50


class RecordStore:
    """Write records of one import run into a project, checking each before writing it."""

    def __init__(self, project: Project, actor: User | None = None, create_coders: bool = False):
        self.project = project
        self.create_coders = create_coders
        self.book = project.codebook.content
        self.codebook_version = project.codebook.version
        self.actor = actor
        # id -> (document id, digest of its paragraphs, paragraph ids): a digest, not the texts,
        # so that memory stays flat over an import of many documents.
        self.documents: dict[str, tuple[int, bytes, dict[int, int]]] = {}
        self.users: dict[str, int] = {}
        self.created_users: list[str] = []
        self.actors_known: set[int] = set()
        self.actors_unknown: set[int] = set()
        self.errors: list[InputError] = []
        self.counts = {"documents": 0, "layers": 0, "spans": 0, "events": 0, "attributions": 0}

    def add_all(self, records: Iterable[tuple[dict, str, int | None]]) -> dict:
        """Store (record, file, line) triples; raise InputErrors listing every bad one."""
        for record, file, line in records:
            problems = record_problems(record, self.book) or self._actor_problems(record)
            if problems:
                self._fail(file, line, "; ".join(problems[:10]))
                continue
            try:
                self.add(record)
            except InputError as error:
                self._fail(file, line, error.message)
            if len(self.errors) >= MAX_ERRORS:
                break
        if self.errors:
            raise InputErrors(self.errors)
        report = dict(self.counts)
        report["created_users"] = self.created_users
        return report

    def _actor_problems(self, record: dict) -> list[str]:
        """Say which actor ids of a valid record are not actors of the project's registry."""
        labels = {label["name"]: label["attributes"] for label in self.book["span_labels"]}
        found = [(f"spans[{i}].attrs.{name}", value)
                 for i, span in enumerate(record.get("spans", []))
                 for name, value in actor_values(labels[span["label"]], span.get("attrs"))]
        for kind, fields in (("events", self.book["event_attributes"]),
                             ("attributions", self.book["attribution"]["attributes"])):
            found += [(f"{kind}[{i}].attrs.{name}", value)
                      for i, item in enumerate(record.get(kind, []))
                      for name, value in actor_values(fields, item.get("attrs"))]
        new = {value for _, value in found} - self.actors_known - self.actors_unknown
        if new:
            known = registry_ids(self.project.id, new)
            self.actors_known |= known
            self.actors_unknown |= new - known
        return [f"{where}: {value} is not an actor of this project's registry"
                for where, value in found if value in self.actors_unknown]

    def _fail(self, file: str, line: int | None, reason: str) -> None:
        self.errors.append(InputError(reason, file=file, line=line))

    def add(self, record: dict) -> None:
        """Store one valid record: its document (once) and its layer, if it names one."""
        document_id, index_of = self._document(record)
        name = record.get("layer")
        if name is None:
            return
        layer = self._new_layer(document_id, name)
        self._store_items(layer, record, index_of)
        db.session.add(AuditEntry(
            user_id=self.actor.id if self.actor else None, project_id=self.project.id,
            document_id=document_id, layer_id=layer.id, action="import", target_type="layer",
            after={"spans": len(record.get("spans", [])),
                   "events": len(record.get("events", [])),
                   "attributions": len(record.get("attributions", []))},
        ))

    def _document(self, record: dict) -> tuple[int, dict[int, int]]:
        external_id = record["id"]
        paragraphs = sorted(
            ((p.get("index", i), p["text"], p.get("boilerplate", False))
             for i, p in enumerate(record["paragraphs"])),
        )
        shape = _shape([(text, flag) for _, text, flag in paragraphs])
        known = self.documents.get(external_id)
        if known is None:
            known = self._existing_document(external_id) or self._create_document(
                record, paragraphs
            )
            self.documents[external_id] = known
        document_id, known_shape, index_of = known
        if known_shape != shape:
            raise InputError(f"document {external_id!r} appears again with different paragraphs")
        return document_id, index_of

    def _existing_document(self, external_id: str):
        document = db.session.execute(
            select(Document).where(
                Document.project_id == self.project.id, Document.external_id == external_id
            )
        ).scalar_one_or_none()
        if document is None:
            return None
        return (
            document.id,
            _shape([(p.text, p.boilerplate) for p in document.paragraphs]),
            {p.position: p.id for p in document.paragraphs},
        )

    def _create_document(self, record: dict, paragraphs: list[tuple[int, str, bool]]):
        document = Document(
            project_id=self.project.id, external_id=record["id"], title=record.get("title") or "",
            url=record.get("url"), published=record.get("published"), meta=record.get("meta") or {},
        )
        db.session.add(document)
        db.session.flush()
        rows = [
            {"document_id": document.id, "position": position, "text": text, "boilerplate": flag}
            for position, (_, text, flag) in enumerate(paragraphs)
        ]
        result = db.session.execute(
            insert(Paragraph).returning(Paragraph.id, sort_by_parameter_order=True), rows
        )
        index_of = {index: row.id for (index, _, _), row in zip(paragraphs, result, strict=True)}
        self.counts["documents"] += 1
        return document.id, _shape([(text, flag) for _, text, flag in paragraphs]), index_of

    def _user_id(self, name: str) -> int:
        if name not in self.users:
            member = db.session.execute(
                select(User.id).join(Membership, Membership.user_id == User.id)
                .where(User.username == name, Membership.project_id == self.project.id)
            ).scalar_one_or_none()
            self.users[name] = member if member is not None else self._new_coder(name)
        return self.users[name]

    def _new_coder(self, name: str) -> int:
        """Make a new inactive account for a layer's name, a coder of this project only.

        :raise InputError: unless the import asked for new accounts and the name is free and
            follows create-user's rules.
        """
        from annotator.services.projects import create_user

        if not self.create_coders:
            raise InputError(
                f"layer {name!r} is not a member of project {self.project.name!r}: add the "
                "coder to the project first, or ask the import to create new coder accounts "
                "(--create-coders; on the import page, its check box)")
        if name != name.strip():
            raise InputError(f"layer {name!r}: a user name must be 1-80 characters without "
                             "spaces")
        try:
            # create-user's own rules (length, spaces, reserved names, taken names): the same
            # answer on every database, before any constraint could refuse the row.
            user = create_user(name, secrets.token_urlsafe(24))
        except Conflict:
            raise InputError(f"layer {name!r} cannot be a new account: the name is taken; "
                             "add its coder to the project first") from None
        except InputError as error:
            raise InputError(f"layer {name!r}: {error.message}") from None
        # No sign-in until an admin sets a password and activates the account.
        user.active = False
        db.session.add(Membership(project_id=self.project.id, user_id=user.id, role="coder"))
        # Entries shaped as the account pages' own (services/accounts.py), so that the
        # account's history shows them.
        actor_id = self.actor.id if self.actor else None
        via = {"by": "import"} if self.actor else {"via": "command line", "by": "import"}
        db.session.add_all([
            AuditEntry(user_id=actor_id, project_id=self.project.id, action="create_user",
                       target_type="user", target_uid=str(user.id),
                       after={"user": name, "admin": False, "active": False, **via}),
            AuditEntry(user_id=actor_id, project_id=self.project.id, action="add_member",
                       target_type="user", target_uid=str(user.id),
                       after={"user": name, "role": "coder", **via}),
        ])
        db.session.flush()
        self.created_users.append(name)
        return user.id

    def _new_layer(self, document_id: int, name: str) -> Layer:
        user_id = None if name == "gold" else self._user_id(name)
        query = select(Layer).where(Layer.document_id == document_id)
        query = query.where(Layer.kind == "gold") if user_id is None else query.where(
            Layer.user_id == user_id
        )
        layer = db.session.execute(query).scalar_one_or_none()
        if layer is not None:
            if layer.spans or layer.events or layer.attributions:
                raise InputError(f"layer {name!r} of this document already holds annotations; "
                                 "nothing was overwritten")
        else:
            layer = Layer(document_id=document_id, kind="gold" if user_id is None else "coder",
                          user_id=user_id, codebook_version=self.codebook_version, version=0)
            db.session.add(layer)
        layer.version += 1
        db.session.flush()
        self.counts["layers"] += 1
        return layer

    def _store_items(self, layer: Layer, record: dict, index_of: dict[int, int]) -> None:
        texts = {p.get("index", i): p["text"] for i, p in enumerate(record["paragraphs"])}
        span_rows = [
            {"uid": s["id"], "layer_id": layer.id, "paragraph_id": index_of[s["paragraph"]],
             "start": s["start"], "end": s["end"], "label": s["label"],
             "text": texts[s["paragraph"]][s["start"]:s["end"]], "attrs": s.get("attrs") or {}}
            for s in record.get("spans", [])
        ]
        span_ids = self._insert(Span, span_rows)
        events = record.get("events", [])
        event_ids = self._insert(Event, [
            {"uid": e["id"], "layer_id": layer.id, "event_type": e["type"],
             "trigger_span_id": span_ids.get(e.get("trigger")), "attrs": e.get("attrs") or {}}
            for e in events
        ])
        self._insert(EventArgument, [
            {"event_id": event_ids[e["id"]], "role": a["role"], "span_id": span_ids[a["span"]],
             "position": n}
            for e in events for n, a in enumerate(_unique_arguments(e.get("arguments", [])))
        ])
        attributions = record.get("attributions", [])
        attribution_ids = self._insert(Attribution, [
            {"uid": a["id"], "layer_id": layer.id, "attrs": a.get("attrs") or {}}
            for a in attributions
        ])
        for a in attributions:  # parents after all rows exist, so order in the file is free
            if a.get("parent") is not None:
                db.session.execute(
                    Attribution.__table__.update()
                    .where(Attribution.id == attribution_ids[a["id"]])
                    .values(parent_id=attribution_ids[a["parent"]])
                )
        self._insert(AttributionPart, [
            {"attribution_id": attribution_ids[a["id"]], "role": role,
             "span_id": span_ids[member], "position": n}
            for a in attributions for role in ("source", "cue", "content")
            for n, member in enumerate(dict.fromkeys(a.get(role, [])))
        ])
        self.counts["spans"] += len(span_rows)
        self.counts["events"] += len(events)
        self.counts["attributions"] += len(attributions)

    @staticmethod
    def _insert(model, rows: list[dict]) -> dict[str, int]:
        """Insert rows and return {uid: id} (for models with a uid)."""
        if not rows:
            return {}
        if "uid" not in rows[0]:
            db.session.execute(insert(model), rows)
            return {}
        result = db.session.execute(
            insert(model).returning(model.id, model.uid, sort_by_parameter_order=True), rows
        )
        return {row.uid: row.id for row in result}


def _shape(paragraphs: list[tuple[str, bool]]) -> bytes:
    """Return a digest of a document's paragraphs (texts and boilerplate flags), to compare."""
    return hashlib.sha256(json.dumps(paragraphs, ensure_ascii=False).encode()).digest()


def _unique_arguments(arguments: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for argument in arguments:
        key = (argument["role"], argument["span"])
        if key not in seen:
            seen.add(key)
            unique.append(argument)
    return unique
