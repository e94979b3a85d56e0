"""The reference converter: 193 Member States + 2 observers from country_converter, their
Wikidata items from rigour, and the UN regional groups' members from countrygroups."""

from __future__ import annotations

from pathlib import Path

import country_converter  # noqa: F401  (the reference extra is part of dev: fail, never skip)
import countrygroups  # noqa: F401  (idem)
import pytest
import rigour  # noqa: F401  (idem)
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, SKOS

from r2p_graph import reference

R2P = Namespace("https://w3id.org/r2p/def#")
STATE = Namespace("https://w3id.org/r2p/id/state/")
GROUP = Namespace("https://w3id.org/r2p/id/group/")
WD = Namespace("http://www.wikidata.org/entity/")
SDO = Namespace("https://schema.org/")  # not rdflib's SDO: pytest probes module attributes
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = ROOT / "data" / "reference"
STATES_TTL = REFERENCE_DIR / "states.ttl"
GROUPS_TTL = REFERENCE_DIR / "groups.ttl"
REGIONAL_TTL = REFERENCE_DIR / "regional-groups.ttl"

AFRICAN = GROUP["african-states"]
ASIA_PACIFIC = GROUP["asia-pacific-states"]
EASTERN_EUROPEAN = GROUP["eastern-european-states"]
GRULAC = GROUP["latin-american-and-caribbean-states"]
WEOG = GROUP["western-european-and-other-states"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return reference.write_reference(tmp_path_factory.mktemp("ref"))


@pytest.fixture(scope="module")
def generated(written: list[Path]) -> Graph:
    return Graph().parse(written[0])


@pytest.fixture(scope="module")
def memberships(written: list[Path]) -> Graph:
    return Graph().parse(written[1])


def members_of(g: Graph, group: URIRef) -> set[str]:
    """ISO codes of the members of ``group``, read from its org:Membership nodes."""
    return {
        str(g.value(m, ORG.member)).rsplit("/", 1)[1]
        for m in g.subjects(ORG.organization, group)
    }


# --- states -----------------------------------------------------------------------------


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


# --- Wikidata items -----------------------------------------------------------------------


def test_every_state_has_a_wikidata_item() -> None:
    """rigour maps all 195; were one missing, it would be listed here, not invented."""
    assert reference.states_without_wikidata_id() == []
    assert len(reference.wikidata_ids()) == 195


def test_wikidata_items_are_schema_same_as_never_owl_same_as(generated: Graph) -> None:
    wd_src = URIRef(reference.RIGOUR.iri())
    states = set(generated.subjects(RDF.type, R2P.MemberState)) | set(
        generated.subjects(RDF.type, R2P.ObserverState)
    )
    items = set()
    for s in states:
        same = list(generated.objects(s, SDO.sameAs))
        assert len(same) == 1, s
        assert str(same[0]).startswith(str(WD)), same
        assert (s, DCTERMS.source, wd_src) in generated
        items.add(same[0])
    assert len(items) == 195  # no item shared by two states
    assert not list(generated.triples((None, OWL.sameAs, None)))


@pytest.mark.parametrize(
    ("code", "qid"),
    # Checked against Wikidata and against a second package, the npm package
    # @rapideditor/country-coder 5.6.1 (borders.json `wikidata`), which agrees on all 195.
    [("FRA", "Q142"), ("DEU", "Q183"), ("CHN", "Q148"), ("VAT", "Q237"),
     ("PSE", "Q219060"), ("LBY", "Q1016"), ("SSD", "Q958"), ("GBR", "Q145"),
     ("USA", "Q30"), ("TUR", "Q43")],
)
def test_known_wikidata_items(generated: Graph, code: str, qid: str) -> None:
    assert reference.wikidata_ids()[code] == qid
    assert generated.value(STATE[code], SDO.sameAs) == WD[qid]


# --- regional groups ----------------------------------------------------------------------


def test_the_five_groups_are_the_ones_groups_ttl_defines() -> None:
    defined = set(Graph().parse(GROUPS_TTL).subjects(RDF.type, R2P.RegionalGroup))
    minted = {URIRef(reference.Minter().group(n)) for n in reference.REGIONAL_GROUPS.values()}
    assert minted == defined == {AFRICAN, ASIA_PACIFIC, EASTERN_EUROPEAN, GRULAC, WEOG}


def test_every_member_state_is_in_a_group() -> None:
    """countrygroups places all 193 Member States; the two observer states are in none."""
    assert reference.states_in_no_regional_group() == ["PSE", "VAT"]
    counts = {name: len(codes) for name, codes in reference.regional_groups().items()}
    assert counts == {
        "African States": 54,
        "Asia-Pacific States": 55,
        "Eastern European States": 23,
        "Latin American and Caribbean States": 33,
        "Western European and other States": 29,
    }


def test_turkiye_is_listed_in_two_groups_as_the_source_has_it() -> None:
    """The UN says Türkiye takes part in both the Asia-Pacific group and WEOG (and counts
    as WEOG for elections); the package lists it in both, and so does the data."""
    assert reference.states_in_several_regional_groups() == {
        "TUR": ["Asia-Pacific States", "Western European and other States"]
    }


@pytest.mark.parametrize(
    ("group", "codes"),
    # Checked against the UN's list (DGACM, "Regional groups of Member States"): the
    # African, Asia-Pacific and Eastern European lists there match the package's exactly.
    [(WEOG, {"ISR", "TUR", "USA", "FRA", "DEU", "AUS", "NZL", "CAN"}),
     (ASIA_PACIFIC, {"KIR", "TUR", "CHN", "JPN", "CYP", "SAU"}),
     (AFRICAN, {"LBY", "EGY", "SSD", "ZAF", "CIV"}),
     (EASTERN_EUROPEAN, {"RUS", "UKR", "SRB", "BIH", "EST"}),
     (GRULAC, {"BRA", "CUB", "VEN", "MEX", "GTM", "JAM"})],
)
def test_known_members(memberships: Graph, group: URIRef, codes: set[str]) -> None:
    assert codes <= members_of(memberships, group)


@pytest.mark.parametrize(
    ("group", "code"),
    [(WEOG, "JPN"), (ASIA_PACIFIC, "ISR"), (EASTERN_EUROPEAN, "GRC"), (AFRICAN, "ISR"),
     (GRULAC, "USA"), (ASIA_PACIFIC, "PSE"), (WEOG, "VAT")],
)
def test_known_non_members(memberships: Graph, group: URIRef, code: str) -> None:
    assert code not in members_of(memberships, group)


def test_membership_graph_shape(memberships: Graph) -> None:
    src = URIRef(reference.COUNTRYGROUPS.iri())
    nodes = set(memberships.subjects(RDF.type, ORG.Membership))
    assert len(nodes) == 54 + 55 + 23 + 33 + 29
    for m in nodes:
        who, grp = memberships.value(m, ORG.member), memberships.value(m, ORG.organization)
        assert str(who).startswith(str(STATE)) and str(grp).startswith(str(GROUP))
        assert str(m).endswith(f"/id/membership/{str(grp).rsplit('/', 1)[1]}/"
                               f"{str(who).rsplit('/', 1)[1]}")
        assert (grp, ORG.hasMember, who) in memberships
        assert list(memberships.objects(m, DCTERMS.source)) == [src]
    assert len(list(memberships.triples((None, ORG.hasMember, None)))) == len(nodes)


def test_sources_are_described(generated: Graph, memberships: Graph) -> None:
    expected = [
        (generated, reference.COUNTRY_CONVERTER, "https://github.com/IndEcol/country_converter"),
        (generated, reference.RIGOUR, "https://github.com/opensanctions/rigour"),
        (memberships, reference.COUNTRYGROUPS, "https://github.com/openclimatedata/countrygroups"),
    ]
    for g, package, homepage in expected:
        src = URIRef(package.iri())
        assert (src, RDF.type, R2P.SourceDocument) in g
        assert g.value(src, SDO.name) == Literal(package.distribution)
        assert g.value(src, SDO.version) == Literal(package.version())
        assert g.value(src, SDO.url) == URIRef(homepage)
    assert memberships.value(URIRef(reference.COUNTRYGROUPS.iri()), PROV.wasDerivedFrom) == (
        URIRef("http://www.un.org/depts/DGACM/RegionalGroups.shtml")
    )


# --- files --------------------------------------------------------------------------------


def test_committed_files_are_up_to_date() -> None:
    assert STATES_TTL.read_text(encoding="utf-8") == reference.states_turtle()
    assert REGIONAL_TTL.read_text(encoding="utf-8") == reference.regional_groups_turtle()


def test_write_is_atomic_and_accepts_a_folder(tmp_path: Path) -> None:
    written = reference.write_reference(tmp_path)
    assert written == [tmp_path / "states.ttl", tmp_path / "regional-groups.ttl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["regional-groups.ttl", "states.ttl"]


def test_write_accepts_the_states_file(tmp_path: Path) -> None:
    written = reference.write_reference(tmp_path / "s.ttl")
    assert written == [tmp_path / "s.ttl", tmp_path / "regional-groups.ttl"]
    assert reference.main([str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "regional-groups.ttl", "states.ttl"]


# --- names ----------------------------------------------------------------------------------


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
