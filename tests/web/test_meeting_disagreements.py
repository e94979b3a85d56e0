"""Where sources disagree is what the record notes (issue 12): a meeting page shows every
r2p:SourceDisagreement about the meeting, each account with its value and its numbered
source, and never infers a disagreement from two counts that differ; nor does the
participation chart's tooltip.

The app is asked through the test client over a real store: the 2013 meeting from data/
(two member-state tallies, 68 and 69, with the note that links them), and a small fixture
(tests/web/data/disagreement.ttl) of two meetings that both count 58 and 60, one with the
note and one without.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import DATA, ROOT, AppServer, app_server

pytestmark = pytest.mark.xdist_group("meeting-disagreements")

MEETING_2013 = "/id/meeting/ga-2013-09-11"
GCR2P_NEWS = ("https://www.globalr2p.org/publications/united-nations-general-assembly-holds-"
              "successful-fifth-dialogue-on-the-responsibility-to-protect/")
GCR2P_SUMMARY = "http://www.globalr2p.org/publications/267"


def _files(year: int) -> list[Path]:
    data = ROOT / "data"
    return [
        data / "meetings" / f"{year}.ttl",
        *sorted((data / "reference").glob("*.ttl")),
        *sorted((data / "vocabularies").glob("*.ttl")),
        *sorted((data / "sources").glob("*.ttl")),
        ROOT / "ontology" / "r2p.ttl",
    ]


@pytest.fixture(scope="module")
def record_2013() -> Iterator[AppServer]:
    with app_server(_files(2013)) as app:
        yield app


@pytest.fixture(scope="module")
def record_2014() -> Iterator[AppServer]:
    with app_server(_files(2014)) as app:
        yield app


@pytest.fixture(scope="module")
def small() -> Iterator[AppServer]:
    with app_server([DATA / "disagreement.ttl"]) as app:
        yield app


def _page(app: AppServer, path: str) -> str:
    answer = app.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _disagree_section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="disagree-h">(.*?)</section>', page, re.S)
    assert found, "the page has no 'Where sources disagree' section"
    return found.group(1)


def _notes(section: str) -> dict[str, list[tuple[str, list[int]]]]:
    """Each note's label -> its accounts as (text, source numbers)."""
    notes = {}
    for note in re.split(r'<li id="disagree-\d+">', section)[1:]:
        label = re.search(r'<span class="what">(.*?)</span>', note, re.S)
        assert label, note[:200]
        accounts = [
            (_text(li), [int(n) for n in re.findall(r'href="#src-(\d+)"', li)])
            for li in re.findall(r"<li>(.*?)</li>", note, re.S)
        ]
        notes[_text(label.group(1))] = accounts
    return notes


def _cited(page: str) -> dict[int, str]:
    """The numbered list of sources cited: number -> the link's href."""
    return {
        int(n): href
        for n, href in re.findall(r'<li id="src-(\d+)"><a href="([^"]+)"', page)
    }


def _tips(app: AppServer) -> list[str]:
    answer = app.get("/charts/participation.svg")
    assert answer.status_code == 200
    return [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", answer.text)]


def test_2013_page_shows_the_recorded_disagreements_with_values_and_sources(
    record_2013: AppServer,
) -> None:
    page = _page(record_2013, MEETING_2013)
    notes = _notes(_disagree_section(page))
    assert "Where sources disagree (2)" in _text(page)
    # Both notes the record keeps about the meeting, under their own labels.
    participants = next(k for k in notes if k.startswith("Member states that took part"))
    assert any(k.startswith("States that addressed a national R2P Focal Point") for k in notes)
    # Each account: its value on r2p:reportedCount, its quoted words, and its own source,
    # numbered in the page's list of sources cited.
    accounts = notes[participants]
    assert len(accounts) == 2
    cited = _cited(page)
    by_value = {}
    for text, numbers in accounts:
        value = re.match(r"(\d+) \( ?reported count ?\)", text)
        assert value, text
        assert numbers, f"account without a cited source: {text}"
        by_value[value.group(1)] = {cited[n] for n in numbers}
    assert by_value == {"68": {GCR2P_NEWS}, "69": {GCR2P_SUMMARY}}
    assert any("Sixty-eight member states" in text for text, _ in accounts)
    assert any("Sixty-nine member states" in text for text, _ in accounts)
    # The member states' group points to that note rather than deciding for itself.
    start = page.index('id="p-member-state"')
    group = page[start:page.index("</section>", start)]
    pointer = re.search(r'Sources disagree about this count: <a href="#(disagree-\d+)"', group)
    assert pointer, group[:500]
    target = re.search(rf'<li id="{pointer.group(1)}"><span class="what">(.*?)</span>', page)
    assert target and _text(target.group(1)) == participants
    assert "the sources report different counts" not in page


def test_2013_chart_says_the_sources_disagree_from_the_record(record_2013: AppServer) -> None:
    tips = [t for t in _tips(record_2013) if t.startswith("11 September 2013: 69 member states")]
    assert tips == ["11 September 2013: 69 member states reported by the sources "
                    "(sources disagree: 68\N{EN DASH}69)"]


def test_2014_chart_says_the_sources_disagree_on_states_represented(
    record_2014: AppServer,
) -> None:
    """The record notes that two sources count the states represented differently (83 and
    81): the chart's bar and table give both, and say so from the record."""
    tips = [t for t in _tips(record_2014) if "states represented" in t]
    assert tips == ["8 September 2014: 83 states represented by the statements "
                    "(sources disagree: 81\N{EN DASH}83)"]
    page = _text(_page(record_2014, "/charts"))
    assert "2014 8 September 2014 " in page
    assert page.split("2014 8 September 2014 ", 1)[1].split()[1] == "81\N{EN DASH}83"


def test_a_recorded_disagreement_is_shown_with_its_accounts(small: AppServer) -> None:
    page = _page(small, "/id/meeting/ga-2000-01-01")
    notes = _notes(_disagree_section(page))
    assert list(notes) == ["Member states that took part: fifty-eight or sixty"]
    cited = _cited(page)
    accounts = {text.split(" ")[0]: {cited[n] for n in numbers}
                for text, numbers in notes["Member states that took part: fifty-eight or sixty"]}
    assert accounts == {"58": {"https://example.org/summary-2000"},
                        "60": {"https://example.org/press-release-2000"}}
    assert 'href="#disagree-h"' in page  # listed in "On this page"


def test_differing_counts_without_a_record_claim_no_disagreement(small: AppServer) -> None:
    page = _page(small, "/id/meeting/ga-2001-01-01")
    text = _text(page)
    # Both counts are on the page, each with its source ...
    assert "60 reported" in text
    assert set(_cited(page).values()) >= {"https://example.org/summary-2001",
                                          "https://example.org/press-release-2001"}
    # ... but nothing says the sources disagree: the record does not.
    assert "disagree" not in text.lower()
    assert 'id="disagree-h"' not in page


def test_chart_says_disagree_only_where_the_record_does(small: AppServer) -> None:
    tips = [t for t in _tips(small) if "member states reported" in t]
    assert ("1 January 2000: 60 member states reported by the sources "
            "(sources disagree: 58\N{EN DASH}60)") in tips
    assert ("1 January 2001: 60 member states reported by the sources "
            "(counts reported: 58\N{EN DASH}60)") in tips
    assert not any("disagree" in t for t in tips if t.startswith("1 January 2001"))
