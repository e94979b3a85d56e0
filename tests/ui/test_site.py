"""Home page, query UI, charts, downloads, ontology docs: plain Flask test-client checks."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph

from r2p_graph.config import Settings
from r2p_graph.ontology_docs import add_term_anchors, build_docs, docs_key
from r2p_graph.queries import competency_queries

pytestmark = [pytest.mark.xdist_group("ui"), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def html_of(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.data[:300])
    return response.data.decode()


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


# --- home --------------------------------------------------------------------------------


def test_home_links_to_states_meetings_charts_query(client: FlaskClient) -> None:
    html = html_of(client, "/")
    links = hrefs(html)
    assert "http://localhost/id/state/GBR" in links
    assert "http://localhost/id/meeting/ga-2012-09-05" in links
    assert "http://localhost/charts" in links
    assert "http://localhost/query" in links
    assert "http://localhost/download" in links
    assert "http://localhost/id/scheme/theme" in links
    assert sum(1 for h in links if "/id/meeting/" in h) >= 15


# --- query UI ----------------------------------------------------------------------------


def query_config(client: FlaskClient, path: str = "/query") -> dict[str, object]:
    html = html_of(client, path)
    raw = html.split('<script type="application/json" id="r2p-query-config">', 1)[1]
    config = json.loads(raw.split("</script>", 1)[0])
    assert isinstance(config, dict)
    return config


def test_query_ui_is_preset_to_the_endpoint_with_every_competency_query(
    client: FlaskClient,
) -> None:
    config = query_config(client)
    assert config["endpoint"] == "http://localhost/sparql"
    examples = config["examples"]
    assert isinstance(examples, list)
    expected = competency_queries()
    assert [e["name"] for e in examples] == [q.name for q in expected]
    html = html_of(client, "/query")
    for query in expected:
        assert query.answers and unescape(html).count(query.answers) >= 1
        assert unescape(html).count(query.title) >= 1


def test_query_ui_loads_vendored_yasgui_only(client: FlaskClient) -> None:
    html = html_of(client, "/query")
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    # Issue 14: asset URLs carry their content's fingerprint (?v=...) to be cached long.
    assert "/assets/vendor/yasgui/yasgui.min.js" in [u.split("?")[0] for u in scripts]
    assert "/assets/vendor/yasgui/yasgui.min.css" in [u.split("?")[0] for u in styles]
    for url in scripts + styles:
        assert url.startswith("/assets/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) > 100
    assert client.get("/assets/vendor/yasgui/yasgui.min.js").mimetype in (
        "text/javascript",
        "application/javascript",
    )


def test_vendored_yasgui_matches_its_readme() -> None:
    """The README records the version and the bytes; scripts/vendor-yasgui.sh remakes them."""
    import hashlib

    folder = ROOT / "r2p_graph" / "static" / "vendor" / "yasgui"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert re.search(r"version \d+\.\d+\.\d+", readme)
    assert (folder / "LICENSE").read_text(encoding="utf-8").startswith("The MIT License")
    for name in ("yasgui.min.js", "yasgui.min.css"):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert f"| {name} | `{digest}` |" in readme
    assert (ROOT / "scripts" / "vendor-yasgui.sh").is_file()


# --- charts ------------------------------------------------------------------------------


def test_charts_page_draws_four_charts_from_live_queries(client: FlaskClient) -> None:
    html = html_of(client, "/charts")
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4  # issue 14: stances by year and who judged
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title") is not None
        marks = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "mark"]
        assert marks, svg[:200]
        assert all(float(r.get("height", "0")) > 0 and float(r.get("width", "0")) > 0
                   for r in marks)
    # participation: reported beside known by name, 2012 = 58 and 12
    participation = ET.fromstring(svgs[0])
    values = {(r.get("data-series"), r.get("data-value"))
              for r in participation.iter(f"{SVG}rect") if r.get("class") == "mark"}
    assert ("reported", "58") in values
    assert ("known by name", "12") in values
    # stances by regional group (the reference data records the memberships), and the
    # page says who is left out
    assert "Stances by regional group" in html
    assert "Actors in no regional group" in html
    # Cuba and Venezuela, the 2012 opponents, sit in the Latin American and Caribbean group
    assert "Latin American" in svgs[2]


def test_each_chart_links_to_the_query_that_draws_it(client: FlaskClient) -> None:
    html = html_of(client, "/charts")
    links = [h for h in hrefs(html) if "/query?" in h]
    assert len(links) == 4  # issue 14: stances by year
    for link in links:
        query = parse_qs(urlsplit(link).query)["query"][0]
        response = client.get(
            "/sparql", query_string={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200
        assert json.loads(response.data)["results"]["bindings"], query[:80]


def test_chart_svg_is_served_standalone(client: FlaskClient) -> None:
    for name in ("participation", "themes", "stances"):
        response = client.get(f"/charts/{name}.svg")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        ET.fromstring(response.data)
        assert "/query?query=" in response.headers["Link"]
    assert client.get("/charts/nothing.svg").status_code == 404


# --- downloads ---------------------------------------------------------------------------


def test_download_page_is_stamped_and_lists_every_format(client: FlaskClient) -> None:
    html = html_of(client, "/download")
    stamp = re.search(r'<code id="data-version">([^<]+)</code>', html)
    assert stamp and re.fullmatch(r"\d+\.\d+\.\d+.*\+[0-9a-f]{16}", stamp.group(1))
    for name in ("dataset.ttl", "dataset.nq", "dataset.trig", "dataset.jsonld"):
        assert f"http://localhost/download/{name}" in hrefs(html)


def test_turtle_dump_is_every_triple_once(client: FlaskClient, dataset_file: Path) -> None:
    response = client.get("/download/dataset.ttl")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert re.match(r'attachment; filename="r2p-.+\+[0-9a-f]{16}\.ttl"',
                    response.headers["Content-Disposition"])
    graph = Graph().parse(data=response.data, format="turtle")
    reference = Dataset()
    reference.parse(dataset_file, format="nquads")
    distinct = {(s, p, o) for s, p, o, _ in reference.quads((None, None, None, None))}
    assert len(graph) == len(distinct)


def test_jsonld_dump_keeps_the_named_graphs(client: FlaskClient) -> None:
    response = client.get("/download/dataset.jsonld")
    assert response.mimetype == "application/ld+json"
    dataset = Dataset()
    dataset.parse(data=response.data, format="json-ld")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {"https://w3id.org/r2p/graph/ontology", "https://w3id.org/r2p/graph/asserted",
            "https://w3id.org/r2p/graph/inferred"} <= names


def test_void_links_the_dumps(client: FlaskClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    dumps = {str(o) for o in graph.objects(None, None) if "/download/" in str(o)}
    assert "http://localhost/download/dataset.nq" in dumps
    for dump in dumps:
        assert client.get(urlsplit(dump).path).status_code == 200


# --- ontology documentation --------------------------------------------------------------


def test_docs_are_generated_into_the_cache_and_regenerate_identically(
    ui_settings: Settings, client: FlaskClient
) -> None:
    client.get("/def", headers={"Accept": "text/html"})  # generated on first request
    path = build_docs(ui_settings)
    assert path.is_relative_to(ui_settings.cache_dir)
    assert docs_key(ui_settings) in path.name
    first = path.read_bytes()
    again = build_docs(ui_settings, force=True).read_bytes()
    assert first == again
    assert b"R2P statements ontology" in first


def test_docs_key_follows_the_ontology(tmp_path: Path, ui_settings: Settings) -> None:
    ontology_dir = tmp_path / "ontology"
    ontology_dir.mkdir()
    text = ui_settings.ontology_file.read_text(encoding="utf-8")
    (ontology_dir / "r2p.ttl").write_text(text, encoding="utf-8")
    settings = ui_settings.replace(ontology_dir=ontology_dir)
    before = docs_key(settings)
    (ontology_dir / "r2p.ttl").write_text(text + "\n# changed\n", encoding="utf-8")
    assert docs_key(settings) != before


def test_term_anchors() -> None:
    page = (
        '<div class="property entity" id="Participanttally"><h3>x</h3><table><tr><td>'
        "<code>https://w3id.org/r2p/def#ParticipantTally</code></td></tr></table></div>"
        '<div class="property entity" id="Meeting"><code>https://w3id.org/r2p/def#Meeting</code>'
    )
    out = add_term_anchors(page, "https://w3id.org/r2p/def#")
    assert '<span id="ParticipantTally"></span>' in out
    assert out.count('id="Meeting"') == 1
