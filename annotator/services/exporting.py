"""Export a project's layers in any format, written atomically (temporary file, then rename)."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from annotator.errors import InputError
from annotator.extensions import db
from annotator.models import Document, Layer, Membership, Project, User
from annotator.services.records import iter_records

LAYER_CHOICES = {"all": None, "gold": "gold", "coders": "coders"}


def export_project(project: Project, fmt: str, layer: str | None = None, out: Path | None = None,
                   include_boilerplate: bool = False, split: str | None = None,
                   seed: int = 0) -> dict:
    """Write the export and return its report (counts, alignment notes)."""
    if fmt == "native":
        # Native is the backup: every layer and every paragraph unless asked otherwise.
        records = iter_records(project, choose_layer(project, layer, default=None),
                               include_boilerplate=True)
        from annotator.formats import native

        if out is None:
            return native.write(records, sys.stdout)
        with _atomic_file(out) as handle:
            return native.write(records, handle)
    if out is None:
        raise InputError(f"--out is required for the {fmt} format")
    from annotator.formats.registry import exporter

    writer = exporter(fmt)
    records = iter_records(project, choose_layer(project, layer, default="gold"),
                           include_boilerplate)
    with _atomic_path(out) as target:
        # brat's export declares the codebook in an annotation.conf beside the files.
        extra = {"codebook": project.codebook.content} if fmt == "brat" else {}
        if fmt == "hf":  # the card names ner_tags' classes: the codebook's labels, in order
            extra = {"labels": [label["name"] for label in project.codebook.content[
                "span_labels"]]}
        return writer.write(records, target, include_boilerplate=include_boilerplate,
                            split=_parse_split(split), seed=seed, lang=project.language,
                            codebook_version=project.codebook.version, **extra)


def choose_layer(project: Project, layer: str | None, default: str | None) -> str | None:
    """Translate an export's --layer into what iter_records takes.

    :raise InputError: for a name that is neither a keyword nor a coder of the project, listing
        the layers there are (a typo must not silently export an empty dataset).
    """
    if layer is None:
        return default
    if layer in LAYER_CHOICES:
        return LAYER_CHOICES[layer]
    coders = coder_layer_names(project)
    if layer not in coders:
        raise InputError(f"no layer {layer!r} in project {project.name!r}; choose one of "
                         + ", ".join([*LAYER_CHOICES, *coders]))
    return layer


def coder_layer_names(project: Project) -> list[str]:
    """Return the user names of the project's coders and of everyone with a layer in it."""
    members = (db.select(User.username).join(Membership, Membership.user_id == User.id)
               .where(Membership.project_id == project.id, Membership.role == "coder"))
    with_layers = (db.select(User.username).join(Layer, Layer.user_id == User.id)
                   .join(Document, Document.id == Layer.document_id)
                   .where(Document.project_id == project.id))
    names = db.session.execute(members.union(with_layers)).scalars()
    return sorted(set(names) - set(LAYER_CHOICES))


def _parse_split(split: str | None) -> tuple[int, int, int] | None:
    if split is None:
        return None
    try:
        parts = tuple(int(p) for p in split.split("/"))
    except ValueError:
        parts = ()
    if len(parts) != 3 or any(p < 0 for p in parts) or sum(parts) != 100:
        raise InputError(f"--split {split!r}: give three percentages that add up to 100, "
                         "e.g. 80/10/10")
    return parts


class _atomic_file:
    """Open a temporary text file beside `path`; rename it over `path` only on success."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self.handle

    def __exit__(self, exc_type, *_):
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)
        return False


class _atomic_path:
    """Give a writer a temporary path (file or folder) that replaces `path` on success."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmpdir = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=f".{self.path.name}."))
        return self.tmpdir / self.path.name

    def __exit__(self, exc_type, *_):
        try:
            if exc_type is None:
                if self.path.is_dir():
                    shutil.rmtree(self.path)
                os.replace(self.tmpdir / self.path.name, self.path)
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        return False
