"""The fast reasoner derives what owlrl derives, and reports what owlrl reports.

Behaviour only: how fast each reasoner is belongs to bench/, not to the test suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef

from r2p_graph.config import Settings
from r2p_graph.pipeline.build import build
from r2p_graph.pipeline.infer import (
    REASONERS,
    InconsistentData,
    UnsupportedVocabulary,
    discover_rules,
    infer_into,
    materialize,
)
from r2p_graph.pipeline.load import load_sources
from tests.r2p_terms import R2P

pytestmark = [pytest.mark.xdist_group("reasoner"), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
INFERRED = URIRef("https://w3id.org/r2p/graph/inferred")
ID = Namespace("https://w3id.org/r2p/id/")
EX = Namespace("https://example.org/")


def _infer(settings: Settings, reasoner: str, data: list[Path] | None = None) -> Graph:
    sources = load_sources(settings, data)
    return materialize(
        sources.dataset,
        inferred_graph=INFERRED,
        asserted=sources.asserted,
        ontology=sources.ontology,
        rules_dir=settings.ontology_dir / "rules",
        reasoner=reasoner,
    )


def _canonical(graph: Graph) -> set[str]:
    """The triples as Oxigraph sees them (``"x"`` and ``"x"^^xsd:string`` are one literal)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return {str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def inferred_by(settings: Settings) -> dict[str, set[str]]:
    return {name: _canonical(_infer(settings, name)) for name in REASONERS}


def test_fast_reasoner_is_the_default() -> None:
    assert Settings().reasoner == "oxigraph"
    assert Settings.from_env({"R2P_REASONER": "owlrl"}).reasoner == "owlrl"


def test_fast_reasoner_derives_exactly_what_owlrl_derives(
    inferred_by: dict[str, set[str]],
) -> None:
    fast, reference = inferred_by["oxigraph"], inferred_by["owlrl"]
    assert len(reference) > 3000
    missing, extra = sorted(reference - fast), sorted(fast - reference)
    assert not missing and not extra, (missing[:10], extra[:10])


def test_reasoning_inside_a_store_gives_the_same_graph(
    settings: Settings, inferred_by: dict[str, set[str]]
) -> None:
    """The path that never converts to rdflib (for large data) derives the same triples."""
    store = ox.Store()
    for path in [settings.ontology_file, *sorted(settings.data_dir.rglob("*.ttl"))]:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    graph = ox.NamedNode(str(INFERRED))
    rules = [r.read_text("utf-8") for r in discover_rules(settings.ontology_dir / "rules")]
    count = infer_into(store, graph, rules=rules)
    got = {
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in store.quads_for_pattern(None, None, None, graph)
    }
    assert count == len(got)
    assert got == inferred_by["oxigraph"]


def test_the_closure_holds_what_users_query(inferred_by: dict[str, set[str]]) -> None:
    fast = inferred_by["oxigraph"]
    gbr = "<https://w3id.org/r2p/id/state/GBR>"
    meeting = "<https://w3id.org/r2p/id/meeting/ga-2012-09-05>"
    assert f"{gbr} <{RDF.type}> <http://www.w3.org/ns/prov#Agent>" in fast  # cax-sco
    assert f"{gbr} <{R2P.tookPartIn}> {meeting}" in fast  # project rule
    assert f"{meeting} <{R2P.hadParticipant}> {gbr}" in fast  # prp-inv
    assert not any(f"<{OWL.Thing}>" in t for t in fast)  # trivia dropped


def _tiny(triples: list[tuple[URIRef, URIRef, URIRef | Literal]]) -> tuple[Dataset, Graph, Graph]:
    """A dataset with our ontology and a few asserted triples."""
    dataset = Dataset()
    ontology = dataset.graph(URIRef("https://w3id.org/r2p/graph/ontology"))
    ontology.parse(ROOT / "ontology" / "r2p.ttl", format="turtle")
    asserted = dataset.graph(URIRef("https://w3id.org/r2p/graph/asserted"))
    for triple in triples:
        asserted.add(triple)
    return dataset, asserted, ontology


def _materialize_tiny(reasoner: str, triples, rules_dir: Path | None = None) -> Graph:  # type: ignore[no-untyped-def]
    dataset, asserted, ontology = _tiny(triples)
    return materialize(
        dataset,
        inferred_graph=INFERRED,
        asserted=asserted,
        ontology=ontology,
        rules_dir=rules_dir or ROOT / "ontology" / "rules",
        reasoner=reasoner,
    )


@pytest.mark.parametrize("reasoner", REASONERS)
def test_disjoint_classes_through_inference_are_reported(reasoner: str) -> None:
    """A regional organization given a country code becomes a State by rdfs:domain, and
    State is disjoint with RegionalOrganization: SHACL (no inference) cannot see it."""
    eu = ID["org/eu"]
    triples = [
        (eu, RDF.type, R2P.RegionalOrganization),
        (eu, R2P.countryCode, Literal("EUU")),
    ]
    with pytest.raises(InconsistentData) as caught:
        _materialize_tiny(reasoner, triples)
    message = str(caught.value)
    assert "Disjoint classes" in message and str(eu) in message
    assert str(R2P.State) in message and str(R2P.RegionalOrganization) in message


@pytest.mark.parametrize("lexical", ["fourth", "-4", "0"])
@pytest.mark.parametrize("reasoner", REASONERS)
def test_ill_typed_literal_is_reported(reasoner: str, lexical: str) -> None:
    """Also out of range: Oxigraph stores "-4"^^xsd:positiveInteger as a valid xsd:integer,
    so the fast reasoner must look before the literal goes into its store."""
    triples = [
        (ID["meeting/x"], RDF.type, R2P.Meeting),
        (ID["meeting/x"], R2P.ordinal, Literal(lexical, datatype=XSD.positiveInteger)),
    ]
    with pytest.raises(InconsistentData, match="does not match its datatype"):
        _materialize_tiny(reasoner, triples)


def test_inconsistent_data_fails_the_build(settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "extra.ttl").write_text(
        "@prefix r2p: <https://w3id.org/r2p/def#> .\n"
        '<https://w3id.org/r2p/id/org/european-union> r2p:countryCode "EUU" .\n',
        encoding="utf-8",
    )
    local = settings.replace(data_dir=data, cache_dir=tmp_path / "cache")
    with pytest.raises(InconsistentData, match="european-union") as caught:
        build(local)
    assert "Disjoint classes" in str(caught.value)


@pytest.mark.parametrize("reasoner", REASONERS)
def test_rules_and_closure_feed_each_other(reasoner: str) -> None:
    """A statement typed only through rdfs:domain still yields the rule's tookPartIn, and
    the rule's output gets the inverse and the super-properties."""
    statement, gbr, meeting = ID["statement/s"], ID["state/GBR"], ID["meeting/m"]
    triples = [(statement, R2P.deliveredBy, gbr), (statement, R2P.atMeeting, meeting)]
    inferred = _materialize_tiny(reasoner, triples)
    assert (statement, RDF.type, R2P.Statement) in inferred
    assert (gbr, R2P.tookPartIn, meeting) in inferred
    assert (meeting, R2P.hadParticipant, gbr) in inferred
    assert (meeting, URIRef("http://www.w3.org/ns/prov#wasAssociatedWith"), gbr) in inferred


def test_equivalence_and_chains_match_owlrl(tmp_path: Path) -> None:
    """Equivalent classes and properties, inverse of a sub-property, domains of super-
    properties: a schema our ontology does not use yet, still derived as owlrl does."""
    triples = [
        (EX.A, OWL.equivalentClass, EX.B),
        (EX.B, RDFS.subClassOf, EX.C),
        (EX.p, OWL.equivalentProperty, EX.q),
        (EX.q, RDFS.subPropertyOf, EX.r),
        (EX.r, OWL.inverseOf, EX.s),
        (EX.s, RDFS.subPropertyOf, EX.t),
        (EX.t, RDFS.domain, EX.D),
        (EX.r, RDFS.range, EX.A),
        (EX.x, EX.p, EX.y),
        (EX.z, RDF.type, EX.A),
    ]
    no_rules = tmp_path / "no-rules"
    results = {r: _canonical(_materialize_tiny(r, triples, no_rules)) for r in REASONERS}
    assert results["oxigraph"] == results["owlrl"]
    assert f"<{EX.y}> <{EX.t}> <{EX.x}>" in results["oxigraph"]
    assert f"<{EX.y}> <{RDF.type}> <{EX.C}>" in results["oxigraph"]


def test_unsupported_owl_is_refused_not_ignored() -> None:
    triples = [(ID["state/GBR"], OWL.sameAs, EX.uk)]
    with pytest.raises(UnsupportedVocabulary, match="sameAs"):
        _materialize_tiny("oxigraph", triples)


def test_unknown_reasoner_is_an_error() -> None:
    with pytest.raises(ValueError, match="R2P_REASONER"):
        _materialize_tiny("hermit", [])


def test_inference_module_does_not_import_owlrl() -> None:
    """Loading a cached build must not pay for owlrl's import."""
    code = "import sys, r2p_graph.pipeline.infer; assert 'owlrl' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)
