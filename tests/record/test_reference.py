"""The states converter: 193 Member States + 2 observers, from the country_converter package."""

from __future__ import annotations

from pathlib import Path

import country_converter  # noqa: F401  (the reference extra is part of dev: fail, never skip)
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from r2p_graph import reference

R2P = Namespace("https://w3id.org/r2p/def#")
STATE = Namespace("https://w3id.org/r2p/id/state/")
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
ROOT = Path(__file__).resolve().parents[2]
STATES_TTL = ROOT / "data" / "reference" / "states.ttl"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    out = tmp_path_factory.mktemp("ref") / "states.ttl"
    reference.write_reference(out)
    return Graph().parse(out)


def test_counts_members_and_observers() -> None:
    states = reference.un_states()
    assert sum(not s.observer for s in states) == 193
    assert sorted(s.iso3 for s in states if s.observer) == ["PSE", "VAT"]


def test_codes_and_names_are_unique_and_well_formed() -> None:
    states = reference.un_states()
    for attr in ("iso3", "m49", "name"):
        values = [getattr(s, attr) for s in states]
        assert len(values) == len(set(values)), attr
    assert all(len(s.m49) == 3 and s.m49.isdigit() for s in states)
    assert all(s.iso3.isupper() and len(s.iso3) == 3 for s in states)


def test_known_examples(generated: Graph) -> None:
    lby = STATE.LBY
    assert (lby, RDF.type, R2P.MemberState) in generated
    assert generated.value(lby, R2P.m49Code) == Literal("434")
    assert generated.value(lby, R2P.countryCode) == Literal("LBY")
    assert generated.value(lby, R2P.unAdmissionDate) == Literal("1955", datatype=GYEAR)
    assert (STATE.VAT, RDF.type, R2P.ObserverState) in generated
    assert (STATE.PSE, RDF.type, R2P.ObserverState) in generated
    assert generated.value(STATE.VAT, R2P.unAdmissionDate) is None
    # South Sudan, the newest member; the United Kingdom, a founding one.
    assert generated.value(STATE.SSD, R2P.unAdmissionDate) == Literal("2011", datatype=GYEAR)
    assert generated.value(STATE.GBR, R2P.m49Code) == Literal("826")


def test_graph_shape(generated: Graph) -> None:
    members = set(generated.subjects(RDF.type, R2P.MemberState))
    observers = set(generated.subjects(RDF.type, R2P.ObserverState))
    assert len(members) == 193 and len(observers) == 2 and not members & observers
    src = URIRef(reference.source_iri())
    for s in members | observers:
        labels = list(generated.objects(s, SKOS.prefLabel))
        assert len(labels) == 1 and labels[0].language == "en", s
        assert str(s).endswith("/" + str(generated.value(s, R2P.countryCode)))
        assert (s, DCTERMS.source, src) in generated
        assert not list(generated.objects(s, URIRef("http://www.w3.org/2002/07/owl#sameAs")))


def test_committed_file_is_up_to_date() -> None:
    assert STATES_TTL.read_text(encoding="utf-8") == reference.states_turtle()


def test_write_is_atomic_and_accepts_a_folder(tmp_path: Path) -> None:
    reference.write_reference(tmp_path)
    assert (tmp_path / "states.ttl").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["states.ttl"]  # no temp file left


@pytest.mark.parametrize(
    ("name", "code"),
    [("Viet Nam", "VNM"), ("Republic of Korea", "KOR"), ("South Korea", "KOR"),
     ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"), ("Swaziland", "SWZ"),
     ("Bosnia-Herzegovina", "BIH"), ("Bosnia & Herzegovina", "BIH"), ("Holy See", "VAT"),
     ("State of Palestine", "PSE"), ("Guinea", "GIN"), ("Guinea-Bissau", "GNB"),
     ("Dominica", "DMA"), ("Dominican Republic", "DOM"), ("Niger", "NER")],
)
def test_state_code(name: str, code: str) -> None:
    assert reference.state_code(name) == code


@pytest.mark.parametrize("name", ["Lichtenstein", "European Union", "Atlantis", ""])
def test_state_code_fails_loudly(name: str) -> None:
    with pytest.raises(reference.UnknownStateError):
        reference.state_code(name)
