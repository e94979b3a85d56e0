"""IRI minting rules."""

from __future__ import annotations

import pytest

from r2p_graph.ids import Minter, slug_to_symbol, slugify, symbol_to_slug

SYMBOLS = {
    "A/66/874": "A-66-874",
    "S/2012/578": "S-2012-578",
    "S/RES/1973 (2011)": "S-RES-1973-2011",
    "A/RES/60/1": "A-RES-60-1",
    "A/RES/63/308": "A-RES-63-308",
    "A/63/PV.97": "A-63-PV-97",
}


@pytest.mark.parametrize(("symbol", "slug"), sorted(SYMBOLS.items()))
def test_symbol_slug_round_trip(symbol: str, slug: str) -> None:
    assert symbol_to_slug(symbol) == slug
    assert slug_to_symbol(slug) == symbol


@pytest.mark.parametrize("bad", ["", "a/66/874", "A 66 874", "Libya", "S/RES/1973 2011"])
def test_symbol_rejects_non_symbols(bad: str) -> None:
    with pytest.raises(ValueError):
        symbol_to_slug(bad)


def test_joint_symbol_mints_the_first() -> None:
    m = Minter()
    assert m.document("A/66/874-S/2012/578") == "https://w3id.org/r2p/id/doc/A-66-874"


def test_states_by_alpha3_upper_case() -> None:
    m = Minter()
    assert m.state("gbr") == "https://w3id.org/r2p/id/state/GBR"
    for bad in ("GB", "GBRR", "G1R", ""):
        with pytest.raises(ValueError):
            m.state(bad)


def test_meetings_statements_and_concepts() -> None:
    m = Minter()
    meeting = m.meeting("2012-09-05")
    assert meeting == "https://w3id.org/r2p/id/meeting/ga-2012-09-05"
    assert m.statement(meeting, "GBR") == "https://w3id.org/r2p/id/statement/ga-2012-09-05/GBR"
    assert m.statement(meeting, "GBR", 2).endswith("/GBR-2")
    assert m.concept("stance", "Opposed") == "https://w3id.org/r2p/id/stance/opposed"
    assert m.scheme("meeting type") == "https://w3id.org/r2p/id/scheme/meeting-type"
    assert (
        m.situation("Côte d'Ivoire", 2011) == "https://w3id.org/r2p/id/situation/cote-divoire-2011"
    )
    assert m.graph("inferred") == "https://w3id.org/r2p/graph/inferred"
    with pytest.raises(ValueError):
        m.meeting("5 September 2012")
    with pytest.raises(ValueError):
        m.statement("https://example.org/meeting/x", "GBR")


def test_base_is_configurable() -> None:
    m = Minter("http://localhost:8000/")
    assert m.state("LBY") == "http://localhost:8000/id/state/LBY"
    assert m.vocab == "http://localhost:8000/def#"
    with pytest.raises(ValueError):
        Minter("https://w3id.org/r2p")


def test_slugify() -> None:
    assert slugify("Côte d'Ivoire") == "cote-divoire"
    assert slugify("Ivan Šimonović") == "ivan-simonovic"
    assert slugify("  Group of Friends of R2P ") == "group-of-friends-of-r2p"
    with pytest.raises(ValueError):
        slugify("???")


def test_data_iris_follow_the_rules(built) -> None:  # type: ignore[no-untyped-def]
    """Every state IRI in the data is the minted form of its own country code."""
    from rdflib import URIRef

    from tests.r2p_terms import R2P

    m = Minter()
    for state, code in built.graph("asserted").subject_objects(R2P.countryCode):
        assert state == URIRef(m.state(str(code)))
    for doc, symbol in built.graph("asserted").subject_objects(R2P.documentSymbol):
        # a joint report is minted from its General Assembly symbol
        if str(symbol).startswith("S/") and not str(symbol).startswith("S/RES"):
            continue
        assert doc == URIRef(m.document(str(symbol)))
