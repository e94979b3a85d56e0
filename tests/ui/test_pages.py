"""Resource pages: labels not IRIs, inverse links, sources, embedded JSON-LD, and the
meeting, state, theme and scheme sections."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

pytestmark = [pytest.mark.xdist_group("ui"), pytest.mark.slow]

BASE = "https://w3id.org/r2p/"
R2P = f"{BASE}def#"


class Page(HTMLParser):
    """Just enough of a page: text, links, headings, JSON-LD, lang, images without alt."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text_parts: list[str] = []
        self.links: dict[str, str] = {}
        self.headings: list[str] = []
        self.jsonld: list[str] = []
        self.lang = ""
        self.images_without_alt = 0
        self._href: str | None = None
        self._link_text: list[str] = []
        self._heading: list[str] | None = None
        self._script: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "img" and not a.get("alt"):
            self.images_without_alt += 1
        if tag == "a" and a.get("href"):
            self._href, self._link_text = a["href"], []
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.setdefault(" ".join("".join(self._link_text).split()), self._href)
            self._href = None
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag == "script" and self._script is not None:
            self.jsonld.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        self.text_parts.append(data)
        if self._href is not None:
            self._link_text.append(data)
        if self._heading is not None:
            self._heading.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def page(client: FlaskClient, path: str) -> Page:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.data[:500]
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return Page(response.data.decode())


def test_meeting_page_lists_participants_with_completeness(client: FlaskClient) -> None:
    p = page(client, "/id/meeting/ga-2012-09-05")
    assert p.lang == "en"
    assert p.headings[0].startswith("Fourth informal interactive dialogue")
    assert "58 reported, 12 known by name (21%)" in p.text
    assert "List completeness: partial" in p.text
    assert "2 reported, 0 known by name" in p.text  # civil society: count only
    assert "count only" in p.text
    for state in ("United Kingdom", "Costa Rica", "Singapore", "Cuba", "Venezuela"):
        assert state in p.links, state
    assert p.links["United Kingdom"].endswith("/id/state/GBR")


def test_meeting_page_has_panel_claims_and_statements(client: FlaskClient) -> None:
    p = page(client, "/id/meeting/ga-2012-09-05")
    assert "Panel and podium" in p.headings
    for person in ("Jan Eliasson", "Adama Dieng", "Gert Rosenthal", "Ban Ki-moon"):
        assert person in p.links, person
    assert "moderator" in p.text
    # Issue 14: statements come before what sources say about the meeting.
    assert any(h.startswith("What sources say about the meeting (1") for h in p.headings)
    assert "only two states, Cuba and Venezuela, remaining as outright opponents" in p.text
    assert any(h.startswith("Statements (") for h in p.headings)
    assert "Statement of the United Kingdom, 5 September 2012" in p.links
    assert "The United Kingdom is fully committed to implementing the Responsibility" in p.text


def test_meeting_and_topic_pages_date_their_documents_and_give_symbols(
    client: FlaskClient,
) -> None:
    # The report the 2012 dialogue discussed, with its symbol (r2p:documentSymbol).
    meeting = page(client, "/id/meeting/ga-2012-09-05")
    assert any(h.startswith("Documents (") for h in meeting.headings)
    html = client.get("/id/meeting/ga-2012-09-05", headers={"Accept": "text/html"}).text
    documents = html[html.index('<ul class="documents">') :]
    documents = documents[: documents.index("</ul>")]
    assert "(A/66/874)" in documents or "(S/2012/578)" in documents, documents[:800]
    assert "discussed at the meeting" in documents
    topic = page(client, "/id/pillar/3")
    assert any(h.startswith("Documents (") for h in topic.headings)
    assert "date not recorded" in topic.text or any(
        year in topic.text for year in ("2009", "2011", "2012")
    )


def test_pages_show_labels_not_iris(client: FlaskClient) -> None:
    p = page(client, "/id/meeting/ga-2012-09-05")
    # property names come from the ontology's labels, values are labelled links
    assert "meeting type" in p.links
    assert p.links["meeting type"].endswith("/def#meetingType")
    assert "informal interactive dialogue" in p.links
    assert "https://w3id.org/r2p/id/person/adama-dieng" not in p.links
    assert "5 September 2012" in p.text  # xsd:date, readable


def test_state_page_lists_every_meeting_it_took_part_in(client: FlaskClient) -> None:
    p = page(client, "/id/state/GBR")
    assert p.headings[0] == "United Kingdom"
    # Issue 14: the page is a timeline of every meeting; those it took part in say so.
    assert "Meeting by meeting" in p.headings
    count = len(re.findall(r"\bTook part\b", p.text))
    data = Graph().parse(
        data=client.get("/id/state/GBR", headers={"Accept": "text/turtle"}).data,
        format="turtle",
    )
    meetings = set(data.objects(URIRef(f"{BASE}id/state/GBR"), URIRef(f"{R2P}tookPartIn")))
    assert count >= len(meetings) >= 2
    for meeting in meetings:
        assert meeting.split("/id/")[1] in " ".join(p.links.values())
    assert "supportive" in p.text  # its stance in 2012
    # 2011 (its own report), 2012 (own text), 2013 (GCR2P), 2016 (own text), 2022 (own text)
    assert len(re.findall(r"\bSpoke\b", p.text)) == 5


def test_state_page_shows_stances(client: FlaskClient) -> None:
    p = page(client, "/id/state/CUB")
    assert "opposed" in p.text
    assert "toward" in p.text


def test_inverse_links_and_sources(client: FlaskClient) -> None:
    p = page(client, "/id/person/ban-ki-moon")
    assert "Statements this person delivered (1)" in p.headings
    assert "Sources" in p.headings
    source = page(client, "/id/source/gcr2p-2012-dialogue-summary")
    assert any(h.startswith("Facts that cite this source") for h in source.headings)


def test_theme_page_lists_meetings_where_it_was_raised(client: FlaskClient) -> None:
    p = page(client, "/id/theme/use-of-force")
    assert any(h.startswith("Statements that raised it (") for h in p.headings), p.headings
    assert any("Fourth informal interactive dialogue" in text for text in p.links)


def test_pages_embed_their_data_as_jsonld(client: FlaskClient) -> None:
    for path, iri, cls in [
        ("/id/meeting/ga-2012-09-05", f"{BASE}id/meeting/ga-2012-09-05", f"{R2P}Meeting"),
        ("/id/state/GBR", f"{BASE}id/state/GBR", f"{R2P}MemberState"),
    ]:
        p = page(client, path)
        (embedded,) = p.jsonld
        json.loads(embedded)
        graph = Graph().parse(data=embedded, format="json-ld")
        assert (URIRef(iri), RDF.type, URIRef(cls)) in graph


def test_jsonld_cannot_close_its_script_element(client: FlaskClient) -> None:
    html = client.get("/id/meeting/ga-2012-09-05", headers={"Accept": "text/html"}).data
    script = html.split(b'<script type="application/ld+json">', 1)[1].split(b"</script>", 1)[0]
    assert b"<" not in script


def test_pages_are_accessible_basics(client: FlaskClient) -> None:
    for path in ["/", "/id/meeting/ga-2012-09-05", "/id/state/GBR", "/charts", "/query",
                 "/download", "/id/scheme/theme"]:
        response = client.get(path, headers={"Accept": "text/html"})
        html = response.data.decode()
        p = Page(html)
        assert p.lang == "en", path
        assert p.images_without_alt == 0, path
        assert html.count("<h1") == 1, path
        assert '<main id="main"' in html and 'href="#main"' in html, path
        assert 'name="viewport"' in html, path
        # no asset from another host: every script and stylesheet is ours
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", html):
            src = re.search(r'\b(?:src|href)="([^"]+)"', tag)
            if src and ("stylesheet" in tag or tag.startswith("<script")):
                assert not src.group(1).startswith(("http://", "https://", "//")), (path, tag)


def test_meeting_pages_number_their_sources_top_to_bottom(client: FlaskClient) -> None:
    """The first source a reader meets is [1], the next new one [2], ...: the numbering
    follows the page, not the order the data came in (which changed from one server
    process to the next)."""
    home = client.get("/", headers={"Accept": "text/html"}).text
    meetings = sorted(set(re.findall(r'href="http://localhost(/id/meeting/[a-z0-9-]+)"', home)))
    assert len(meetings) >= 15
    for path in meetings:
        html = client.get(path, headers={"Accept": "text/html"}).text
        body, _, cited = html.partition('id="cited-h"')
        first_seen = list(dict.fromkeys(int(n) for n in re.findall(r'href="#src-(\d+)"', body)))
        assert first_seen == list(range(1, len(first_seen) + 1)), path
        assert all(f'id="src-{n}"' in cited for n in first_seen), path
