"""Count the JS and CSS bytes the annotation page loads: its static files and their ES imports."""

import gzip
import re
from pathlib import Path

from benchmarks.figures import Figure

ROOT = Path(__file__).resolve().parents[1]
STATIC_REF = re.compile(r"url_for\(\s*'static'\s*,\s*filename\s*=\s*'([^']+)'\s*\)")
EXTENDS = re.compile(r"{%\s*extends\s+\"([^\"]+)\"\s*%}")
INCLUDE = re.compile(r"{%\s*include\s+\"([^\"]+)\"")
# Static imports, re-exports and side-effect imports, across line breaks; and dynamic imports
# (modules fetched on demand, when a feature is first used).
STATIC_IMPORT = re.compile(
    r"""(?:\b(?:import|export)\b[^;'"()]*?\bfrom\s*|\bimport\s+)["']([^"']+)["']""")
DYNAMIC_IMPORT = re.compile(r"""\bimport\s*\(\s*["']([^"']+)["']""")


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


def module_graph(entry: Path, on_demand: bool = True) -> list[Path]:
    """Return the JS module and every module it imports, directly or not.

    With on_demand False, modules only reached through import() are left out: the browser
    fetches those when a feature is first used, not when the page loads.
    """
    found, todo = [], [entry.resolve()]
    while todo:
        path = todo.pop()
        if path in found or not path.is_file():
            continue
        found.append(path)
        source = path.read_text(encoding="utf-8")
        targets = STATIC_IMPORT.findall(source)
        if on_demand:
            targets += DYNAMIC_IMPORT.findall(source)
        for target in targets:
            if target.startswith("."):  # bare names would need an import map; none are used
                todo.append((path.parent / target).resolve())
    return found


def page_assets(template: str = "annotate/page.html", on_demand: bool = True) -> list[Path]:
    """Return the static files (and their imported modules) that the page's template loads."""
    static = ROOT / "static"
    files: list[Path] = []
    for path in template_files(template, ROOT / "templates"):
        for name in STATIC_REF.findall(path.read_text(encoding="utf-8")):
            asset = static / name
            is_module = asset.suffix in (".js", ".mjs")
            for item in module_graph(asset, on_demand) if is_module else [asset]:
                if item not in files:
                    files.append(item)
    return [f for f in files if f.suffix in (".js", ".mjs", ".css")]


def measure_assets() -> list[Figure]:
    """Return the page's JS+CSS bytes at load, gzipped (as a proxy compressing them sends), and
    with every module fetched on demand."""
    initial, everything = page_assets(on_demand=False), page_assets()
    raw = sum(f.stat().st_size for f in initial)
    compressed = sum(len(gzip.compress(f.read_bytes(), 9)) for f in initial)
    details = {"files": {str(f.relative_to(ROOT)): f.stat().st_size for f in initial},
               "on_demand": {str(f.relative_to(ROOT)): f.stat().st_size
                             for f in everything if f not in initial},
               "gzip_bytes": compressed}
    return [
        Figure("assets.bytes", "annotation page JS+CSS at load", "any", raw / 1000, "kB",
               "< 100", details=details),
        Figure("assets.gzip", "annotation page JS+CSS at load, gzipped", "any",
               compressed / 1000, "kB", "", details=details),
        Figure("assets.all", "annotation page JS+CSS with every on-demand module", "any",
               sum(f.stat().st_size for f in everything) / 1000, "kB", "", details=details),
    ]
