"""Store native records (from a native, brat, doccano or Label Studio import) in a project.

An import never changes who belongs to the project: a layer must name a member of it (or
"gold"). Only when asked (`create_coders`) does a name that no account holds become a new
inactive account, made a coder of this project, both in the audit log; an account that
exists is never enrolled, and the messages are the same whether a name exists elsewhere or not.

Records are checked and staged first; the staged rows are written in bulk every BATCH records
(documents, paragraphs, layers, spans, events, arguments, attributions, parts and audit entries:
one executemany per table, ids read back in order), so that an import issues a fixed number of
statements per batch, not per document. Once a record fails, nothing more is written (the caller
rolls back) but the remaining records are still checked, so that every problem is reported.

Never commits: the caller owns the transaction, so a failed run leaves the database unchanged.
"""

import hashlib
import json
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence

import orjson
from sqlalchemy import bindparam, exists, select, update

from annotator.errors import Conflict, InputError, InputErrors
from annotator.extensions import db
from annotator.layers import LayerItems, insert_items, insert_with_ids, record_problems
from annotator.models import (
    Attribution,
    AuditEntry,
    Document,
    Event,
    Layer,
    Membership,
    Paragraph,
    Project,
    Span,
    User,
)
from annotator.services.actor_refs import actor_values, registry_ids

MAX_ERRORS = 50
BATCH = 500  # records staged before they are written (memory stays flat)
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # checked records kept in memory up to this size


class _Document:
    """A document of the import: stored (id known) or staged (row and paragraphs to write).

    `index_of` maps a paragraph's position (0, 1, ... in document order) to its stored id; a
    record's own paragraph indices need not start at 0, so items go through `positions`.
    """

    __slots__ = ("id", "shape", "index_of", "row", "paragraphs", "stored_before")

    def __init__(self, id_: int | None, shape: bytes, index_of: Sequence[int] | None,
                 row: dict | None = None, paragraphs: list | None = None):
        self.id, self.shape, self.index_of = id_, shape, index_of
        self.row, self.paragraphs = row, paragraphs
        self.stored_before = row is None  # stored before this import: it may hold layers


class _Layer:
    """A layer the import fills: stored (id known) or staged; whether it holds items yet."""

    __slots__ = ("id", "document", "user_id", "version", "items")

    def __init__(self, id_: int | None, document: _Document, user_id: int | None,
                 version: int, items: bool):
        self.id, self.document, self.user_id = id_, document, user_id
        self.version, self.items = version, items


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
        self.documents: dict[str, _Document] = {}
        self.users: dict[str, int] = {}
        self.created_users: list[str] = []
        self.actors_known: set[int] = set()
        self.actors_unknown: set[int] = set()
        self.errors: list[InputError] = []
        self.counts = {"documents": 0, "layers": 0, "spans": 0, "events": 0, "attributions": 0}
        self.layers: dict[tuple[_Document, int | None], _Layer] = {}
        self.existing_ids: dict[str, int] | None = None  # external id -> id, read once
        self.new_documents: list[_Document] = []
        self.new_layers: list[_Layer] = []
        self.bumped: dict[_Layer, None] = {}  # stored layers whose version goes up
        self.staged: list[tuple[_Layer, dict]] = []

    def add_all(self, records: Iterable[tuple[dict, str, int | None]],
                checked: bool = False) -> dict:
        """Store (record, file, line) triples; raise InputErrors listing every bad one.

        `checked` records passed `check_records` already (against the codebook): what is left
        to check here is what depends on the database (documents, members, actors).
        """
        staged = 0
        for record, file, line in records:
            problems = (None if checked else record_problems(record, self.book)) or \
                self._actor_problems(record)
            if problems:
                self._fail(file, line, "; ".join(problems[:10]))
            else:
                try:
                    self.add(record)
                except InputError as error:
                    self._fail(file, line, error.message)
            if len(self.errors) >= MAX_ERRORS:
                break
            staged += 1
            if self.errors:
                self._drop_staged()
            elif staged >= BATCH:
                self._write()
                staged = 0
        if self.errors:
            raise InputErrors(self.errors)
        self._write()
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
        """Stage one valid record: its document (once) and its layer, if it names one.

        Staged rows are written by `_write` (add_all calls it every BATCH records and at the end).
        """
        document = self._document(record)
        name = record.get("layer")
        if name is None:
            return
        layer = self._new_layer(document, name)
        layer.items = bool(record.get("spans") or record.get("events")
                           or record.get("attributions"))
        self.staged.append((layer, record))
        self.counts["spans"] += len(record.get("spans", []))
        self.counts["events"] += len(record.get("events", []))
        self.counts["attributions"] += len(record.get("attributions", []))

    def _document(self, record: dict) -> _Document:
        external_id = record["id"]
        paragraphs = sorted(
            ((p.get("index", i), p["text"], p.get("boilerplate", False))
             for i, p in enumerate(record["paragraphs"])),
        )
        shape = _shape([(text, flag) for _, text, flag in paragraphs])
        known = self.documents.get(external_id)
        if known is None:
            known = self._existing_document(external_id) or self._stage_document(
                record, paragraphs, shape
            )
            self.documents[external_id] = known
        if known.shape != shape:
            raise InputError(f"document {external_id!r} appears again with different paragraphs")
        return known

    def _existing_document(self, external_id: str) -> _Document | None:
        if self.existing_ids is None:  # one query for the project's ids, not one per document
            self.existing_ids = dict(db.session.execute(
                select(Document.external_id, Document.id)
                .where(Document.project_id == self.project.id)).all())
        document_id = self.existing_ids.get(external_id)
        if document_id is None:
            return None
        rows = db.session.execute(
            select(Paragraph.position, Paragraph.text, Paragraph.boilerplate, Paragraph.id)
            .where(Paragraph.document_id == document_id).order_by(Paragraph.position)
        ).all()
        return _Document(document_id, _shape([(row.text, row.boilerplate) for row in rows]),
                         _compact([row.id for row in rows]))

    def _stage_document(self, record: dict, paragraphs: list[tuple[int, str, bool]],
                        shape: bytes) -> _Document:
        row = {"project_id": self.project.id, "external_id": record["id"],
               "title": record.get("title") or "", "url": record.get("url"),
               "published": record.get("published"), "meta": record.get("meta") or {}}
        document = _Document(None, shape, None, row, paragraphs)
        self.new_documents.append(document)
        self.counts["documents"] += 1
        return document

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

    def _new_layer(self, document: _Document, name: str) -> _Layer:
        user_id = None if name == "gold" else self._user_id(name)
        key = (document, user_id)
        layer = self.layers.get(key)
        if layer is None and document.stored_before:
            layer = self._stored_layer(document, user_id)
        if layer is not None:
            if layer.items:
                raise InputError(f"layer {name!r} of this document already holds annotations; "
                                 "nothing was overwritten")
            if layer.id is not None:
                self.bumped[layer] = None
        else:
            layer = _Layer(None, document, user_id, 0, False)
            self.new_layers.append(layer)
        self.layers[key] = layer
        layer.version += 1
        self.counts["layers"] += 1
        return layer

    def _stored_layer(self, document: _Document, user_id: int | None) -> _Layer | None:
        """Return the stored layer of a document stored before this import, if there is one."""
        query = select(Layer.id, Layer.version).where(Layer.document_id == document.id)
        query = query.where(Layer.kind == "gold") if user_id is None else query.where(
            Layer.user_id == user_id
        )
        row = db.session.execute(query).one_or_none()
        if row is None:
            return None
        items = db.session.scalar(select(
            exists().where(Span.layer_id == row.id) | exists().where(Event.layer_id == row.id)
            | exists().where(Attribution.layer_id == row.id)))
        return _Layer(row.id, document, user_id, row.version, bool(items))

    def _drop_staged(self) -> None:
        """Forget staged rows once a record failed: nothing more will be written."""
        self.new_documents.clear()
        self.new_layers.clear()
        self.bumped.clear()
        self.staged.clear()

    def _write(self) -> None:
        """Write every staged row, a fixed number of statements for the whole batch."""
        self._write_documents()
        layers = self.new_layers
        ids = insert_with_ids(Layer, [
            {"document_id": layer.document.id,
             "kind": "gold" if layer.user_id is None else "coder", "user_id": layer.user_id,
             "codebook_version": self.codebook_version, "version": layer.version}
            for layer in layers])
        for layer, layer_id in zip(layers, ids, strict=True):
            layer.id = layer_id
        if self.bumped:
            db.session.execute(
                update(Layer.__table__).where(Layer.__table__.c.id == bindparam("layer"))
                .values(version=bindparam("new_version")),
                [{"layer": layer.id, "new_version": layer.version} for layer in self.bumped])
        self._write_items()
        self.new_layers, self.bumped, self.staged = [], {}, []

    def _write_documents(self) -> None:
        documents = self.new_documents
        ids = insert_with_ids(Document, [document.row for document in documents])
        rows = []
        for document, document_id in zip(documents, ids, strict=True):
            document.id, document.row = document_id, None
            rows += [{"document_id": document_id, "position": position, "text": body,
                      "boilerplate": flag}
                     for position, (_index, body, flag) in enumerate(document.paragraphs)]
        paragraph_ids = insert_with_ids(Paragraph, rows)
        at = 0
        for document in documents:
            count = len(document.paragraphs)
            document.index_of = _compact(paragraph_ids[at:at + count])
            document.paragraphs = None
            at += count
        self.new_documents = []

    def _write_items(self) -> None:
        batch = []
        for layer, record in self.staged:
            index_of, position = layer.document.index_of, positions(record)
            texts = {p.get("index", i): p["text"] for i, p in enumerate(record["paragraphs"])}
            batch.append(LayerItems(layer.id, layer.document.id,
                                    {index: index_of[at] for index, at in position.items()},
                                    texts, record))
        insert_items(batch, audit={"user_id": self.actor.id if self.actor else None,
                                   "project_id": self.project.id, "action": "import"})


def _compact(ids: list[int]) -> Sequence[int]:
    """A document's paragraph ids by position, in little memory: a range when consecutive (as
    ids assigned up front are), else a tuple. Kept for every document of an import, in case a
    later record holds another layer of it."""
    if ids and ids == list(consecutive := range(ids[0], ids[0] + len(ids))):
        return consecutive
    return tuple(ids)


def positions(record: dict) -> dict[int, int]:
    """Map a record's paragraph indices to positions in document order (0, 1, ...)."""
    indices = sorted(p.get("index", i) for i, p in enumerate(record["paragraphs"]))
    return {index: position for position, index in enumerate(indices)}


def _shape(paragraphs: list[tuple[str, bool]]) -> bytes:
    """Return a digest of a document's paragraphs (texts and boilerplate flags), to compare."""
    return hashlib.sha256(json.dumps(paragraphs, ensure_ascii=False).encode()).digest()


class CheckedRecords:
    """Annotated records checked against the codebook by `check_records`, waiting to be stored.

    They wait in a temporary file (in memory while small), a line of JSON each: reading and
    checking every file happens before the import takes the write lock, and memory stays flat
    however many records there are. Records hold only what JSON holds (they came from files).
    """

    def __init__(self):
        self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self.count = 0

    def add(self, item: tuple[dict, str, int | None]) -> None:
        try:
            line = b"o" + orjson.dumps(item)
        except orjson.JSONEncodeError:  # a lone surrogate in an attribute: escaped as JSON
            line = b"j" + json.dumps(item).encode()
        self._spool.write(line + b"\n")
        self.count += 1

    def __iter__(self) -> Iterator[tuple[dict, str, int | None]]:
        self._spool.seek(0)
        for line in self._spool:
            record, file, number = (orjson.loads(line[1:]) if line[:1] == b"o"
                                    else json.loads(line[1:]))
            yield record, file, number

    def close(self) -> None:
        self._spool.close()


def check_records(records: Iterable[tuple[dict, str, int | None]], book: dict) -> CheckedRecords:
    """Check every (record, file, line) against the codebook, writing nothing; keep the good ones.

    :raise InputErrors: listing every bad record (up to MAX_ERRORS) by file and line.
    """
    checked, errors = CheckedRecords(), []
    try:
        for record, file, line in records:
            problems = record_problems(record, book)
            if problems:
                errors.append(InputError("; ".join(problems[:10]), file=file, line=line))
                if len(errors) >= MAX_ERRORS:
                    break
            elif not errors:
                checked.add((record, file, line))
    except BaseException:
        checked.close()
        raise
    if errors:
        checked.close()
        raise InputErrors(errors)
    return checked
