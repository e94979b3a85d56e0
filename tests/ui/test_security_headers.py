"""Security headers on every response, links that never come from a forged Host header,
and the pages (YASGUI included) working in Chromium under the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from r2p_graph.config import Settings
from r2p_graph.store.factory import LocalStore
from r2p_graph.web.app import create_app
from tests.ui.conftest import Browser, LiveSite

PATHS = [
    "/",
    "/query",
    "/charts",
    "/download",
    "/def",
    "/id/state/GBR",
    "/id/meeting/ga-2012-09-05",
    "/sparql",
    "/sparql?query=SELECT",  # 400
    "/no/such/page",  # 404
    "/id/%25",  # not an IRI
    "/assets/css/site.css",
    "/health",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval, anywhere
    assert "unsafe" not in directives["style-src"]
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_a_forged_host_is_refused_when_no_public_url_is_set(client: FlaskClient) -> None:
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "R2P_PUBLIC_URL" in response.text and "R2P_ALLOWED_HOSTS" in response.text
    assert "evil.example" not in response.headers.get("Location", "")
    # Probes still answer whatever Host they send.
    assert client.get("/health", headers={"Host": "10.0.0.7:8000"}).status_code == 200


@pytest.fixture
def public_client(ui_settings: Settings, store: LocalStore) -> Iterator[FlaskClient]:
    app: Flask = create_app(
        ui_settings.replace(public_url="https://r2p.example.org"), store=store
    )
    yield app.test_client()


def test_links_and_the_query_endpoint_come_from_the_public_url(
    public_client: FlaskClient,
) -> None:
    for host in ("evil.example", "localhost"):
        home = public_client.get("/", headers={"Host": host})
        assert home.status_code == 200
        assert "evil.example" not in home.text
        assert 'href="https://r2p.example.org/query"' in home.text
        query = public_client.get("/query", headers={"Host": host})
        assert "evil.example" not in query.text
        assert "https://r2p.example.org/sparql" in query.text
        csp = query.headers["Content-Security-Policy"]
        assert "connect-src 'self' https://r2p.example.org" in csp


def test_allowed_hosts_may_name_other_hosts(ui_settings: Settings, store: LocalStore) -> None:
    app = create_app(ui_settings.replace(allowed_hosts="r2p.internal"), store=store)
    client = app.test_client()
    ok = client.get("/query", headers={"Host": "r2p.internal:8000"})
    assert ok.status_code == 200 and "http://r2p.internal:8000/sparql" in ok.text
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


@pytest.mark.slow
@pytest.mark.xdist_group("ui")
def test_pages_break_no_rule_of_the_policy_in_chromium(
    browser: Browser, live_site: LiveSite
) -> None:
    """YASGUI runs a query, and no page (the ontology's included) triggers a
    Content-Security-Policy violation."""
    page = browser.new_page()
    violations: list[str] = []

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", console)
    try:
        page.goto(f"{live_site.url}/query")
        page.wait_for_selector(".yasgui .tabsList .tab")
        page.locator(".tabPanel.active button.yasqe_queryButton").click()
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20_000)
        for path in ("/", "/charts", "/def", "/id/meeting/ga-2012-09-05", "/id/state/GBR"):
            response = page.goto(f"{live_site.url}{path}")
            assert response is not None and response.status == 200
            page.wait_for_load_state("load")
    finally:
        page.close()
    assert not violations, violations
