"""Shared fixtures for the shape tests: the shapes, the ontology and the small world
(vocabularies + base.ttl) that every shape fixture is validated in.

Speed: pySHACL hands rdflib the text of a SPARQL constraint or target for every focus node
and every run, and rdflib's pyparsing grammar takes ~30 ms per parse. These tests validate a
few hundred tiny graphs against the same shapes, so while a test module of this folder runs,
rdflib's SPARQL processor memoizes the parsed-and-translated query per (text, base,
namespaces). The query that runs is the one rdflib would have built (a prepared query, as
``rdflib.plugins.sparql.prepareQuery`` makes); only the repeated parsing is skipped. The
patch is undone when the module finishes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from rdflib import Graph
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from .shapes_support import BASE_FIXTURE, DATA_DIR, load_ontology, load_shapes

_PREPARED: dict[tuple[str, str | None, tuple[tuple[str, Any], ...]], Any] = {}


@pytest.fixture(autouse=True, scope="module")
def _memoize_sparql_parsing() -> Iterator[None]:
    original = sparql_processor.SPARQLProcessor.query

    def query(
        self: sparql_processor.SPARQLProcessor,
        strOrQuery: Any,  # noqa: N803 (rdflib's parameter names)
        initBindings: Mapping[str, Any] | None = None,  # noqa: N803
        initNs: Mapping[str, Any] | None = None,  # noqa: N803
        base: str | None = None,
        DEBUG: bool = False,  # noqa: N803
    ) -> Any:
        query_object = strOrQuery
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            query_object = _PREPARED.get(key)
            if query_object is None:
                query_object = translateQuery(parseQuery(strOrQuery), base, initNs)
                _PREPARED[key] = query_object
        return original(self, query_object, initBindings, initNs, base, DEBUG)

    sparql_processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        sparql_processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="session")
def vocabularies() -> Graph:
    """data/vocabularies/*.ttl, plus the reference nodes they point to (the states that
    situations affect), so that scheme and value-in-scheme checks see real concepts."""
    vocab = Graph()
    for path in sorted((DATA_DIR / "vocabularies").glob("*.ttl")):
        vocab.parse(path, format="turtle")
    reference = Graph()
    for path in sorted((DATA_DIR / "reference").glob("*.ttl")):
        reference.parse(path, format="turtle")
    for obj in set(vocab.objects()):
        for p, o in reference.predicate_objects(obj):
            vocab.add((obj, p, o))
    return vocab


@pytest.fixture(scope="session")
def world(vocabularies: Graph) -> Graph:
    """The vocabularies plus base.ttl: what every shape fixture is added to."""
    graph = Graph()
    for triple in vocabularies:
        graph.add(triple)
    graph.parse(BASE_FIXTURE, format="turtle")
    return graph
