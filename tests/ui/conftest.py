"""Fixtures for the site tests: the real data of data/, a real store, the real app.

The dataset is the project's own data, loaded and inferred (as ``r2p-graph build`` does,
without the SHACL step that tests/core already covers, to keep this folder fast), served
by :func:`r2p_graph.store.factory.open_store` with worker processes. The Flask app is
:func:`r2p_graph.web.app.create_app`. Browser tests get the app on a loopback port
(waitress in a thread) and Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import URIRef

from r2p_graph.config import Settings
from r2p_graph.ids import INFERRED_GRAPH
from r2p_graph.pipeline.build import write_dataset
from r2p_graph.pipeline.infer import materialize
from r2p_graph.pipeline.load import load_sources
from r2p_graph.store.factory import LocalStore, open_store
from r2p_graph.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
BASE = "https://w3id.org/r2p/"


@pytest.fixture(scope="session")
def ui_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Quiet settings with a private cache (ontology docs and downloads are made there)."""
    return Settings(
        access_log=False,
        query_workers=2,
        cache_dir=tmp_path_factory.mktemp("ui-cache"),
    )


@pytest.fixture(scope="session")
def dataset_file(ui_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ + ontology/, loaded and inferred into named graphs, as N-Quads."""
    sources = load_sources(ui_settings)
    materialize(
        sources.dataset,
        inferred_graph=URIRef(sources.minter.graph(INFERRED_GRAPH)),
        asserted=sources.asserted,
        ontology=sources.ontology,
        rules_dir=ui_settings.ontology_dir / "rules",
    )
    out = tmp_path_factory.mktemp("ui-data") / "dataset.nq"
    return write_dataset(sources.dataset, out, "nquads")


@pytest.fixture(scope="session")
def store(ui_settings: Settings, dataset_file: Path) -> Iterator[LocalStore]:
    opened = open_store(ui_settings, [dataset_file], wait=True)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def app(ui_settings: Settings, store: LocalStore) -> Flask:
    return create_app(ui_settings, store=store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class LiveSite:
    url: str
    app: Flask


@pytest.fixture(scope="session")
def live_site(app: Flask) -> Iterator[LiveSite]:
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=6, ident="r2p-ui-test")
    thread = threading.Thread(target=server.run, name="r2p-ui-server", daemon=True)
    thread.start()
    try:
        yield LiveSite(url=f"http://127.0.0.1:{server.effective_port}", app=app)
    finally:
        server.close()
        thread.join(timeout=5)


# --- the browser -----------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Browser:
    """A Chromium context that refuses (and records) every request off this machine."""

    context: Any
    blocked: list[str]
    failed: list[str]

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.set_default_timeout(20_000)
        page.on(
            "response",
            lambda response: self.failed.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None,
        )
        return page


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "/usr/bin/chromium is missing: run scripts/test-prerequisites.sh "
            "(it installs Debian's chromium package)"
        )
    import playwright.sync_api as sync_api
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    blocked: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )

        def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        context.route("**/*", guard)
        try:
            yield Browser(context=context, blocked=blocked, failed=[])
        finally:
            context.close()


#: The widths the pages are read at: a desktop window and a phone.
WIDTHS = {"desktop": 1280, "phone": 390}


@contextmanager
def new_tab(browser: Browser, width_name: str = "desktop") -> Iterator[Any]:
    """A page of ``browser`` at one of :data:`WIDTHS` (``page.width_name`` says which) that,
    when closed, fails the test on a script error, a request off this machine or a failed
    load."""
    page = browser.new_page()
    page.set_viewport_size({"width": WIDTHS[width_name], "height": 900})
    page.width_name = width_name
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        page.close()
        assert not errors, errors
        assert not browser.blocked, f"requests off this machine: {browser.blocked}"
        assert not browser.failed, f"failed loads: {browser.failed}"


@pytest.fixture(params=sorted(WIDTHS))
def tab(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Any]:
    """A browser tab, once at each of :data:`WIDTHS` (a module may override it)."""
    with new_tab(browser, request.param) as page:
        yield page


def fits(page: Any) -> None:
    """The page does not scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways ({width}px > {viewport}px)"


def shot(page: Any, name: str) -> None:
    """A full-page screenshot in tests/artifacts, named for the page's width."""
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.width_name}.png"), full_page=True)
