"""brat standoff: DOC.txt and DOC.ann per document, in the layout brat itself opens.

Layout of an export (docs/brat.md has the whole story):
- `out/DOC.txt` + `out/DOC.ann` when only the gold layer (or no layer) is exported;
  `out/LAYER/DOC.txt` + `out/LAYER/DOC.ann` per layer when other layers are, each folder a brat
  collection of its own, and documents without any layer in `out` itself with an empty .ann;
  with a split, these sit in `out/train`, `out/dev` and `out/test`.
- File and folder names are the document ids and layer names, with characters other than
  letters, digits, `-`, `_`, `.` and `~` percent-encoded (brat_names.file_stem).
- `out/annotation.conf` and `out/visual.conf` declare the codebook's labels, events, roles and
  attributes for brat; `card.json` names the layer folders, which the import reads back.
Lines: brat_write.py; reading: brat_read.py; annotation.conf as a codebook: brat_conf.py.
"""

import hashlib
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.background_files import BackgroundFiles
from annotator.formats.brat_conf import write_conf
from annotator.formats.brat_names import Spelling, file_stem
from annotator.formats.brat_read import read  # noqa: F401 (the registry's reader)
from annotator.formats.brat_write import ann_lines
from annotator.formats.common import Stats, export_records, staging, write_card
from annotator.text import split_paragraphs

NO_LAYER = ".none"  # staging folder of documents without a layer


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en", codebook_version: object = None,
    codebook: dict | None = None,
) -> dict:
    """Write .txt and .ann files (and annotation.conf) into `out`; return the card."""
    stats, counts = Stats(), Counter()
    spelling = Spelling(codebook)
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "codebook_version": codebook_version}
    texts: dict[str, bytes] = {}  # document id -> digest of its .txt, to catch conflicting copies
    layers: dict[str, str] = {}  # folder -> layer
    made: set[Path] = set()  # folders made so far
    with staging(out) as folder:
        work = folder / ".layers"
        with BackgroundFiles() as files:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                layer = record.get("layer")
                key = NO_LAYER if layer is None else file_stem(layer)
                if layer is not None and layers.setdefault(key, layer) != layer:
                    raise InputError(f"layers {layers[key]!r} and {layer!r} have one folder "
                                     "name")
                target = work / name / key
                if target not in made:
                    target.mkdir(parents=True, exist_ok=True)
                    made.add(target)
                text, starts = _joined_text(record, texts, counts)
                stem = file_stem(record["id"])
                files.write(target / f"{stem}.txt", text,
                            exists=f"document {record['id']!r} has layer {layer!r} twice")
                lines = [] if layer is None else ann_lines(record, starts, text, counts, spelling)
                files.write(target / f"{stem}.ann", "".join(line + "\n" for line in lines))
        flat = set(layers.values()) <= {"gold"}
        _arrange(work, folder, split is not None, flat, sorted(layers))
        if codebook is not None:
            conf, visual = write_conf(codebook)
            (folder / "annotation.conf").write_text(conf, encoding="utf-8")
            (folder / "visual.conf").write_text(visual, encoding="utf-8")
        details = {"brat": dict(sorted(counts.items()))}
        if not flat:
            details["layer_folders"] = dict(sorted(layers.items()))
        return write_card(folder, "brat", stats, options, details)


def _joined_text(record: dict, texts: dict[str, bytes], counts: Counter
                 ) -> tuple[str, dict[int, int]]:
    """Return the record's .txt text and where each paragraph starts in it.

    :raise InputError: when an earlier record of the document had another text (`texts` holds
        a digest per document).
    """
    paragraphs = [p["text"] for p in record["paragraphs"]]
    text = "\n\n".join(paragraphs)
    starts, position = {}, 0
    for paragraph in record["paragraphs"]:
        starts[paragraph["index"]] = position
        position += len(paragraph["text"]) + 2
    digest = hashlib.sha256(text.encode()).digest()
    if texts.setdefault(record["id"], digest) != digest:
        raise InputError(f"document {record['id']!r} comes with two different texts")
    if split_paragraphs(text) != paragraphs and record.get("layer") is not None:
        counts["records_whose_paragraphs_reimport_differently"] += 1
    return text, starts


def _arrange(work: Path, folder: Path, split: bool, flat: bool, layer_keys: list[str]) -> None:
    """Move the staged files into place: flat, or one folder per layer (see the docstring)."""
    if not work.exists():
        return
    for part in sorted(work.iterdir()):
        base = folder / part.name if split else folder
        base.mkdir(exist_ok=True)
        unannotated = part / NO_LAYER
        sources = [part / "gold", unannotated] if flat else [unannotated]
        if not flat:
            for key in layer_keys:
                if (part / key).exists():
                    os.replace(part / key, base / key)
        for source in sources:
            # Names, not Path objects: a folder may hold two files per document, and a Path
            # for each took 190 MB at 100,000 documents.
            for name in os.listdir(source) if source.exists() else []:
                os.replace(os.path.join(source, name), os.path.join(base, name))
    shutil.rmtree(work)
