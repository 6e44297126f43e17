"""Name -> module registry of the annotated formats, imported only when asked for.

Core code (import, export of native/jsonl/csv/brat/conll/hf) never imports spaCy; asking for a
format whose library is missing raises MissingExtra naming the pip extra to install.

Writers take (records, out folder, *, include_boilerplate, split, seed, lang) and return a report;
readers take a path (and, as keywords, the import options OPTIONS lists) and yield native
records. `native` is the exception: its module (not part of this registry's contract) reads and
writes a JSON Lines stream.
"""

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType

from annotator.errors import AnnotatorError, MissingExtra


@dataclass(frozen=True)
class Format:
    module: str
    needs: tuple[tuple[str, str], ...] = ()  # (importable module, pip extra)
    feature: str = ""
    title: str = ""  # what the web forms show
    on_web: bool = True  # offered on the import or export page


# Plain articles (no annotations), read by annotator.formats.articles_*; the import page's
# default tells them apart by extension.
ARTICLE_FORMATS = {
    "jsonl": "Articles: JSON Lines",
    "csv": "Articles: CSV",
    "txt": "Articles: plain text, one per file (the file name is the id)",
}


EXPORTERS = {
    "native": Format("annotator.formats.native",
                     title="native: JSON Lines, every layer, lossless (the backup)"),
    "jsonl": Format("annotator.formats.jsonl",
                    title="jsonl: one paragraph per line, for training"),
    "spacy": Format("annotator.formats.spacy_docbin", (("spacy", "spacy"),), "spaCy export",
                    title="spaCy DocBin (zip)"),
    "conll": Format("annotator.formats.conll", title="CoNLL BIO tags (zip)"),
    "brat": Format("annotator.formats.brat", title="brat standoff (zip)"),
    "csv": Format("annotator.formats.csv_tables", title="CSV tables (zip)"),
    # Writing the folder needs no library; loading it is the consumer's business (datasets).
    "hf": Format("annotator.formats.hf", title="Hugging Face datasets folder (zip)"),
    # The peers' own import shapes and offsets units (doccano: UTF-16; Label Studio: code points).
    "doccano": Format("annotator.formats.doccano", title="doccano JSONL, UTF-16 offsets (zip)"),
    "label-studio": Format("annotator.formats.label_studio",
                           title="Label Studio tasks with annotations (zip)"),
    "label-studio-predictions": Format("annotator.formats.label_studio_predictions",
                                       title="Label Studio tasks with predictions to correct "
                                             "(zip)"),
}

IMPORTERS = {
    "native": Format("annotator.formats.native", title="Annotated: native JSON Lines"),
    # A brat project is a folder of .txt and .ann files: the command line reads it.
    "brat": Format("annotator.formats.brat", on_web=False),
    "doccano": Format("annotator.formats.doccano", title="Annotated: doccano JSONL"),
    "label-studio": Format("annotator.formats.label_studio",
                           title="Annotated: Label Studio JSON"),
    "conll": Format("annotator.formats.conll",
                    title="Annotated: CoNLL BIO tags (e.g. a model's output)"),
    "spacy": Format("annotator.formats.spacy_docbin", (("spacy", "spacy"),), "spaCy import",
                    title="Annotated: spaCy DocBin (.spacy)"),
    # The paragraph-per-row exports read back (the raw-article `jsonl` import is another thing).
    "jsonl-export": Format("annotator.formats.paragraph_rows",
                           title="Annotated: this tool's jsonl export (one paragraph per line)"),
    "hf": Format("annotator.formats.paragraph_rows",
                 title="Annotated: a split file of this tool's Hugging Face export"),
}

# Import options each reader takes (command line --offsets/--layer, the import page's fields),
# with the unit each peer format reads when --offsets is not given.
OPTIONS = {
    "doccano": {"offsets", "layer"},
    "label-studio": {"offsets", "layer"},
    "conll": {"layer"},
    "spacy": {"layer"},
    "jsonl-export": {"layer"},
    "hf": {"layer"},
}
DEFAULT_OFFSETS = {"doccano": "utf16", "label-studio": "codepoints (UTF-16 recognised by a "
                   "region's text)"}


def _load(table: dict[str, Format], name: str, kind: str) -> ModuleType:
    entry = table.get(name)
    if entry is None:
        raise AnnotatorError(f"unknown {kind} format {name!r}; choose one of "
                             f"{', '.join(sorted(table))}")
    for module, extra in entry.needs:
        if importlib.util.find_spec(module) is None:
            raise MissingExtra(entry.feature or f"the {name} format", extra, module)
    return importlib.import_module(entry.module)


def exporter(name: str) -> ModuleType:
    """Return the module that writes format `name` (its `write` function does the work).

    :raise AnnotatorError: for an unknown name; MissingExtra when its library is not installed.
    """
    return _load(EXPORTERS, name, "export")


def importer(name: str) -> ModuleType:
    """Return the module that reads format `name` (its `read` function does the work).

    :raise AnnotatorError: for an unknown name; MissingExtra when its library is not installed.
    """
    return _load(IMPORTERS, name, "import")


def import_choices() -> list[str]:
    """Every name `annotator import --format` takes: plain articles, then annotated formats."""
    return [*ARTICLE_FORMATS, *IMPORTERS]


def web_choices(table: dict[str, Format]) -> list[tuple[str, str]]:
    """(name, title) of the formats of `table` that the web pages offer."""
    return [(name, entry.title) for name, entry in table.items() if entry.on_web]
