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


EXPORTERS = {
    "native": Format("annotator.formats.native"),
    "jsonl": Format("annotator.formats.jsonl"),
    "spacy": Format("annotator.formats.spacy_docbin", (("spacy", "spacy"),), "spaCy export"),
    "conll": Format("annotator.formats.conll"),
    "brat": Format("annotator.formats.brat"),
    "csv": Format("annotator.formats.csv_tables"),
    # Writing the folder needs no library; loading it is the consumer's business (datasets).
    "hf": Format("annotator.formats.hf"),
    # The peers' own import shapes and offsets units (doccano: UTF-16; Label Studio: code points).
    "doccano": Format("annotator.formats.doccano"),
    "label-studio": Format("annotator.formats.label_studio"),
    "label-studio-predictions": Format("annotator.formats.label_studio_predictions"),
}

IMPORTERS = {
    "native": Format("annotator.formats.native"),
    "brat": Format("annotator.formats.brat"),
    "doccano": Format("annotator.formats.doccano"),
    "label-studio": Format("annotator.formats.label_studio"),
    "conll": Format("annotator.formats.conll"),
    "spacy": Format("annotator.formats.spacy_docbin", (("spacy", "spacy"),), "spaCy import"),
    # The paragraph-per-row exports read back (the raw-article `jsonl` import is another thing).
    "jsonl-export": Format("annotator.formats.paragraph_rows"),
    "hf": Format("annotator.formats.paragraph_rows"),
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
