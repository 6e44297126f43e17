"""Count the JS and CSS bytes the annotation page loads: its static files and their ES imports."""

import gzip
import re
from pathlib import Path

from benchmarks.figures import Figure

ROOT = Path(__file__).resolve().parents[1]
STATIC_REF = re.compile(r"url_for\(\s*'static'\s*,\s*filename\s*=\s*'([^']+)'\s*\)")
EXTENDS = re.compile(r"{%\s*extends\s+\"([^\"]+)\"\s*%}")
INCLUDE = re.compile(r"{%\s*include\s+\"([^\"]+)\"")
# Static and dynamic imports, re-exports and side-effect imports, across line breaks.
ES_IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\b(?:import|export)\b[^;'"]*?\bfrom\s*|\bimport\s+)["']([^"']+)["']""")


def template_files(name: str, templates: Path) -> list[Path]:
    """Return the template and everything it extends or includes."""
    found, todo = [], [name]
    while todo:
        path = templates / todo.pop()
        if path in found or not path.is_file():
            continue
        found.append(path)
        source = path.read_text(encoding="utf-8")
        todo += EXTENDS.findall(source) + INCLUDE.findall(source)
    return found


def module_graph(entry: Path) -> list[Path]:
    """Return the JS module and every module it imports, directly or not."""
    found, todo = [], [entry.resolve()]
    while todo:
        path = todo.pop()
        if path in found or not path.is_file():
            continue
        found.append(path)
        for target in ES_IMPORT.findall(path.read_text(encoding="utf-8")):
            if target.startswith("."):  # bare names would need an import map; none are used
                todo.append((path.parent / target).resolve())
    return found


def page_assets(template: str = "annotate/page.html") -> list[Path]:
    """Return the static files (and their imported modules) that the page's template loads."""
    static = ROOT / "static"
    files: list[Path] = []
    for path in template_files(template, ROOT / "templates"):
        for name in STATIC_REF.findall(path.read_text(encoding="utf-8")):
            asset = static / name
            for item in module_graph(asset) if asset.suffix in (".js", ".mjs") else [asset]:
                if item not in files:
                    files.append(item)
    return [f for f in files if f.suffix in (".js", ".mjs", ".css")]


def measure_assets() -> list[Figure]:
    """Return the page's JS+CSS bytes, raw and gzipped (as a proxy compressing them sends)."""
    files = page_assets()
    raw = sum(f.stat().st_size for f in files)
    compressed = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    details = {"files": {str(f.relative_to(ROOT)): f.stat().st_size for f in files},
               "gzip_bytes": compressed}
    return [
        Figure("assets.bytes", "annotation page JS+CSS", "any", raw / 1000, "kB", "< 100",
               details=details),
        Figure("assets.gzip", "annotation page JS+CSS, gzipped", "any", compressed / 1000,
               "kB", "", details=details),
    ]
