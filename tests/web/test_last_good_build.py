"""When the data in data/ no longer builds, the server serves the last good build, loudly
(the log, /health, every page, a header), or refuses to start when told --strict."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from r2p_graph.pipeline import build as pipeline_build
from r2p_graph.pipeline.build import ServedBuild
from r2p_graph.web.app import create_app
from tests.web.conftest import ROOT, quiet_settings

pytestmark = [pytest.mark.xdist_group("hold"), pytest.mark.slow]

GOOD = (
    "<https://w3id.org/r2p/id/state/GBR> <http://www.w3.org/2004/02/skos/core#prefLabel> "
    '"United Kingdom"@en <https://w3id.org/r2p/graph/asserted> .\n'
)


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of data/ with a syntax error, and a cache holding an earlier good build."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    victim = sorted((data / "meetings").glob("*.ttl"))[0]
    victim.write_text(victim.read_text() + "\nthis is not turtle .\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "dataset-earlier.nq").write_text(GOOD)
    (cache / pipeline_build._LAST_GOOD).write_text("dataset-earlier.nq")
    return data, cache


def test_a_broken_build_serves_the_last_good_one_loudly(
    broken: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    data, cache = broken
    settings = quiet_settings(data_dir=data, cache_dir=cache, ontology_dir=ROOT / "ontology")
    with caplog.at_level(logging.WARNING, logger="r2p_graph.build"):
        app = create_app(settings)
        client = app.test_client()
        end = time.monotonic() + 120
        while client.get("/ready").status_code != 200:
            assert time.monotonic() < end, client.get("/ready").text
            time.sleep(0.05)
    store = app.extensions["r2p_graph"].store
    try:
        assert any("last good build" in r.getMessage() for r in caplog.records)
        assert any(victim_named(r.getMessage()) for r in caplog.records)
        health = client.get("/health").get_json()
        assert health["build"] == "last-good" and "does not build" in health["warning"]
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert 'class="data-warning"' in page.text and "does not build" in page.text
        answer = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert answer.status_code == 200 and answer.headers["X-R2P-Build"].startswith("last")
    finally:
        store.close()


def victim_named(message: str) -> bool:
    return "meetings/" in message and ".ttl" in message


def test_strict_refuses_the_last_good_build(broken: tuple[Path, Path]) -> None:
    data, cache = broken
    settings = quiet_settings(data_dir=data, cache_dir=cache, ontology_dir=ROOT / "ontology")
    build = ServedBuild(settings, strict=True)
    with pytest.raises(Exception):  # noqa: B017 - whatever the build raised
        build()
    assert build.error and build.warning is None
    env = dict(os.environ, R2P_CACHE_DIR=str(cache), R2P_PORT="0", R2P_ACCESS_LOG="0")
    done = subprocess.run(
        [sys.executable, "-m", "r2p_graph.cli", "serve", "--strict", "--data", str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "does not build" in done.stderr and "--strict" in done.stderr


def test_the_served_build_runs_outside_the_serving_process(tmp_path: Path) -> None:
    """Validation changes pySHACL's classes and rdflib's query parser while it runs: the
    build a server serves runs in a process of its own, so pySHACL never even loads in
    the server's, and the build it hands back is complete."""
    code = (
        "import sys; from r2p_graph.config import Settings; "
        "from r2p_graph.pipeline.build import ServedBuild; "
        "path = ServedBuild(Settings.from_env())(); "
        "print(path.stat().st_size > 100_000, 'pyshacl' in sys.modules)"
    )
    env = dict(os.environ, R2P_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "False"]
    assert len(list((tmp_path / "cache").glob("dataset-*.nq"))) == 1
