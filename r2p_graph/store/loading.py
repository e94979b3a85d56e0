"""Turn RDF files into one N-Quads snapshot of the dataset to serve.

Files are parsed with pyoxigraph (whatever the engine): Turtle, N-Triples, N-Quads, TriG,
N3, JSON-LD and RDF/XML, chosen by file extension, optionally gzip-compressed
(``.ttl.gz``). Named graphs in TriG / N-Quads are kept. Triples from triple-only formats
go into the default graph, or into the graph named in the source (``FILE=GRAPH_IRI``).
Blank nodes are renamed per file, so two files that both say ``_:b0`` do not share a node.

The snapshot is a plain N-Quads file (the set of quads, duplicates removed) with
per-graph counts; it doubles as the ``/download/dataset.nq`` dump. What the query workers
open is made from it once by :mod:`r2p_graph.store.ondisk`.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from r2p_graph.store import formats
from r2p_graph.store.query_text import is_iri

if TYPE_CHECKING:  # imported where files are parsed: a cached start never needs it
    import pyoxigraph as ox

#: File extension -> media type of the parser to use.
EXTENSIONS: dict[str, str] = {
    ".ttl": formats.TURTLE,
    ".turtle": formats.TURTLE,
    ".nt": formats.N_TRIPLES,
    ".ntriples": formats.N_TRIPLES,
    ".nq": formats.N_QUADS,
    ".nquads": formats.N_QUADS,
    ".trig": formats.TRIG,
    ".n3": "text/n3",
    ".jsonld": formats.JSON_LD,
    ".json": formats.JSON_LD,
    ".rdf": formats.RDF_XML,
    ".owl": formats.RDF_XML,
    ".xml": formats.RDF_XML,
}


class DatasetLoadError(ValueError):
    """A source file is missing, has an unknown extension, or does not parse."""


@dataclass(frozen=True)
class GraphSource:
    """One RDF file to serve, and the graph its triples go into (None: the default graph)."""

    path: Path
    graph: str | None = None

    @property
    def media_type(self) -> str:
        return media_type_for(self.path)


@dataclass(frozen=True)
class DatasetSnapshot:
    """An N-Quads file holding the whole dataset, with its counts, and when it has been
    made into a served folder (:mod:`r2p_graph.store.ondisk`) the on-disk store."""

    path: Path
    #: Named graph IRI -> number of triples in it.
    graphs: dict[str, int] = field(default_factory=dict)
    #: Triples in the default graph (those loaded without a graph name).
    default_graph_triples: int = 0
    #: An Oxigraph store of the snapshot, opened read-only by every query worker; None:
    #: each worker loads the N-Quads into memory.
    store: Path | None = None
    #: The data literals that Oxigraph stores in another form (N-Quads), with ``store``.
    originals: Path | None = None
    #: True when no triple is stored in two graphs, so that the union of the graphs is a
    #: set without being materialized.
    union_is_set: bool = False

    @property
    def triples(self) -> int:
        """Quads in the dataset (a triple stored in two graphs counts twice)."""
        return self.default_graph_triples + sum(self.graphs.values())


def media_type_for(path: Path) -> str:
    """The RDF media type of a file, from its extension (``.gz`` is looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise DatasetLoadError(f"{path}: unknown RDF file extension (known: {known}, plus .gz)")
    return EXTENSIONS[suffixes[-1]]


def parse_source(spec: str | os.PathLike[str] | GraphSource) -> GraphSource:
    """Read a command-line source: ``FILE`` or ``FILE=GRAPH_IRI``.

    A path that exists as given is a file even if it contains ``=``. ``pathlib`` folds
    ``http://`` into ``http:/``; such IRIs are repaired.
    """
    if isinstance(spec, GraphSource):
        return spec
    text = os.fspath(spec)
    if "=" in text and not Path(text).exists():
        file_part, graph = text.split("=", 1)
        graph = re.sub(r"^([A-Za-z][A-Za-z0-9+.\-]*):/(?!/)", r"\1://", graph)
        if not is_iri(graph):
            raise DatasetLoadError(f"{text!r}: {graph!r} is not an absolute IRI")
        return GraphSource(Path(file_part), graph)
    return GraphSource(Path(text))


def _ox_format(media_type: str) -> ox.RdfFormat:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:  # pragma: no cover - every EXTENSIONS value is known to pyoxigraph
        raise DatasetLoadError(f"no parser for {media_type}")
    return fmt


def _quads(source: GraphSource) -> Iterator[ox.Quad]:
    import pyoxigraph as ox

    path = source.path
    if not path.is_file():
        raise DatasetLoadError(f"{path}: no such file")
    fmt = _ox_format(source.media_type)
    target: ox.NamedNode | None = ox.NamedNode(source.graph) if source.graph else None
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as stream:
        parser = ox.parse(
            cast("IO[bytes]", stream),
            format=fmt,
            base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True,
        )
        for quad in parser:
            if target is not None and isinstance(quad.graph_name, ox.DefaultGraph):
                yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
            else:
                yield quad


def _snapshot(dataset: ox.Dataset, out_dir: Path) -> DatasetSnapshot:
    """Write ``dataset`` as N-Quads and count it.

    An ``ox.Dataset`` keeps every term exactly as parsed (an ``ox.Store`` would rewrite
    ``"58"^^xsd:nonNegativeInteger`` as ``"58"^^xsd:integer``), so the snapshot and the
    dumps are the data as written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "dataset.nq"
    import pyoxigraph as ox

    ox.serialize(dataset, str(path), format=ox.RdfFormat.N_QUADS)
    graphs: dict[str, int] = {}
    default_count = 0
    for quad in dataset:
        name = quad.graph_name
        if isinstance(name, ox.NamedNode):
            graphs[name.value] = graphs.get(name.value, 0) + 1
        elif isinstance(name, ox.DefaultGraph):
            default_count += 1
    return DatasetSnapshot(
        path=path, graphs=dict(sorted(graphs.items())), default_graph_triples=default_count
    )


def build_snapshot(
    sources: Iterable[str | os.PathLike[str] | GraphSource], out_dir: Path
) -> DatasetSnapshot:
    """Parse every source and write ``out_dir/dataset.nq`` (duplicates removed)."""
    import pyoxigraph as ox

    dataset = ox.Dataset()
    for spec in sources:
        source = parse_source(spec)
        try:
            for quad in _quads(source):
                dataset.add(quad)
        except SyntaxError as exc:
            raise DatasetLoadError(f"{source.path}: {exc}") from exc
        except (OSError, ValueError) as exc:
            if isinstance(exc, DatasetLoadError):
                raise
            raise DatasetLoadError(f"{source.path}: {exc}") from exc
    return _snapshot(dataset, out_dir)


def sources_from(specs: Sequence[str | os.PathLike[str] | GraphSource]) -> list[GraphSource]:
    """Parse and check every source up front, so a typo fails before anything loads."""
    sources = [parse_source(spec) for spec in specs]
    for source in sources:
        media_type_for(source.path)
        if not source.path.is_file():
            raise DatasetLoadError(f"{source.path}: no such file")
    return sources
