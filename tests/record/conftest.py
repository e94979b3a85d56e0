"""Shared fixtures for the record's tests: the research files and the graph of data/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "r2p.ttl"
SHAPES = ROOT / "ontology" / "shapes"
RESEARCH = ROOT.parent / "shared" / "research"
FACTS = RESEARCH / "facts-other-years.yaml"
FACTS_2012 = RESEARCH / "facts-2012.yaml"

#: Files this part of the project writes (the 2012 meeting is written by hand elsewhere).
RECORD_FILES = sorted(
    [p for p in (DATA / "meetings").glob("*.ttl") if p.name != "2012.ttl"]
    + [DATA / "reference" / "documents.ttl", DATA / "reference" / "groups.ttl",
       DATA / "vocabularies" / "schemes-extra.ttl"]
)


def _load_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        pytest.fail(f"research file not found: {path} (shared/ is expected beside the repo)")
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


@pytest.fixture(scope="session")
def facts() -> dict[str, Any]:
    return _load_yaml(FACTS)


@pytest.fixture(scope="session")
def facts_2012() -> dict[str, Any]:
    return _load_yaml(FACTS_2012)


@pytest.fixture(scope="session")
def data_graph() -> Graph:
    """Every Turtle file of data/ and the ontology, in one rdflib graph (no inference)."""
    g = Graph()
    for path in sorted(DATA.rglob("*.ttl")):
        g.parse(path, format="turtle")
    g.parse(ONTOLOGY, format="turtle")
    return g
