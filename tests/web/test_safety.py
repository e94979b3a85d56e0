"""Safe on the internet: no outbound requests, no file reads, deadlines that cancel,
capped requests and answers, readable errors with CORS, never a stack trace.

The app answers these through Flask's test client over the real store (no socket). Live
servers stay for what only the production HTTP stack shows: a query held at its deadline
while other clients keep being answered, and a chunked body, which waitress de-chunks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.web.conftest import (
    LIBRARY,
    Answer,
    AppServer,
    Canary,
    LiveServer,
    app_server,
    live_server,
)
from tests.web.w3c import parse_results

pytestmark = [pytest.mark.xdist_group("safety"), pytest.mark.slow]

JSON = {"Accept": "application/sparql-results+json"}


#: The app over its store, with (LiveServer) or without (AppServer) a socket.
Server = AppServer | LiveServer
#: What either answers with.
Response = Answer | requests.Response


@pytest.fixture(scope="module")
def server(engine: str) -> Iterator[AppServer]:
    with app_server(LIBRARY, engine=engine) as app:
        yield app


def get(server: Server, query: str, **params: str) -> Response:
    params = {"query": query, **params}
    return server.get(server.endpoint, params=params, headers=JSON, timeout=30)


def select_from(clause: str) -> str:
    """A query naming graphs (ruff's S608 takes SELECT f-strings for SQL)."""
    pattern = "GRAPH ?g { ?s ?p ?o }" if "NAMED" in clause else "?s ?p ?o"
    return " ".join(["SELECT *", clause, "WHERE {", pattern, "}"])


def bindings(response: Response) -> list[dict[str, object]]:
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert isinstance(rows, list)
    return rows


def assert_plain_error(response: Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Traceback" not in response.text and 'File "' not in response.text
    assert 0 < len(response.text) < 2000


# --------------------------------------------------------------------------- no outbound


def test_the_canary_counts_requests(canary: Canary) -> None:
    """The zero below means something: a direct request is counted."""
    requests.get(canary.url + "probe", timeout=5)
    assert canary.hits == ["GET /probe"]


def service_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?x ?y ?z OPTIONAL {{ SERVICE<{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ {{ SELECT ?s {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        f"PREFIX a: <{url}> SELECT * {{ SERVICEa:b {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p true.trueSERVICE<{url}> {{ }} }}",
        f"SELECT * {{ SERVICESILENT<{url}> {{ ?s ?p ?o }} }}",
        "SELECT * { \\u0053ERVICE <" + url + "> { ?s ?p ?o } }",
        f"SELECT * {{ SERVICE # a comment\n <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ }} }}",
        f"CONSTRUCT WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def test_service_is_refused_and_never_called(server: AppServer, canary: Canary) -> None:
    for query in service_queries(canary.url):
        for response in (
            get(server, query),
            server.post(
                server.endpoint,
                data=query.encode(),
                headers={"Content-Type": "application/sparql-query", **JSON},
                timeout=30,
            ),
            server.post(server.endpoint, data={"query": query}, headers=JSON, timeout=30),
        ):
            assert_plain_error(response, 403)
            assert "SERVICE" in response.text and "not run" in response.text
    # A fetch would have happened while the request was evaluated, before its answer.
    assert canary.hits == []


def test_from_and_from_named_never_fetch(server: AppServer, canary: Canary) -> None:
    data = canary.url + "data.nt"
    assert bindings(get(server, select_from(f"FROM <{data}>"))) == []
    assert bindings(get(server, select_from(f"FROM NAMED <{data}>"))) == []
    assert bindings(get(server, "SELECT * { ?s ?p ?o }", **{"default-graph-uri": data})) == []
    assert (
        bindings(get(server, "SELECT * { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": data}))
        == []
    )
    describe = server.get(server.endpoint, params={"query": f"DESCRIBE <{data}>"}, timeout=30)
    assert describe.status_code == 200 and b"leak" not in describe.content
    # A fetch would have happened while the request was evaluated, before its answer.
    assert canary.hits == []


def test_load_and_updates_are_refused_and_never_called(server: AppServer, canary: Canary) -> None:
    load = f"LOAD <{canary.url}data.nt>"
    attempts = [
        server.get(server.endpoint, params={"query": load}, timeout=30),
        server.get(server.endpoint, params={"update": load}, timeout=30),
        server.post(server.endpoint, data={"update": load}, timeout=30),
        server.post(
            server.endpoint,
            data=load.encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
        ),
        server.post(
            server.endpoint,
            data=f"LOAD SILENT <{canary.url}x> INTO GRAPH <urn:g>".encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=30,
        ),
        server.get(server.endpoint, params={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}),
        server.get(server.endpoint, params={"query": "DROP ALL"}),
    ]
    for response in attempts:
        assert_plain_error(response, 403)
        assert "read-only" in response.text
    # A fetch would have happened while the request was evaluated, before its answer.
    assert canary.hits == []
    assert len(bindings(get(server, "SELECT * { ?s ?p ?o }"))) > 0  # data untouched


def test_file_iris_reveal_nothing(server: AppServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<urn:s> <urn:p> "TOP-SECRET-42" .\n')
    for iri in (secret.as_uri(), "file:///etc/passwd", "file:///etc/hostname"):
        for response in (
            get(server, select_from(f"FROM <{iri}>")),
            get(server, select_from(f"FROM NAMED <{iri}>")),
            get(server, "SELECT * WHERE { GRAPH <" + iri + "> { ?s ?p ?o } }"),
            get(server, "SELECT * { ?s ?p ?o }", **{"default-graph-uri": iri}),
            get(server, "SELECT * { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": iri}),
        ):
            assert bindings(response) == []
            assert "TOP-SECRET" not in response.text and "root:" not in response.text


def test_a_file_loaded_nowhere_cannot_be_named_as_a_graph(server: AppServer) -> None:
    """The dataset's own files are not graphs either: graph names are IRIs we loaded."""
    path = LIBRARY[0].resolve().as_uri()
    assert bindings(get(server, select_from(f"FROM <{path}>"))) == []


# --------------------------------------------------------------------------- deadlines


def explosive_data(folder: Path, n: int = 2000) -> Path:
    path = folder / "many.ttl"
    with path.open("w") as out:
        for i in range(n):
            out.write(f"<http://example.org/s{i}> <http://example.org/p{i % 7}> {i} .\n")
    return path


EXPLOSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . "
    "?p ?q ?r . ?s ?t ?u }"
)
CHEAP = "ASK { ?s ?p 42 }"


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return explosive_data(tmp_path_factory.mktemp("many"))


def test_an_explosive_query_is_cancelled_at_its_deadline_while_others_answer(
    engine: str, many: Path
) -> None:
    # Live: other clients, on connections of their own, are answered while one waits.
    with live_server([many], engine=engine, query_timeout=10) as live:
        assert bindings(get(live, "SELECT * { ?s ?p ?o } LIMIT 1"))  # warm
        outcome: dict[str, object] = {}

        def explode() -> None:
            outcome["response"] = get(live, EXPLOSIVE, timeout="2")

        slow = threading.Thread(target=explode)
        slow.start()
        answered_meanwhile = 0
        while slow.is_alive():
            response = get(live, CHEAP)
            assert response.status_code == 200, response.text
            assert response.json()["boolean"] is True
            answered_meanwhile += slow.is_alive()
            time.sleep(0.1)  # a steady trickle of cheap queries, not a flood
        slow.join()

        response = outcome["response"]
        assert isinstance(response, requests.Response)
        assert_plain_error(response, 503)
        assert "deadline of 2 s" in response.text and "cancelled" in response.text
        # Cheap queries kept being answered while the explosive one held a worker.
        assert answered_meanwhile >= 3, answered_meanwhile
        # The killed worker is replaced: the full pool answers again.
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: get(live, CHEAP), range(8)))
        assert all(a.status_code == 200 for a in answers)


def test_the_server_deadline_applies_without_a_timeout_parameter(many: Path) -> None:
    with app_server([many], query_timeout=1.5) as app:
        response = get(app, EXPLOSIVE)
        assert_plain_error(response, 503)
        assert "deadline of 1.5 s" in response.text


def test_a_client_cannot_ask_for_more_time_than_the_server_allows(many: Path) -> None:
    with app_server([many], query_timeout=1.5) as app:
        response = get(app, EXPLOSIVE, timeout="600")
        assert_plain_error(response, 503)
        assert "deadline of 1.5 s" in response.text


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", "1e999"])
def test_a_malformed_timeout_is_a_400(server: AppServer, value: str) -> None:
    assert_plain_error(get(server, "ASK {}", timeout=value), 400)


@pytest.mark.parametrize("value", ["2", "2.5", "2.5s", "500ms"])
def test_timeout_spellings(server: AppServer, value: str) -> None:
    assert get(server, "ASK {}", timeout=value).status_code == 200


# --------------------------------------------------------------------------- limits


#: The limits of the ``small`` server.
SMALL = {"max_body_bytes": 2000, "max_query_chars": 500, "max_rows": 3}


@pytest.fixture(scope="module")
def small() -> Iterator[AppServer]:
    with app_server(LIBRARY, **SMALL) as app:
        yield app


def padded(n: int) -> str:
    return "ASK {} # " + "x" * (n - 9)


def test_an_oversized_body_is_a_413(small: AppServer) -> None:
    response = small.post(small.endpoint, data={"query": padded(5000)}, timeout=30)
    assert_plain_error(response, 413)
    direct = small.post(
        small.endpoint,
        data=padded(5000).encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert_plain_error(direct, 413)


def test_an_oversized_chunked_body_is_a_413() -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 1000

    # Live: the chunked transfer coding is undone by waitress, which then tells the app
    # the body's length; the test client has no transfer coding to undo.
    with live_server(LIBRARY, **SMALL) as live:
        response = requests.post(
            live.endpoint,
            data=chunks(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=30,
        )
    assert response.status_code == 413


def test_a_long_posted_query_is_a_413(small: AppServer) -> None:
    response = small.post(
        small.endpoint,
        data=padded(800).encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert_plain_error(response, 413)
    assert "500 characters" in response.text


def test_a_long_get_is_a_414(small: AppServer) -> None:
    assert_plain_error(get(small, padded(800)), 414)
    assert_plain_error(get(small, padded(20_000)), 414)
    assert get(small, padded(400)).status_code == 200


def test_select_rows_are_capped(small: AppServer) -> None:
    response = get(small, "SELECT * { ?s ?p ?o }")
    assert len(bindings(response)) == 3
    assert response.headers["X-R2P-Results-Truncated"] == "max_rows=3"
    whole = get(small, "SELECT * { ?s ?p ?o } LIMIT 2")
    assert len(bindings(whole)) == 2
    assert "X-R2P-Results-Truncated" not in whole.headers


MALFORMED = [
    ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, b"", 400),  # no query
    ("POST", {}, b"query=ASK%20%7B%7D", 400),  # no Content-Type
    ("POST", {"Content-Type": "text/plain"}, b"ASK {}", 400),
    ("POST", {"Content-Type": "application/json"}, b'{"query": "ASK {}"}', 400),
    ("POST", {"Content-Type": "multipart/form-data; boundary=x"}, b"--x--", 400),
    ("POST", {"Content-Type": "application/sparql-query; charset=latin-1"}, b"ASK {}", 400),
    ("POST", {"Content-Type": "application/sparql-query"}, b"ASK { \xff }", 400),
    ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=%FF", 400),
    ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=a&query=b", 400),
    ("POST", {"Content-Type": "application/sparql-query"}, b"   ", 400),
    ("PUT", {"Content-Type": "application/sparql-query"}, b"ASK {}", 405),
    ("DELETE", {}, b"", 405),
    ("PATCH", {}, b"", 405),
]


@pytest.mark.parametrize(("method", "headers", "body", "status"), MALFORMED)
def test_malformed_requests_are_4xx(
    server: AppServer, method: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    response = server.request(method, server.endpoint, headers=headers, data=body, timeout=30)
    assert_plain_error(response, status)


@pytest.mark.parametrize(
    "query_string",
    [
        "query=ASK%20%7B%7D&query=ASK%20%7B%7D",
        "query=%FF%FE",
        "query=ASK%20%7B%7D&default-graph-uri=not%20an%20iri",
        "query=ASK%20%7B%7D&named-graph-uri=%3Curn%3Ax%3E",
        "query=",
        "query=SELECT%20*%20%7B",
        "query=ASK%20%7B%7D&format=png",
    ],
)
def test_malformed_gets_are_4xx(server: AppServer, query_string: str) -> None:
    response = server.get(f"{server.endpoint}?{query_string}", timeout=30)
    assert 400 <= response.status_code < 500, response.text
    assert_plain_error(response, response.status_code)


def test_syntax_errors_say_where(server: AppServer) -> None:
    response = get(server, "SELECT ?s\nWHERE {\n  ?s ?p \n}")
    assert_plain_error(response, 400)
    assert "line 4" in response.text or "line 3" in response.text
    assert "column" in response.text


# --------------------------------------------------------------------------- CORS


def test_cors_on_success_and_on_every_error(server: AppServer, small: AppServer) -> None:
    responses = [
        get(server, "ASK {}"),
        get(server, "ASK {"),  # 400
        get(server, "DROP ALL"),  # 403
        server.get(server.url + "/nowhere", timeout=30),  # 404
        server.put(server.endpoint, timeout=30),  # 405
        server.get(server.endpoint, params={"query": "ASK {}"}, headers={"Accept": "x/y"}),
        small.post(small.endpoint, data={"query": padded(5000)}, timeout=30),  # 413
        get(small, padded(800)),  # 414
    ]
    assert [r.status_code for r in responses] == [200, 400, 403, 404, 405, 406, 413, 414]
    for response in responses:
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(server: AppServer) -> None:
    response = server.options(
        server.endpoint,
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


def test_cors_can_be_turned_off() -> None:
    with app_server(LIBRARY, cors=False) as app:
        response = app.get(app.endpoint, params={"query": "ASK {"}, timeout=30)
        assert response.status_code == 400
        assert "Access-Control-Allow-Origin" not in response.headers


RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
#: Blank nodes are left out: their labels differ between servers.
NAMED = "?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o))"
ORDERED = "SELECT ?s ?p ?o { " + NAMED + " } ORDER BY ?s ?p ?o"


@pytest.mark.parametrize("media_type", RESULT_TYPES)
@pytest.mark.parametrize(
    ("query", "truncated"),
    [
        (ORDERED, True),
        (ORDERED + " LIMIT 100", True),
        (ORDERED + " OFFSET 4", True),
        (ORDERED + " OFFSET 19", False),
        (ORDERED + " LIMIT 3", False),
        (ORDERED + " LIMIT 2 OFFSET 1", False),
        ("SELECT ?p ?o { ?s ?p ?o } ORDER BY ?p ?o VALUES ?s { <http://example.org/book1> }", True),
        ("SELECT * { " + NAMED + " } ORDER BY ?s ?p ?o", True),
    ],
)
def test_capped_rows_are_the_first_rows_in_every_format(
    small: AppServer, server: AppServer, media_type: str, query: str, truncated: bool
) -> None:
    """The cap keeps the first max_rows solutions of the answer, in order, in every
    result format, and says so when it cut any."""
    headers = {"Accept": media_type}
    capped = small.get(small.endpoint, params={"query": query}, headers=headers, timeout=30)
    whole = server.get(server.endpoint, params={"query": query}, headers=headers, timeout=30)
    assert capped.status_code == whole.status_code == 200
    first = parse_results(capped.content, media_type)
    full = parse_results(whole.content, media_type)
    assert first.variables == full.variables
    assert first.rows == full.rows[:3]
    assert capped.headers["X-R2P-Result-Size"] == str(len(first.rows))
    if truncated:
        assert len(full.rows) > 3
        assert capped.headers["X-R2P-Results-Truncated"] == "max_rows=3"
    else:
        assert first.rows == full.rows
        assert "X-R2P-Results-Truncated" not in capped.headers
