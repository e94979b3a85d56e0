"""A cold build that never leaves Oxigraph: the path proposed for large data.

    python bench/fastpath.py DATA_DIR CACHE_DIR

Same inputs, same checks and same output file as ``r2p_graph.build.ensure_build`` (the
N-Quads at ``cached_build_path(settings)`` and the ``last-good`` marker), but:

* load: pyoxigraph parses the ontology and data (Rust, ~1M triples/s) into named graphs
  ``graph/ontology`` and ``graph/asserted``, copied into the default graph for checking;
* validate: pySHACL validates the Oxigraph store itself (pySHACL >= 0.30 runs its SPARQL
  constraints and targets in Oxigraph), in place, ontology included, no inference: the
  same findings as ``r2p_graph.validation`` (checked by ``bench/run.py`` on the real
  graph). pySHACL's Oxigraph adapter counts the whole store with a SPARQL query every
  time it asks ``len(graph)`` (2,128 times on the real graph, 85% of the time); the count
  is memoized here, the store does not change during validation;
* infer: :func:`r2p_graph.inference.infer_into`, the OWL 2 RL rules as SPARQL;
* write: Oxigraph serializes the three named graphs to N-Quads, atomically.

Prints one JSON line: phase timings, counts and ``conforms``. Exit 1 on a violation.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from r2p_graph.build import atomic_write_bytes, cached_build_path  # noqa: E402
from r2p_graph.config import Settings  # noqa: E402
from r2p_graph.ids import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, Minter  # noqa: E402
from r2p_graph.inference import LiteralChecker, discover_rules, infer_into  # noqa: E402
from r2p_graph.sources import discover, load_shapes  # noqa: E402

_OX_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def _memoize_pyshacl_len() -> None:
    import pyshacl.graph_abstraction as ga

    original = ga.OxigraphDataGraph.__len__
    if getattr(original, "_memoized", False):
        return
    cache: dict[tuple[int, str | None], int] = {}

    def length(self, context=None):  # type: ignore[no-untyped-def]
        key = (id(self.impl), None if context is None else str(context.identifier))
        if key not in cache:
            cache[key] = original(self, context)
        return cache[key]

    length._memoized = True  # type: ignore[attr-defined]
    ga.OxigraphDataGraph.__len__ = length


def validate_store(store: ox.Store, shapes: object) -> tuple[bool, list[tuple[str, str, str]]]:
    """pySHACL over the store's default graph; returns (conforms, violations)."""
    from pyshacl import validate
    from rdflib import RDF, SH

    _memoize_pyshacl_len()
    _conforms, report, _text = validate(
        store,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
        inplace=True,
    )
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        findings.append(
            (
                str(report.value(result, SH.resultSeverity)),
                str(report.value(result, SH.focusNode)),
                str(report.value(result, SH.sourceConstraintComponent)),
            )
        )
    violations = [f for f in findings if f[0] == str(SH.Violation)]
    return not violations, sorted(findings)


def build_fast(settings: Settings) -> dict[str, object]:
    timings: dict[str, float] = {}
    minter = Minter(settings.base_iri)
    ontology_g = ox.NamedNode(minter.graph(ONTOLOGY_GRAPH))
    asserted_g = ox.NamedNode(minter.graph(ASSERTED_GRAPH))
    inferred_g = ox.NamedNode(minter.graph(INFERRED_GRAPH))

    started = time.perf_counter()
    store = ox.Store()
    store.load(path=str(settings.ontology_file), format=ox.RdfFormat.TURTLE, to_graph=ontology_g)
    # Parsed in Rust, looked at once in Python: Oxigraph's store would turn an out-of-range
    # "-5"^^xsd:positiveInteger into a valid xsd:integer, so dt-not-type checks it here.
    checker = LiteralChecker()
    checked = set(checker.datatypes)

    def quads(path: Path) -> Iterator[ox.Quad]:
        for q in ox.parse(path=str(path), format=_OX_FORMATS[path.suffix.lower()]):
            o = q.object
            if isinstance(o, ox.Literal) and o.datatype.value in checked:
                checker.check(o.value, o.datatype.value)
            yield ox.Quad(q.subject, q.predicate, o, asserted_g)

    for path in discover([settings.data_dir]):
        store.extend(quads(path))
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    shapes = load_shapes(settings)
    timings["load"] = time.perf_counter() - started

    started = time.perf_counter()
    conforms, findings = validate_store(store, shapes)
    timings["validate"] = time.perf_counter() - started
    if not conforms:
        return {"conforms": False, "findings": findings[:20], "timings": timings}

    started = time.perf_counter()
    rules = [r.read_text("utf-8") for r in discover_rules(settings.ontology_dir / "rules")]
    inferred = infer_into(store, inferred_g, rules=rules, checker=checker)
    timings["infer"] = time.perf_counter() - started

    started = time.perf_counter()
    target = cached_build_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    quads = (
        q
        for g in (ontology_g, asserted_g, inferred_g)
        for q in store.quads_for_pattern(None, None, None, g)
    )
    ox.serialize(quads, tmp, format=ox.RdfFormat.N_QUADS)
    os.replace(tmp, target)
    atomic_write_bytes(settings.cache_dir / "last-good", target.name.encode())
    timings["write"] = time.perf_counter() - started
    return {
        "conforms": True,
        "warnings": len(findings),
        "inferred": inferred,
        "path": str(target),
        "timings": timings,
    }


def main(argv: list[str]) -> int:
    settings = Settings.from_env(data_dir=Path(argv[0]), cache_dir=Path(argv[1]))
    result = build_fast(settings)
    print(json.dumps(result))
    return 0 if result["conforms"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
