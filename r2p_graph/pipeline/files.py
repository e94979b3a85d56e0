"""Which files are inputs, and the error a bad one raises.

Kept free of RDF libraries: the cached-build check (:func:`r2p_graph.pipeline.build.ensure_build`)
only needs to list and hash the inputs, and a server start from a cached build should not
pay for importing rdflib, pySHACL or pyoxigraph just to do that.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

#: File extensions read as RDF, with the rdflib parser name for each.
RDF_FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


class SourceError(Exception):
    """A source file that cannot be used: missing, of unknown type, or not parseable."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


def discover(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the RDF files they hold (recursively, sorted), keep files as given.

    Raises :class:`SourceError` for a path that does not exist or a file of unknown type.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF_FORMATS
                )
            )
        elif path.is_file():
            if path.suffix.lower() not in RDF_FORMATS:
                raise SourceError(path, f"unknown RDF file type {path.suffix!r}")
            found.append(path)
        else:
            raise SourceError(path, "no such file or folder")
    return found


def discover_rules(rules_dir: Path) -> list[Path]:
    """The project's CONSTRUCT rule files, in a stable order."""
    if not rules_dir.is_dir():
        return []
    return sorted(p for p in rules_dir.glob("*.rq") if p.is_file())
