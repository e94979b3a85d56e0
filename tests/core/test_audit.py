"""`r2p-graph audit`: the audit trail report, and quotations against local copies of sources.

Every test writes its own small data and source files into tmp_path: nothing here reads the
project's shared folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from r2p_graph.audit import normalise
from r2p_graph.cli import main

PREFIXES = """
@prefix r2p: <https://w3id.org/r2p/def#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix src: <https://w3id.org/r2p/id/source/> .
@prefix ex: <https://example.org/id/> .
"""

DATA = (
    PREFIXES
    + """
src:summary a r2p:SourceDocument ;
    schema:url <https://example.org/summary> ;
    r2p:localCopy "sources/summary.txt" .

ex:claim a r2p:MeetingClaim ; r2p:hasQuote ex:quote-found , ex:quote-missing .

ex:quote-found a r2p:Quote ;
    r2p:quotedText '''Only two states – Cuba and Venezuela –
        remained \u201coutright\u201d opponents''' ;
    r2p:quotedFrom src:summary .

ex:quote-by-url a r2p:Quote ;
    r2p:quotedText "fifty-eight member states" ;
    r2p:quotedFrom <https://example.org/summary> .

ex:quote-missing a r2p:Quote ;
    r2p:quotedText "words the summary never printed" ;
    r2p:quotedFrom src:summary .

ex:quote-no-copy a r2p:Quote ;
    r2p:quotedText "a quotation from a page with no local copy" ;
    r2p:quotedFrom <https://example.org/elsewhere> .
"""
)

SOURCE_TEXT = (
    "On 5 September 2012, fifty-eight\nmember states took part.  Only two states - Cuba and "
    'Venezuela -\nremained "outright" opponents of R2P.\n'
)


def _write(tmp_path: Path, data: str) -> tuple[Path, Path]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "record.ttl").write_text(data, encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "summary.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return data_dir, sources


def test_normalise_quotes_dashes_and_whitespace() -> None:
    assert (
        normalise("a \u2018b\u2019 \u201cc\u201d \u2013 d\u2014e\u00a0 f\u2026")
        == "a 'b' \"c\" - d-e f..."
    )


def test_a_quote_not_in_its_source_fails_naming_quote_resource_and_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, sources = _write(tmp_path, DATA)
    code = main(["audit", "--data", str(data_dir), "--sources", str(sources)])
    out = capsys.readouterr().out
    assert code == 1
    assert "NOT FOUND" in out and "words the summary never printed" in out
    assert "https://example.org/id/quote-missing" in out
    assert "https://example.org/id/claim" in out  # the resource that holds the quote
    assert "https://w3id.org/r2p/id/source/summary" in out
    assert "found in their source: 2" in out  # by the source IRI and by its schema:url
    assert "not found: 1" in out


def test_quotes_found_pass_and_a_source_without_copy_is_unchecked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = DATA.replace(
        'r2p:quotedText "words the summary never printed"', 'r2p:quotedText "took part"'
    )
    data_dir, sources = _write(tmp_path, data)
    code = main(["audit", "--data", str(data_dir), "--sources", str(sources)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "not found: 0" in out
    assert "unchecked: 1" in out
    assert "https://example.org/id/quote-no-copy" in out
    assert "found in their source: 3" in out  # the unchecked one is not counted as passed


def test_a_copy_named_by_the_source_slug_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        PREFIXES
        + """
ex:q a r2p:Quote ; r2p:quotedText "Cuba and Venezuela" ; r2p:quotedFrom src:summary .
"""
    )
    data_dir, sources = _write(tmp_path, data)
    assert main(["audit", "--data", str(data_dir), "--sources", str(sources)]) == 0
    assert "found in their source: 1" in capsys.readouterr().out


def test_missing_sources_folder_is_unusable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _sources = _write(tmp_path, DATA)
    code = main(["audit", "--data", str(data_dir), "--sources", str(tmp_path / "nowhere")])
    assert code == 2
    assert "no such folder" in capsys.readouterr().err


def test_report_gives_share_checked_and_latest_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        DATA
        + """
@prefix audit: <https://w3id.org/r2p/id/audit/> .
@prefix verdict: <https://w3id.org/r2p/id/verdict/> .
audit:a a r2p:Audit ; rdfs:label "first"@en ; r2p:sampleSize 3 .
audit:b a r2p:Audit ; rdfs:label "second"@en ; dcterms:date "2026-12-03"^^xsd:date .
audit:a-1 a r2p:FactCheck ; dcterms:isPartOf audit:a ; r2p:checkedFact ex:claim ;
    r2p:checkedAgainst <https://example.org/summary> ; r2p:verdict verdict:mismatch .
audit:b-1 a r2p:FactCheck ; dcterms:isPartOf audit:b ; r2p:checkedFact ex:claim ;
    r2p:checkedAgainst <https://example.org/summary> ; r2p:verdict verdict:match .
audit:b-2 a r2p:FactCheck ; dcterms:isPartOf audit:b ; r2p:checkedFact ex:quote-found ;
    r2p:checkedAgainst src:summary ; r2p:verdict verdict:mismatch .
"""
    )
    data_dir, _sources = _write(tmp_path, data)
    assert main(["audit", "--data", str(data_dir)]) == 0
    out = capsys.readouterr().out
    # 5 facts (the claim and 4 quotations), 2 of them checked
    assert "facts: 5; checked against a source: 2 (40.0%)" in out
    # the claim's latest verdict (dated) is a match; the quotation's is a mismatch
    assert "mismatch: 1" in out or "https://w3id.org/r2p/id/verdict/mismatch: 1" in out
    assert "match: 1" in out
    assert "https://example.org/id/quote-found" in out.split("mismatch:")[-1]
    assert "3 drawn" in out
