"""The project as a user installs it: a wheel in a fresh virtual environment, used from a
folder that is not a checkout, and the pre-commit hook run the way pre-commit runs it.

One wheel and one venv for the module (pip's cache makes the install take seconds); the
commands run with an empty environment of ``R2P_*`` variables and a private cache folder.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("install")]

VALID = """\
@prefix r2p: <https://w3id.org/r2p/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix state: <https://w3id.org/r2p/id/state/> .
@prefix theme: <https://w3id.org/r2p/id/theme/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix mt: <https://w3id.org/r2p/id/meeting-type/> .
@prefix org: <https://w3id.org/r2p/id/org/> .

<https://w3id.org/r2p/id/meeting/ga-2026-06-30> a r2p:Meeting ;
    rdfs:label "A debate that cites reference data only"@en ;
    schema:startDate "2026-06-30"^^xsd:date ;
    schema:organizer org:un-general-assembly ;
    r2p:meetingType mt:formal-debate-agenda-item ;
    dcterms:source <https://example.org/debate> .

<https://w3id.org/r2p/id/statement/ga-2026-06-30/DNK> a r2p:Statement ;
    rdfs:label "Statement of Denmark, 30 June 2026"@en ;
    r2p:deliveredBy state:DNK ;
    r2p:atMeeting <https://w3id.org/r2p/id/meeting/ga-2026-06-30> ;
    r2p:addressesTheme theme:prevention ;
    dcterms:source <https://example.org/dnk> .
"""

#: A statement delivered by something that is not an actor.
VIOLATION = """\
@prefix r2p: <https://w3id.org/r2p/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://w3id.org/r2p/id/statement/ga-2026-06-30/NOBODY> a r2p:Statement ;
    rdfs:label "A statement by nobody known"@en ;
    r2p:deliveredBy "Denmark" ;
    r2p:atMeeting <https://w3id.org/r2p/id/meeting/ga-2026-06-30> ;
    dcterms:source <https://example.org/xxx> .
"""

SYNTAX_ERROR = """\
@prefix r2p: <https://w3id.org/r2p/def#> .

<https://w3id.org/r2p/id/x> a r2p:Statement ;
    r2p:deliveredBy <https://w3id.org/r2p/id/state/DNK>
    this line breaks the file .
"""


@dataclass
class Installed:
    wheel: Path
    bin: Path
    home: Path

    def run(self, *args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("R2P_", "PYTHON"))}
        env.update(HOME=str(self.home), XDG_CACHE_HOME=str(self.home / ".cache"))
        return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The project built as a wheel and installed (not editable) into a fresh venv."""
    work = tmp_path_factory.mktemp("install")
    # Built from a copy of what a clone holds: an in-tree build would reuse a stale build/.
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    skip = shutil.ignore_patterns("__pycache__")
    for folder in ("r2p_graph", "ontology", "data"):
        shutil.copytree(ROOT / folder, source / folder, ignore=skip)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = work.glob("r2p_graph-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    home = work / "home"
    home.mkdir()
    return Installed(wheel=wheel, bin=venv / "bin", home=home)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder that is not a checkout: a user's own data repository."""
    (tmp_path / "data").mkdir()
    return tmp_path


def test_the_wheel_carries_ontology_shapes_rules_and_data(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    bundled = "r2p_graph/bundled/"
    for path in (
        "ontology/r2p.ttl",
        "ontology/shapes/statements.ttl",
        "ontology/rules/took-part-in.rq",
        "data/meetings/2012.ttl",
        "data/reference/states.ttl",
        "data/vocabularies/schemes.ttl",
        "data/sources/sources.ttl",
    ):
        assert bundled + path in names, path
    # Every ontology and data file of the checkout, and nothing else of it (no tests).
    for folder in ("ontology", "data"):
        for path in (ROOT / folder).rglob("*.ttl"):
            assert bundled + str(path.relative_to(ROOT)) in names, path
    assert not any(n.startswith("tests/") for n in names)


def test_version_names_the_bundled_data(installed: Installed, elsewhere: Path) -> None:
    out = installed.run("r2p-graph", "--version", cwd=elsewhere)
    assert out.returncode == 0, out.stderr
    assert "bundled with the package" in out.stdout
    assert "site-packages/r2p_graph/bundled/data" in out.stdout


def test_the_installed_commands_work_from_any_folder(installed: Installed, elsewhere: Path) -> None:
    validate = installed.run("r2p-graph", "validate", cwd=elsewhere)
    assert validate.returncode == 0, validate.stdout[-2000:] + validate.stderr[-2000:]
    assert "0 violation(s)" in validate.stdout
    build = installed.run("r2p-graph", "build", "--out", "out.trig", cwd=elsewhere)
    assert build.returncode == 0, build.stderr[-2000:]
    assert (elsewhere / "out.trig").stat().st_size > 100_000
    query = installed.run(
        "r2p-graph",
        "query",
        "--format",
        "csv",
        "SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/r2p/def#Meeting> }",
        cwd=elsewhere,
    )
    assert query.returncode == 0, query.stderr
    assert int(query.stdout.split()[-1]) >= 16
    stats = installed.run("r2p-graph", "stats", "--json", cwd=elsewhere)
    assert stats.returncode == 0 and '"triples"' in stats.stdout
    # The build cache is the user's, never site-packages.
    assert list((installed.home / ".cache" / "r2p-graph" / "build").glob("dataset-*.nq"))


def test_the_installed_server_serves_the_bundled_dataset(
    installed: Installed, elsewhere: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [str(installed.bin / "r2p-graph"), "serve", "--port", str(port)],
        cwd=elsewhere,
        env=installed.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:  # poll until the server is ready
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                if requests.get(url + "/ready", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the installed server did not get ready"
            time.sleep(0.2)
        answer = requests.get(
            url + "/sparql",
            params={"query": "ASK { ?s a <https://w3id.org/r2p/def#Statement> }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "bundled with the package" in err


# ------------------------------------------------------------------ the pre-commit hook


def hook_command() -> list[str]:
    """The hook's command line as pre-commit builds it: its entry, then its args (a user's
    .pre-commit-config.yaml may replace them; the default is the ``data/`` folder)."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "r2p-graph-validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    # Without args the command would validate the bundled dataset, not the user's data.
    assert hook["args"] == ["data/"]
    return [*shlex.split(hook["entry"]), *hook["args"]]


def test_hook_passes_valid_data(installed: Installed, elsewhere: Path) -> None:
    (elsewhere / "data" / "2026.ttl").write_text(VALID)
    out = installed.run(*hook_command(), cwd=elsewhere)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "conforms: 0 violation(s)" in out.stdout


def test_hook_fails_a_violation_naming_focus_node_and_file(
    installed: Installed, elsewhere: Path
) -> None:
    (elsewhere / "data" / "2026.ttl").write_text(VALID)
    (elsewhere / "data" / "bad.ttl").write_text(VIOLATION)
    out = installed.run(*hook_command(), cwd=elsewhere)
    assert out.returncode == 1, out.stdout[-3000:] + out.stderr[-2000:]
    assert "<https://w3id.org/r2p/id/statement/ga-2026-06-30/NOBODY>" in out.stdout
    assert "data/bad.ttl" in out.stdout and "deliveredBy" in out.stdout


def test_hook_fails_a_syntax_error_naming_file_and_line(
    installed: Installed, elsewhere: Path
) -> None:
    (elsewhere / "data" / "broken.ttl").write_text(SYNTAX_ERROR)
    out = installed.run(*hook_command(), cwd=elsewhere)
    assert out.returncode == 2, out.stdout[-3000:] + out.stderr[-2000:]
    assert "data/broken.ttl:5" in out.stderr or "data/broken.ttl:4" in out.stderr, out.stderr
