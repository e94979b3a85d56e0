"""Step 1 of the pipeline: read the ontology and the curated data into one rdflib Dataset.

The Dataset has one named graph per role (``graph/ontology``, ``graph/asserted``; the
inference step adds ``graph/inferred``). Parse errors become :class:`SourceError`s that
name the file and line, and every subject remembers the file it was first read from, so
a validation report can point a maintainer at the right file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from .config import Settings
from .ids import ASSERTED_GRAPH, ONTOLOGY_GRAPH, Minter

#: File extensions read as RDF, with the rdflib parser for each.
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
QUAD_FORMATS = {"trig", "nquads", "json-ld"}


class SourceError(Exception):
    """A source file that cannot be used: missing, of unknown type, or not parseable."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class LoadedSources:
    """The Dataset with the ontology and asserted data, and where each subject came from."""

    dataset: Dataset
    minter: Minter
    files: list[Path] = field(default_factory=list)
    origin: dict[Node, Path] = field(default_factory=dict)

    @property
    def ontology(self) -> Graph:
        """The ontology's named graph."""
        return self.dataset.graph(URIRef(self.minter.graph(ONTOLOGY_GRAPH)))

    @property
    def asserted(self) -> Graph:
        """The curated data's named graph."""
        return self.dataset.graph(URIRef(self.minter.graph(ASSERTED_GRAPH)))


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


def parse_file(path: Path, into: Graph) -> Graph:
    """Parse one file into ``into`` (triples only; quads are flattened) and return what it held.

    Raises :class:`SourceError` with the file and, where the parser knows it, the line.
    """
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}")
    try:
        if fmt in QUAD_FORMATS:
            scratch_ds = Dataset()
            scratch_ds.parse(path, format=fmt)
            parsed = Graph()
            for s, p, o, _ in scratch_ds.quads((None, None, None, None)):
                parsed.add((s, p, o))
        else:
            parsed = Graph()
            parsed.parse(path, format=fmt)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read: {exc}") from exc
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        raise SourceError(path, _describe_parse_error(exc), _error_line(exc)) from exc
    for triple in parsed:
        into.add(triple)
    return parsed


def load_sources(settings: Settings, data_paths: Sequence[Path] | None = None) -> LoadedSources:
    """Read the ontology and the data (``settings.data_dir`` unless paths are given)."""
    minter = Minter(settings.base_iri)
    loaded = LoadedSources(dataset=Dataset(), minter=minter)
    parse_file(settings.ontology_file, loaded.ontology)
    loaded.files.append(settings.ontology_file)
    for path in discover(data_paths if data_paths is not None else [settings.data_dir]):
        parsed = parse_file(path, loaded.asserted)
        loaded.files.append(path)
        for subject in parsed.subjects(unique=True):
            loaded.origin.setdefault(subject, path)
    return loaded


def load_shapes(settings: Settings) -> Graph:
    """All SHACL shapes files in ``settings.shapes_dir`` as one graph."""
    shapes = Graph()
    for path in discover([settings.shapes_dir]):
        parse_file(path, shapes)
    return shapes


def _error_line(exc: Exception) -> int | None:
    # notation3.BadSyntax keeps the buffer and the offset of the error; its own ``lines``
    # attribute drifts by a line or two, so count the newlines before the offset instead.
    buffer, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(buffer, bytes | str) and isinstance(offset, int):
        newline = b"\n" if isinstance(buffer, bytes) else "\n"
        return buffer[:offset].count(newline) + 1  # type: ignore[arg-type]
    lineno = getattr(exc, "lineno", None) or getattr(exc, "line", None)
    return lineno if isinstance(lineno, int) else None


def _describe_parse_error(exc: Exception) -> str:
    why = getattr(exc, "_why", None)
    if why:
        return f"syntax error: {why}"
    text = str(exc).strip().splitlines()
    return f"syntax error: {text[0] if text else type(exc).__name__}"
