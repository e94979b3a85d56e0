"""Issue 14, the researcher's face: search, who said what, every state, a state's profile,
the linked-data bits a crawler needs and compressed, long-cached assets. Test client over
the real data (the browser checks are in test_researcher_browser.py)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from flask.testing import FlaskClient

pytestmark = [pytest.mark.xdist_group("ui"), pytest.mark.slow]

BASE = "https://w3id.org/r2p/"
HTML = {"Accept": "text/html"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def search(client: FlaskClient, q: str) -> list[dict[str, str]]:
    response = client.get("/search", query_string={"q": q}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    hits = response.get_json()["hits"]
    assert isinstance(hits, list)
    return hits


@pytest.mark.parametrize(("query", "iso3"), [
    ("cote d'ivoire", "CIV"),
    ("Côte d\u2019Ivoire", "CIV"),
    ("COTE D\u2019IVOIRE", "CIV"),
    ("Czech Republic", "CZE"),
    ("Swaziland", "SWZ"),
    ("Turkey", "TUR"),
    ("Danemark", "DNK"),        # French
    ("丹麦", "DNK"),            # Chinese
    ("الدانمرك", "DNK"),        # Arabic (the CLDR's spelling)
    ("Дания", "DNK"),           # Russian
    ("Dinamarca", "DNK"),       # Spanish
    ("USA", "USA"),
    ("us", "USA"),
    ("CRI", "CRI"),
])
def test_search_finds_states_by_any_name(client: FlaskClient, query: str, iso3: str) -> None:
    hits = search(client, query)
    assert hits, query
    assert hits[0]["iri"] == f"{BASE}id/state/{iso3}", (query, hits[:3])
    assert hits[0]["type"] == "state"
    assert hits[0]["label"]


def test_search_covers_every_kind(client: FlaskClient) -> None:
    kinds = {h["type"] for q in ("Ban Ki-moon", "2012", "Syria", "prevention", "A/66/874",
                                 "time has come", "Global Centre", "Pillar")
             for h in search(client, q)}
    assert {"person", "meeting", "situation", "theme", "document", "quotation",
            "organization", "pillar"} <= kinds, kinds


def test_search_is_html_json_and_best_first(client: FlaskClient) -> None:
    html = client.get("/search?q=denmark", headers=HTML).data.decode()
    assert 'href="http://localhost/id/state/DNK"' in html
    data = client.get("/search?q=denmark&format=json").get_json()
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert client.get("/search?q=", headers=HTML).status_code == 200


def test_every_page_has_a_search_box_with_a_script_file(client: FlaskClient) -> None:
    for path in ("/", "/states", "/statements", "/id/state/GBR", "/charts"):
        html = client.get(path, headers=HTML).data.decode()
        assert 'id="site-search"' in html, path
        assert re.search(r'<script src="[^"]*/assets/js/site\.js\?v=\w+"', html), path
        assert "<script>" not in html and " style=\"" not in html.split("<main", 1)[1], path
        assert " onclick=" not in html and " onchange=" not in html


# --- who said what ---------------------------------------------------------------------


def test_statements_one_row_per_statement(client: FlaskClient) -> None:
    data = client.get("/statements?format=json").get_json()
    iris = [s["statement"] for s in data["statements"]]
    assert len(iris) == len(set(iris)) == data["count"] >= 100
    singapore = [s for s in data["statements"] if s["date"].startswith("2012")
                 and any(b["iri"].endswith("/state/SGP") for b in s["by"])]
    assert len(singapore) <= 1


def test_statements_filters_and_csv(client: FlaskClient) -> None:
    year = client.get("/statements?year=2012&format=json").get_json()
    assert year["count"] > 0 and all(s["date"].startswith("2012") for s in year["statements"])
    state = client.get(f"/statements?state={BASE}id/state/GBR&format=json").get_json()
    assert state["count"] > 0
    assert all(any(b["iri"].endswith("/state/GBR") for b in s["by"]) for s in state["statements"])
    group = client.get(f"/statements?group={BASE}id/group/african-states&format=json").get_json()
    assert 0 < group["count"] < year["count"] + 200
    response = client.get("/statements?year=2012&format=csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert len(rows) == year["count"]
    assert {"statement", "date", "delivered_by", "stances", "quotes"} <= set(rows[0])


def test_statements_page_links_each_row_to_its_statement(client: FlaskClient) -> None:
    html = client.get("/statements?year=2012", headers=HTML).data.decode()
    assert html.count('class="record" href="http://localhost/id/statement/') == len(
        client.get("/statements?year=2012&format=json").get_json()["statements"])
    assert "The record is partial" in html


# --- states ----------------------------------------------------------------------------


def test_states_lists_every_member_and_observer_state(client: FlaskClient) -> None:
    data = client.get("/states?format=json").get_json()
    assert data["count"] == 195
    usa = next(s for s in data["states"] if s["code"] == "USA")
    assert usa["regional_groups"] == ["Western European and other States"]
    names = [s["label"] for s in data["states"]]
    # A-Z as the UN lists them: accents ignored, not sorted after Z by code point.
    assert names.index("Costa Rica") + 1 == names.index("Côte d'Ivoire")
    assert names.index("Côte d'Ivoire") + 1 == names.index("Croatia")
    assert names.index("Tunisia") + 1 == names.index("Türkiye")
    assert names.index("Türkiye") + 1 == names.index("Turkmenistan")
    african = client.get(f"/states?group={BASE}id/group/african-states&format=json").get_json()
    assert african["count"] == 54
    csv_rows = list(csv.reader(io.StringIO(client.get("/states?format=csv").data.decode())))
    assert len(csv_rows) == 196
    html = client.get("/states", headers=HTML).data.decode()
    assert 'href="http://localhost/id/state/USA"' in html
    assert "not that it was absent" in html


def test_list_pages_negotiate_like_every_other_resource(client: FlaskClient) -> None:
    """The same negotiation as /sparql and /id: Accept or ?format=, and a readable 406."""
    as_csv = client.get("/states", headers={"Accept": "text/csv;q=0.9, text/html;q=0.1"})
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    as_json = client.get("/statements?format=JSON")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    refused = client.get("/states?format=xlsx")
    assert refused.status_code == 406
    assert "format='xlsx'" in refused.text and "use one of csv, html, json" in refused.text
    nothing = client.get("/statements", headers={"Accept": "image/png"})
    assert nothing.status_code == 406 and nothing.headers["Vary"] == "Accept"
    assert "Available: text/html, application/json, text/csv" in nothing.text


def test_state_profile_says_partial_not_absent(client: FlaskClient) -> None:
    html = unescape(client.get("/id/state/USA", headers=HTML).data.decode())
    assert "No participation in a meeting is recorded" not in html
    assert "The record for this meeting is partial" in html
    assert "not a record that it was absent" in html


def test_state_profile_is_a_timeline_with_claims_dated(client: FlaskClient) -> None:
    html = unescape(client.get("/id/state/CRI", headers=HTML).data.decode())
    timeline = html.split('id="timeline-h"', 1)[1].split('id="groups-h"', 1)[0]
    years = re.findall(r'<h3><a href="[^"]+">(\d{4})</a>', timeline)
    assert years == sorted(years, reverse=True) and len(years) >= 16
    assert "Named in a claim" in timeline
    assert "judged by" in timeline
    assert "Group of Friends of the Responsibility to Protect" in html
    assert "National R2P focal point" in html


# --- linked data, /sparql, assets, citation ----------------------------------------------


def test_meeting_rdf_links_back_to_its_statements(client: FlaskClient) -> None:
    body = client.get("/id/meeting/ga-2012-09-05?format=nt").data.decode()
    assert re.search(r"<https://w3id\.org/r2p/id/statement/[^>]+> "
                     r"<https://w3id\.org/r2p/def#atMeeting> "
                     r"<https://w3id\.org/r2p/id/meeting/ga-2012-09-05>", body)
    state = client.get("/id/state/GBR?format=nt").data.decode()
    assert "<https://w3id.org/r2p/def#deliveredBy> <https://w3id.org/r2p/id/state/GBR>" in state


def test_sparql_in_a_browser_shows_the_query_page(client: FlaskClient) -> None:
    response = client.get("/sparql", headers=BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/query")
    rdf = client.get("/sparql", headers={"Accept": "*/*"})
    assert rdf.status_code == 200 and rdf.headers["Content-Type"].startswith("text/turtle")


def test_assets_are_compressed_and_cached(client: FlaskClient) -> None:
    html = client.get("/query", headers=HTML).data.decode()
    js = r"(/assets/vendor/yasgui/yasgui\.min\.js\?v=\w+)"
    src = re.search(r'src="(?:http://localhost)?' + js, html)
    assert src
    for encoding in ("br", "gzip"):
        response = client.get(src.group(1), headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert len(response.get_data()) < 400_000
        assert "max-age=31536000" in response.headers["Cache-Control"]
    page = client.get("/states", headers={**HTML, "Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"


def test_pages_show_a_citation_with_version_and_permalink(client: FlaskClient) -> None:
    html = client.get("/id/state/GBR", headers=HTML).data.decode()
    cite = html.split('class="citation"', 1)[1].split("</p>", 1)[0]
    assert "dataset version" in cite
    assert 'href="https://w3id.org/r2p/id/state/GBR"' in cite
    listing = client.get("/statements?year=2012", headers=HTML).data.decode()
    assert 'class="permalink" href="http://localhost/statements?year=2012"' in listing
