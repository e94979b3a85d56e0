"""The ontology: well-formed, documented, inside OWL 2 RL, and in step with tests/r2p_terms.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from r2p_graph.pipeline.load import discover
from tests.r2p_terms import R2P

ROOT = Path(__file__).resolve().parents[2]
VANN = Namespace("http://purl.org/vocab/vann/")
NS = "https://w3id.org/r2p/def#"
ONTOLOGY_IRI = URIRef("https://w3id.org/r2p/def")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "r2p.ttl")


def own_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionIRI):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    assert str(ontology.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix)) == "r2p"
    assert str(ontology.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri)) == NS


def test_every_term_has_english_label_and_definition(ontology: Graph) -> None:
    missing = []
    for term in own_terms(ontology):
        labels = [o for o in ontology.objects(term, RDFS.label) if isinstance(o, Literal)]
        definitions = [o for o in ontology.objects(term, SKOS.definition) if isinstance(o, Literal)]
        if not any(lit.language == "en" for lit in labels):
            missing.append(f"{term} rdfs:label@en")
        if not any(lit.language == "en" for lit in definitions):
            missing.append(f"{term} skos:definition@en")
        if (term, RDF.type, None) not in ontology:
            missing.append(f"{term} rdf:type")
    assert not missing, missing


def test_no_domains_or_ranges_on_other_vocabularies(ontology: Graph) -> None:
    hijacked = [
        (s, p)
        for p in (RDFS.domain, RDFS.range)
        for s in ontology.subjects(p, None)
        if not str(s).startswith(NS)
    ]
    assert not hijacked, hijacked


def test_stays_inside_owl2_rl(ontology: Graph) -> None:
    """Only axioms a rule engine honours: no unions, no existential or cardinality restrictions."""
    forbidden = {
        OWL.unionOf,
        OWL.someValuesFrom,
        OWL.minCardinality,
        OWL.cardinality,
        OWL.qualifiedCardinality,
        OWL.propertyChainAxiom,
        OWL.sameAs,
    }
    used = {p for p in ontology.predicates()} & forbidden
    assert not used, used


def test_schema_org_is_https_only() -> None:
    for path in discover([ROOT / "ontology", ROOT / "data"]):
        text = path.read_text(encoding="utf-8")
        assert "http://schema.org/" not in text, path


def test_no_owl_same_as_in_data() -> None:
    for path in discover([ROOT / "data"]):
        g = Graph().parse(path)
        assert not list(g.triples((None, OWL.sameAs, None))), path


def test_namespace_module_matches_ontology(ontology: Graph) -> None:
    declared = {URIRef(NS + name) for name in R2P.__annotations__}
    assert declared == own_terms(ontology)
    assert R2P.Statement == URIRef(NS + "Statement")
    with pytest.raises(AttributeError):
        R2P.Statment  # noqa: B018 - a misspelled term must raise


def test_every_r2p_term_used_in_data_is_defined(ontology: Graph) -> None:
    defined = own_terms(ontology)
    undefined: set[str] = set()
    for path in discover([ROOT / "data"]):
        g = Graph().parse(path)
        for _s, p, o in g:
            for node in (p, o) if p != RDF.type else (o,):
                if isinstance(node, URIRef) and str(node).startswith(NS) and node not in defined:
                    undefined.add(f"{node} in {path.name}")
    assert not undefined, sorted(undefined)
