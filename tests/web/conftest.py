"""Fixtures for the endpoint tests: servers, fixture data, a canary.

Stores are the real thing: :func:`r2p_graph.store.factory.open_store` with worker
processes, and the Flask app from :func:`r2p_graph.web.app.create_app`. Tests of the
HTTP protocol talk to it through Flask's test client (:func:`app_server`, no socket);
what needs a real server (waitress's limits, concurrent clients, other HTTP clients)
gets one on a free loopback port in a background thread (:func:`live_server`). Both
answer ``request``/``get``/``post``/``head``/``put``/``options`` the way ``requests``
does.
"""

from __future__ import annotations

import abc
import atexit
import contextlib
import http.server
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.datastructures import Headers

from r2p_graph.config import Settings
from r2p_graph.store.factory import LocalStore, open_store
from r2p_graph.web.app import create_app
from r2p_graph.web.http_server import make_server

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
#: The W3C SPARQL 1.1 test data the conformance tests run, vendored with its licence.
W3C = ROOT / "tests" / "w3c"
KASEI = "http://kasei.us/2009/09/sparql/data/"

LIBRARY = [DATA / "library.trig", DATA / "notes.ttl"]

#: Served folders (on-disk stores) of the test servers: made once per test process, in a
#: folder of its own, never in the project's cache.
TEST_CACHE = Path(tempfile.mkdtemp(prefix="r2p-test-cache-"))
atexit.register(shutil.rmtree, TEST_CACHE, ignore_errors=True)


def w3c_dir(name: str) -> Path:
    """A folder of the W3C SPARQL 1.1 test data (fails loudly when it is missing)."""
    path = W3C / name
    if not path.is_dir():
        pytest.fail(f"W3C test data missing: {path} (vendored under tests/w3c)")
    return path


def quiet_settings(**overrides: Any) -> Settings:
    """Settings for a test server: quiet, loopback, two query workers."""
    values: dict[str, Any] = {
        "access_log": False,
        "host": "127.0.0.1",
        "port": 0,
        "cache_dir": TEST_CACHE,
    }
    values.update(overrides)
    return Settings(**values)


class Verbs(abc.ABC):
    """``get``, ``post``, ... as ``requests`` spells them, over the class's ``request``."""

    @abc.abstractmethod
    def request(self, method: str, url: str, **kw: Any) -> Any:
        """Send one request; the test servers each send it their way."""

    def get(self, url: str, **kw: Any) -> Any:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.request("POST", url, **kw)

    def head(self, url: str, **kw: Any) -> Any:
        return self.request("HEAD", url, **kw)

    def put(self, url: str, **kw: Any) -> Any:
        return self.request("PUT", url, **kw)

    def options(self, url: str, **kw: Any) -> Any:
        return self.request("OPTIONS", url, **kw)


@dataclass
class LiveServer(Verbs):
    """A running server: ``url`` is its root, ``endpoint`` its SPARQL endpoint."""

    url: str
    store: LocalStore
    settings: Settings
    _server: Any = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"

    def request(self, method: str, url: str, **kw: Any) -> Any:
        return requests.request(method, url, **{"timeout": 30, **kw})

    def stop(self) -> None:
        server = self._server

        def close_everything() -> None:  # runs in the server's own loop thread
            for channel in list(server._map.values()):
                channel.close()

        # Closing sockets from this thread would pull them from under select(): ask the
        # loop to close them itself; with nothing left to watch, run() returns.
        try:
            server.trigger.pull_trigger(close_everything)
        except OSError:
            # The loop, woken by an earlier pull (a response being sent), already ran
            # close_everything between queueing it and this write: the pipe is closed.
            pass
        self._thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        self.store.close()


@contextlib.contextmanager
def live_server(files: Sequence[str | Path], **overrides: Any) -> Iterator[LiveServer]:
    """Serve ``files`` (``FILE`` or ``FILE=GRAPH``) with test settings plus ``overrides``."""
    settings = quiet_settings(**overrides)
    store = open_store(settings, [str(f) for f in files], wait=True)
    app = create_app(settings, store=store)
    # The production HTTP stack (poll, connection limits, request deadlines).
    server = make_server(app, settings, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, name="r2p-test-server", daemon=True)
    thread.start()
    live = LiveServer(
        url=f"http://127.0.0.1:{server.effective_port}",
        store=store,
        settings=settings,
        _server=server,
        _thread=thread,
    )
    try:
        yield live
    finally:
        live.stop()


class Answer:
    """A Flask test response with the attributes of a ``requests`` response."""

    def __init__(self, response: Any) -> None:
        self.status_code: int = response.status_code
        self.headers = response.headers
        self.content: bytes = response.get_data()
        self.text: str = self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass
class AppServer(Verbs):
    """The app over a real store, asked through Flask's test client: the HTTP protocol
    without a socket. ``url`` is the root the test client's requests come in on.

    Requests go out as ``requests`` sends them, as far as the app can tell: ``Accept: */*``
    unless the test says otherwise, and no ``Accept-Encoding``, so answers come
    uncompressed, as ``requests`` hands them over after decoding. The app answers no
    request with a redirect, so there is none to follow. ``timeout`` is accepted and
    ignored: there is no socket to wait on."""

    store: LocalStore
    settings: Settings
    client: Any = field(repr=False)
    url: str = "http://localhost"

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"

    def request(self, method: str, url: str, params: Any = None, data: Any = None,
                headers: Any = None, timeout: float | None = None) -> Answer:
        path = url[len(self.url):] if url.startswith(self.url) else url
        sent = Headers(headers or {})
        sent.setdefault("Accept", "*/*")
        return Answer(
            self.client.open(
                path or "/", method=method, query_string=params, data=data, headers=sent
            )
        )


@contextlib.contextmanager
def app_server(files: Sequence[str | Path], **overrides: Any) -> Iterator[AppServer]:
    """``files`` served by the app with test settings plus ``overrides``, no socket."""
    settings = quiet_settings(**overrides)
    store = open_store(settings, [str(f) for f in files], wait=True)
    try:
        yield AppServer(store, settings, create_app(settings, store=store).test_client())
    finally:
        store.close()


def protocol_files() -> list[str]:
    """The W3C protocol fixtures as named graphs, with the IRIs the manifest uses."""
    folder = w3c_dir("protocol")
    return [f"{folder / f'data{i}.nt'}={KASEI}data{i}.rdf" for i in (1, 2, 3)]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def library_server() -> Iterator[LiveServer]:
    """The library fixture (two named graphs + a default-graph file), Oxigraph engine."""
    with live_server(LIBRARY) as server:
        yield server


@pytest.fixture(scope="module")
def library_app() -> Iterator[AppServer]:
    """The library fixture, as :func:`library_server` but through the test client."""
    with app_server(LIBRARY) as app:
        yield app


class Canary:
    """A local HTTP server that only counts the requests it receives."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _count(self) -> None:
                canary.hits.append(f"{self.command} {self.path}")
                body = b"<http://example.org/leak> <http://example.org/p> 1 .\n"
                self.send_response(200)
                self.send_header("Content-Type", "application/n-triples")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _count  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        # shutdown() waits for the loop to look at its flag: every 0.05 s, not 0.5 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    c = Canary()
    try:
        yield c
    finally:
        c.close()
