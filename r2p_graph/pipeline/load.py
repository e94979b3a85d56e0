"""Step 1 of the pipeline: read the ontology and the curated data into one rdflib Dataset.

The Dataset has one named graph per role (``graph/ontology``, ``graph/asserted``; the
inference step adds ``graph/inferred``). Parse errors become :class:`SourceError`s that
name the file and line, and every subject remembers the file it was first read from, so
a validation report can point a maintainer at the right file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from ..config import Settings
from ..ids import ASSERTED_GRAPH, ONTOLOGY_GRAPH, Minter
from .files import RDF_FORMATS, SourceError, discover

QUAD_FORMATS = {"trig", "nquads", "json-ld"}


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


# -- the build's loader: pyoxigraph, terms kept exactly as written -----------------------

#: pyoxigraph's parser for each rdflib format name of :data:`RDF_FORMATS`.
_OX_FORMATS = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "n3": "N3",
    "trig": "TRIG",
    "nquads": "N_QUADS",
    "json-ld": "JSON_LD",
    "xml": "RDF_XML",
}


@dataclass
class WrittenSources:
    """The ontology and the data as written, parsed by pyoxigraph (Rust, ~1M triples/s).

    ``dataset`` is an ``ox.Dataset`` with the ``graph/ontology`` and ``graph/asserted``
    named graphs, every term exactly as in the files (an ``ox.Store`` would rewrite
    ``"58"^^xsd:nonNegativeInteger`` as ``"58"^^xsd:integer``; the build's output and the
    dumps keep what was written). Blank nodes are renamed per file, deterministically, so
    ``_:b0`` in two files are two nodes and every process that reads the same files gets
    the same names (the parallel validation relies on that).
    """

    dataset: Any
    minter: Minter
    files: list[Path] = field(default_factory=list)
    #: Subject -> index in ``files`` of the first file that described it.
    first_file: dict[Any, int] = field(default_factory=dict)
    #: Typed literals that do not match their datatype (``dt-not-type``), as messages.
    checker: Any = None

    def origin(self, node: Node | None) -> Path | None:
        """The file a subject (an rdflib node, as in a validation report) came from."""
        import pyoxigraph as ox
        from rdflib import BNode

        if node is None:
            return None
        term = ox.BlankNode(str(node)) if isinstance(node, BNode) else ox.NamedNode(str(node))
        index = self.first_file.get(term)
        return self.files[index] if index is not None else None

    def store(self) -> Any:
        """A fresh in-memory ``ox.Store`` with ontology and data in its default graph: what
        validation and inference read (and inference writes into)."""
        import pyoxigraph as ox

        store = ox.Store()
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in self.dataset)
        return store


def read_sources(settings: Settings, data_paths: Sequence[Path] | None = None) -> WrittenSources:
    """Read the ontology and the data (``settings.data_dir`` unless paths are given) with
    pyoxigraph. Raises :class:`SourceError` naming the file and line of a syntax error."""
    import pyoxigraph as ox

    from .terms import LiteralChecker

    minter = Minter(settings.base_iri)
    loaded = WrittenSources(dataset=ox.Dataset(), minter=minter, checker=LiteralChecker())
    ontology = ox.NamedNode(minter.graph(ONTOLOGY_GRAPH))
    asserted = ox.NamedNode(minter.graph(ASSERTED_GRAPH))
    paths = [settings.ontology_file]
    paths += discover(data_paths if data_paths is not None else [settings.data_dir])
    for index, path in enumerate(paths):
        loaded.files.append(path)
        _read_file(path, index, ontology if index == 0 else asserted, loaded)
    return loaded


def _read_file(path: Path, index: int, graph: Any, into: WrittenSources) -> None:
    import pyoxigraph as ox

    name = RDF_FORMATS.get(path.suffix.lower())
    if name is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}")
    fmt = getattr(ox.RdfFormat, _OX_FORMATS[name])
    checker = into.checker
    checked = set(checker.datatypes)
    first_file = into.first_file
    renamed: dict[str, Any] = {}

    def rename(node: Any) -> Any:
        if isinstance(node, ox.BlankNode):
            fresh = renamed.get(node.value)
            if fresh is None:
                fresh = renamed[node.value] = ox.BlankNode(f"f{index}x{node.value}")
            return fresh
        return node

    add = into.dataset.add
    try:
        for quad in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            subject, obj = rename(quad.subject), quad.object
            if isinstance(obj, ox.BlankNode):
                obj = rename(obj)
            elif isinstance(obj, ox.Literal) and obj.datatype.value in checked:
                checker.check(obj.value, obj.datatype.value)
            if subject not in first_file:
                first_file[subject] = index
            add(ox.Quad(subject, quad.predicate, obj, graph))
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        raise SourceError(path, f"syntax error: {message}", exc.lineno) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read: {exc}") from exc
