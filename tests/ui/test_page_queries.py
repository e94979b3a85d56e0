"""The site's page queries (``r2p_graph/queries/pages/*.rq``): each parses, each runs on
the real data with its ``VALUES ?var { }`` blocks filled, and finds what it is for."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from flask import Flask
from rdflib.plugins.sparql import prepareQuery

from r2p_graph.queries import site_query
from r2p_graph.web import sparql_client
from r2p_graph.web.labels import LABEL_PROPERTIES
from r2p_graph.web.linked_data import INCOMING_LIMIT

BASE = "https://w3id.org/r2p/"
GBR = BASE + "id/state/GBR"
SLOT = re.compile(r"VALUES \?(\w+) \{ \}")
PAGE_QUERIES = sorted(
    entry.name.removesuffix(".rq")
    for entry in (resources.files("r2p_graph.queries") / "pages").iterdir()
    if entry.name.endswith(".rq")
)
#: A real value for each slot name the page queries use.
REAL_VALUES: dict[str, list[str]] = {
    "x": [GBR, BASE + "id/pillar/3"],
    "property": [str(p) for p in LABEL_PROPERTIES],
    "lp": [str(p) for p in LABEL_PROPERTIES],
    "resource": [GBR],
    "scheme": [BASE + "id/scheme/pillar"],
    "actor": [GBR],
    "state": [GBR],
    "meeting": [BASE + "id/meeting/ga-2012-09-05"],
    "topic": [BASE + "id/pillar/3"],
    "version": [BASE + "def/0.1.0"],
    "sub": ["http://purl.org/dc/terms/subject", BASE + "def#addressesTheme"],
    "super": ["http://purl.org/dc/terms/subject", BASE + "def#addressesTheme"],
}
#: Queries about something that the real values above are not (they answer nothing).
EMPTY_FOR_REAL_VALUES = {"composed-label-facts"}


def test_the_page_queries_are_found() -> None:
    assert {"meeting", "topic", "labels", "describe", "actor-stances"} <= set(PAGE_QUERIES)


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_each_page_query_runs_and_finds_what_it_is_for(app: Flask, name: str) -> None:
    slots = SLOT.findall(site_query(f"pages/{name}"))
    assert set(slots) <= REAL_VALUES.keys(), f"give {name}.rq's slots a real value here"
    with app.app_context():
        text = sparql_client.page_query(name, **{s: REAL_VALUES[s] for s in slots})
        assert SLOT.search(text) is None
        form = prepareQuery(text).algebra.name
        if form == "SelectQuery":
            found = len(sparql_client.select(text))
        elif form == "ConstructQuery":
            found = len(sparql_client.construct(text))
        else:
            found = int(sparql_client.ask(text))
    if name in EMPTY_FOR_REAL_VALUES:
        assert found == 0
    else:
        assert found > 0, f"{name}.rq found nothing for {REAL_VALUES}"


def test_composed_label_facts_answer_for_a_record_without_a_label(app: Flask) -> None:
    record = BASE + "id/meeting/ga-2012-09-05/tally-member-state"
    with app.app_context():
        rows = sparql_client.select(sparql_client.page_query("composed-label-facts", x=[record]))
    assert any(r["p"].value.endswith("participantKind") for r in rows)


def test_a_slot_the_query_does_not_have_is_a_bug(app: Flask) -> None:
    with app.app_context(), pytest.raises(KeyError, match="VALUES \\?nothing"):
        sparql_client.page_query("labels", nothing=[GBR])


def test_an_iri_that_could_break_out_of_its_brackets_is_refused(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="not a safe IRI"):
        sparql_client.page_query("describe", resource=GBR + "> } DROP ALL #", lp=[])


def test_the_incoming_limit_is_one_below_the_query_s(app: Flask) -> None:
    """The resource's RDF tells "there are more" by asking for one past its limit."""
    text = site_query("pages/describe-inverse")
    assert f"LIMIT {INCOMING_LIMIT + 1}" in text


def test_a_page_asks_once_for_what_has_no_label(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An IRI without a label is looked up once per page, not at every mention."""
    from r2p_graph.web.labels import Labeller

    asked: list[str] = []
    run = sparql_client._run
    monkeypatch.setattr(sparql_client, "_run", lambda text, *a, **k: (asked.append(text),
                                                                      run(text, *a, **k))[1])
    with app.app_context():
        label = Labeller()
        first = label("http://example.org/no-label-here")
        after_first = len(asked)
        assert label("http://example.org/no-label-here") == first
        label.want("http://example.org/no-label-here")
        label.resolve()
    assert after_first >= 1 and len(asked) == after_first



#: The most queries a page may run: each crosses to a worker process, so a page batches its
#: lookups. Before the labeller kept its misses and /states named its rows from its own
#: query, the 2012 meeting ran 48 and /states 197 (one label lookup per state).
QUERY_BUDGETS = {
    "/": 6,
    "/states": 3,
    "/statements": 4,
    "/id/meeting/ga-2012-09-05": 20,
    "/id/state/CRI": 20,
    "/id/pillar/3": 15,
}


@pytest.mark.parametrize("path", sorted(QUERY_BUDGETS))
def test_a_page_runs_a_bounded_number_of_queries(
    app: Flask, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    client = app.test_client()
    client.get(path, headers={"Accept": "text/html"})  # caches that pay (the search index)
    asked: list[str] = []
    run = sparql_client._run
    monkeypatch.setattr(sparql_client, "_run", lambda text, *a, **k: (asked.append(text),
                                                                      run(text, *a, **k))[1])
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 0 < len(asked) <= QUERY_BUDGETS[path], len(asked)
