"""Shared fixtures for the shape tests: the shapes, the ontology and the small world
(vocabularies + base.ttl) that every shape fixture is validated in.

Validation goes through r2p_graph.pipeline.validate, which reuses parsed SHACL-SPARQL queries.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from .shapes_support import BASE_FIXTURE, DATA_DIR, load_ontology, load_shapes


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
