"""Big graph answers stream (issue 15, item 7): the first bytes go out while the worker
still writes the rest; a cut (byte cap, deadline, fast-lane budget) is announced at the
end of the body; a client that stops reading, or goes away, frees its worker.

No timing is asserted; states are polled for, in bounded loops; loopback only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests

from r2p_graph.store.workers import WorkerPool
from tests.web.conftest import LiveServer, app_server, live_server
from tests.web.test_hold import many_triples, poll

ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
#: A product of the data with itself: millions of triples, far past any deadline here
#: (read to the end, it would run out of memory first: Oxigraph remembers the triples it
#: sent, to drop repeats; so the tests below read only part of it).
ENDLESS = "CONSTRUCT { ?a <http://example.org/near> ?b } WHERE { ?a ?p ?x . ?b ?q ?y }"
#: The same product, but every triple repeated 2,000 times: after the first 2,000 the
#: worker writes nothing more and grinds on until its deadline, in little memory.
STALLING = "CONSTRUCT { ?a <http://example.org/near> ?a } WHERE { ?a ?p ?x . ?b ?q ?y }"
NT = {"Accept": "application/n-triples"}
RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return many_triples(tmp_path_factory.mktemp("stream"), 2000)


def pool(live: LiveServer) -> WorkerPool:
    executor = live.store._executor
    assert isinstance(executor, WorkerPool)
    return executor


def all_idle(live: LiveServer) -> bool:
    workers = pool(live)
    return workers._idle.qsize() == workers.size and workers.lanes.running == 0


def triples(body: bytes, media_type: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(body, format=RDF_FORMATS[media_type])]


# --------------------------------------------------------------------------- the byte cap


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_a_cap_hit_mid_stream_is_announced_in_a_body_that_still_parses(
    many: Path, media_type: str
) -> None:
    with app_server([many], stream_after_bytes=5_000, max_answer_bytes=50_000) as app:
        response = app.get(app.endpoint, params={"query": ALL}, headers={"Accept": media_type})
        assert response.status_code == 200
        assert response.headers["X-R2P-Streamed"] == "notice-in-body"
        assert "X-R2P-Results-Truncated" not in response.headers  # unknown when sent
        assert "Content-Length" not in response.headers
        found = triples(response.content, media_type)
        assert 0 < len(found) < 2000
        assert len(rdflib.Graph().parse(data=response.content, format=media_type)) == len(found)
        if media_type == "application/ld+json":
            assert json.loads(response.content)[-1] == {"@truncated": "max_bytes=50000"}
        elif media_type == "application/rdf+xml":
            assert response.text.endswith("<!-- truncated: max_bytes=50000 -->\n")
        else:
            assert response.text.endswith("\n# truncated: max_bytes=50000\n")


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_a_whole_streamed_answer_has_no_notice(many: Path, media_type: str) -> None:
    with app_server([many], stream_after_bytes=5_000) as app:
        response = app.get(app.endpoint, params={"query": ALL}, headers={"Accept": media_type})
        assert response.headers["X-R2P-Streamed"] == "notice-in-body"
        assert len(triples(response.content, media_type)) == 2000
        assert b"truncated" not in response.content


def test_small_answers_go_whole_with_exact_headers(many: Path) -> None:
    with app_server([many], stream_after_bytes=100_000, max_answer_bytes=20_000) as app:
        cut = app.get(app.endpoint, params={"query": ALL}, headers=NT)
        # The cap is hit before the first byte went out: the header says so, as before.
        assert cut.headers["X-R2P-Results-Truncated"] == "max_bytes=20000"
        assert "X-R2P-Streamed" not in cut.headers
        assert int(cut.headers["Content-Length"]) == len(cut.content)
        small = app.get(app.endpoint, params={"query": ALL + " LIMIT 5"}, headers=NT)
        assert small.headers["X-R2P-Result-Size"] == "5"
        assert "X-R2P-Streamed" not in small.headers
        # SELECT answers are not streamed (they are capped by rows).
        rows = app.get(app.endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert "X-R2P-Streamed" not in rows.headers


# --------------------------------------------------------------------------- live streams


@pytest.fixture(scope="module")
def streaming(many: Path) -> Iterator[LiveServer]:
    with live_server([many], stream_after_bytes=10_000, max_answer_bytes=0) as live:
        yield live


@pytest.mark.slow
def test_first_bytes_arrive_while_the_worker_is_still_writing(streaming: LiveServer) -> None:
    poll(lambda: all_idle(streaming), "every worker idle")
    with requests.get(
        streaming.endpoint, params={"query": ENDLESS}, headers=NT, stream=True, timeout=30
    ) as response:
        assert response.status_code == 200
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert "Content-Length" not in response.headers
        first = next(response.iter_content(chunk_size=None))
        # The answer has millions of triples: its worker is still busy writing them.
        assert not all_idle(streaming)
        assert b"truncated" not in first
        assert first.startswith(b"<http://example.org/")
    # The client went away: the worker is killed and replaced, the lane place given back.
    poll(lambda: all_idle(streaming), "the worker freed after the client left")


@pytest.mark.slow
def test_the_deadline_cuts_a_stream_and_the_body_says_so(streaming: LiveServer) -> None:
    poll(lambda: all_idle(streaming), "every worker idle")
    response = requests.get(
        streaming.endpoint,
        params={"query": STALLING, "timeout": "1.5"},
        headers=NT,
        timeout=60,
    )
    assert response.status_code == 200
    body = response.content
    assert body.endswith(b"\n# truncated: deadline=1.5s\n")
    assert len(triples(body, "application/n-triples")) > 0  # whole triples up to the cut
    poll(lambda: all_idle(streaming), "the worker replaced after the deadline")


@pytest.mark.slow
def test_a_client_that_stops_reading_frees_the_worker_by_the_deadline(
    streaming: LiveServer,
) -> None:
    poll(lambda: all_idle(streaming), "every worker idle")
    restarts = pool(streaming).restarts
    with requests.get(
        streaming.endpoint,
        params={"query": ENDLESS, "timeout": "2"},
        headers=NT,
        stream=True,
        timeout=60,
    ) as response:
        # Keep the iterator: dropped, urllib3 would close the connection (a client that
        # goes away, not one that stops reading).
        chunks = response.iter_content(chunk_size=1024)
        next(chunks)
        # ... and reads no more, connection open: the deadline kills the worker anyway.
        poll(lambda: pool(streaming).restarts > restarts, "the worker killed at the deadline")
        poll(lambda: all_idle(streaming), "a fresh worker in its place")


@pytest.mark.slow
def test_a_stream_past_the_budget_with_the_heavy_lane_full_is_cut(many: Path) -> None:
    with live_server(
        [many], stream_after_bytes=10_000, max_answer_bytes=0, heavy_lane=1,
        heavy_per_client=1, fast_lane_budget=0.3,
    ) as live:
        with requests.get(
            live.endpoint, params={"query": ENDLESS}, headers=NT, stream=True, timeout=60
        ) as first:
            chunks = first.iter_content(chunk_size=1024)  # kept: the client stays
            next(chunks)
            poll(lambda: pool(live).lanes.running == 1, "the first stream in the heavy lane")
            # Another stream from the same client: past the budget it finds no place.
            other = STALLING  # another text: not remembered as heavy
            second = requests.get(
                live.endpoint, params={"query": other}, headers=NT, timeout=60
            )
            assert second.status_code == 200
            assert second.content.endswith(b"\n# truncated: fast_lane_budget=0.3s\n")
        poll(lambda: all_idle(live), "every worker idle again")
