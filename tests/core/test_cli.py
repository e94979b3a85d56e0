"""The r2p-graph command line: exit codes, report formats, build output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from rdflib import Dataset, Graph

from r2p_graph.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("R2P_CACHE_DIR", str(cache))
    return cache


def break_start_date(data_copy: Path) -> Path:
    path = data_copy / "meetings" / "2012.ttl"
    text = path.read_text(encoding="utf-8")
    line = '    schema:startDate "2012-09-05"^^xsd:date ;\n'
    assert line in text
    path.write_text(text.replace(line, ""), encoding="utf-8")
    return path


def test_validate_data_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "conforms: 0 violation(s)" in capsys.readouterr().out


def test_validate_names_focus_node_and_file(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = break_start_date(data_copy)
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "Violation: <https://w3id.org/r2p/id/meeting/ga-2012-09-05>" in out
    assert str(path) in out
    assert "schema.org/startDate" in out


def test_validate_syntax_error_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\nex:f ex:g ex:h .\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "syntax error" in err


def test_validate_missing_path_is_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "nope.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_validate_formats(
    data_copy: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    break_start_date(data_copy)
    assert main(["validate", str(data_copy), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False and report["violations"] >= 1
    finding = next(f for f in report["findings"] if f["severity"] == "Violation")
    assert {"focus_node", "path", "message", "component", "file"} <= set(finding)

    assert main(["validate", str(data_copy), "--format", "junit"]) == 1
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None and int(suite.get("failures", "0")) >= 1
    failures = suite.findall("testcase/failure")
    assert failures and any(
        "ga-2012-09-05" in (c.get("name") or "") for c in suite.findall("testcase")
    )

    out = tmp_path / "report.ttl"
    assert main(["validate", str(data_copy), "--format", "turtle", "--output", str(out)]) == 1
    g = Graph().parse(out)
    assert len(g) > 0


def test_build_writes_trig_atomically(
    tmp_path: Path, isolated_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r2p.trig"
    assert main(["build", "--out", str(out)]) == 0
    ds = Dataset()
    ds.parse(out, format="trig")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert "https://w3id.org/r2p/graph/inferred" in names
    assert "triples" in capsys.readouterr().err
    assert main(["build", "--out", str(tmp_path / "r2p.txt")]) == 2


def test_build_refuses_invalid_data(tmp_path: Path, data_copy: Path, isolated_cache: Path) -> None:
    break_start_date(data_copy)
    out = tmp_path / "r2p.nq"
    assert main(["build", "--out", str(out), "--data-dir", str(data_copy)]) == 1
    assert not out.exists()


def test_query_and_stats(
    isolated_cache: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    q = (
        "PREFIX r2p: <https://w3id.org/r2p/def#> "
        "SELECT ?n WHERE { ?t r2p:participantKind "
        "<https://w3id.org/r2p/id/participant-kind/member-state> ; "
        "r2p:reportedCount ?n . <https://w3id.org/r2p/id/meeting/ga-2012-09-05> r2p:hasTally ?t }"
    )
    assert main(["query", q, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [r["n"]["value"] for r in rows] == ["58"]
    assert main(["query", q]) == 0
    assert "58" in capsys.readouterr().out
    qfile = tmp_path / "q.rq"
    qfile.write_text(q, encoding="utf-8")
    assert main(["query", f"@{qfile}", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "58"]
    assert main(["query", "SELECT WHERE {"]) == 1
    assert "syntax error" in capsys.readouterr().err
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["triples"] == sum(stats["graphs"].values()) > 1000
    assert stats["classes"]["https://w3id.org/r2p/def#Meeting"] >= 1


def test_console_script_exit_codes(tmp_path: Path) -> None:
    """The installed entry point, as CI and pre-commit call it."""
    exe = shutil.which("r2p-graph", path=str(Path(sys.executable).parent))
    assert exe, "r2p-graph console script is not installed"
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    proc = subprocess.run([exe, "validate", str(bad)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and str(bad) in proc.stderr
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "r2p-graph" in proc.stdout


def test_inconsistent_data_is_a_clear_error(
    data_copy: Path, tmp_path: Path, isolated_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A regional organization given a country code becomes a State by the property's
    domain, which the ontology declares disjoint: the build stops with a message."""
    (data_copy / "inconsistent.ttl").write_text(
        "@prefix r2p: <https://w3id.org/r2p/def#> .\n"
        "<https://w3id.org/r2p/id/org/gcr2p> r2p:countryCode \"GCR\" .\n",
        encoding="utf-8",
    )
    out = tmp_path / "r2p.nq"
    code = main(["build", "--out", str(out), "--data-dir", str(data_copy)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "error:" in err
    assert not out.exists()


# --------------------------------------------------------------------- the data folder


def test_data_folder_is_given_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder"
    for argv in (["--data", str(missing), "validate"], ["validate", "--data", str(missing)]):
        assert main(argv) == 2
        assert f"{missing}: no such file or folder" in capsys.readouterr().err


def test_version_says_which_data_folder_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit):
        main(["--version"])
    assert f"data: {ROOT / 'data'} (the checkout in the working folder)" in capsys.readouterr().out
    monkeypatch.setenv("R2P_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit):
        main(["--version"])
    assert f"data: {tmp_path} (given by --data or R2P_DATA_DIR)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "path", sorted((ROOT / "data" / "meetings").glob("*.ttl")), ids=lambda p: p.name
)
def test_each_meeting_file_validates_on_its_own(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the vocabularies, reference data and sources as background, as a maintainer
    checks the one file they are editing."""
    assert main(["validate", str(path)]) == 0, capsys.readouterr().out[-3000:]
