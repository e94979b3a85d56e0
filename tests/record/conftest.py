"""Shared fixtures for the record's tests: the graph of data/ and the meetings its files hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "r2p.ttl"
SHAPES = ROOT / "ontology" / "shapes"

#: The years that have a meeting file (``data/meetings/YYYY.ttl``): found, never listed.
MEETING_FILES = sorted((DATA / "meetings").glob("[0-9][0-9][0-9][0-9].ttl"))
MEETING_YEARS = [int(p.stem) for p in MEETING_FILES]


@pytest.fixture(scope="session")
def data_graph() -> Graph:
    """Every Turtle file of data/ and the ontology, in one rdflib graph (no inference)."""
    g = Graph()
    for path in sorted(DATA.rglob("*.ttl")):
        g.parse(path, format="turtle")
    g.parse(ONTOLOGY, format="turtle")
    return g
