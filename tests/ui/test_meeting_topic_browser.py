"""Issue 14, item 6, in Chromium at 1280 px and 390 px: a meeting's page has a table of
contents, lists each participant once, keeps its headings in order, puts statements before
what sources say about the meeting, stays measured and never scrolls sideways; a topic's
page lists statements grouped by meeting, each dated, then what sources say, then its
documents. No timing assertions."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.ui.conftest import LiveSite, fits, shot

pytestmark = [pytest.mark.xdist_group("ui"), pytest.mark.slow]

MEETING = "/id/meeting/ga-2012-09-05"
#: Before issue 14 the 2012 meeting page was ~9,400 px tall at 1280 px: at most about half
#: now (4,800 px), plus the note of where its sources disagree that the record keeps and the
#: page shows since issue 12 (a section and its entry on the page: ~200 px, ~4,870 in all).
MAX_HEIGHT_1280 = 5000

HEADING_LEVELS = "[...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5,"\
    " main h6')].map(h => Number(h.tagName[1]))"


def headings_in_order(page: Any) -> None:
    levels = page.evaluate(HEADING_LEVELS)
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}: {levels}"


def test_meeting_page_reads_top_to_bottom(tab: Any, live_site: LiveSite) -> None:
    tab.goto(f"{live_site.url}{MEETING}")
    toc = tab.locator("nav.toc a")
    assert toc.count() >= 5
    for i in range(toc.count()):
        target = toc.nth(i).get_attribute("href")
        assert target and tab.locator(target).count() == 1, target
    headings_in_order(tab)
    names = tab.evaluate(
        "[...document.querySelectorAll('#participants-h ~ section ul.participants .who a')]"
        ".map(a => a.getAttribute('href'))")
    assert len(names) >= 12
    assert len(names) == len(set(names)), "a participant is listed twice"
    for name in ("United Kingdom", "Cuba", "Jan Eliasson", "Ban Ki-moon"):
        assert tab.locator("ul.participants a", has_text=name).count() == 1, name
    order = tab.evaluate(
        "[...document.querySelectorAll('main h2')].map(h => h.id)")
    assert order.index("statements-h") < order.index("claims-h") < order.index("documents-h")
    summary = tab.locator(".tally-summary").first.inner_text()
    assert "58 reported" in summary and "12 known by name" in summary and "partial" in summary
    assert tab.locator("a[type='application/ld+json']").count() >= 1
    fits(tab)
    height = tab.evaluate("document.documentElement.scrollHeight")
    if tab.width_name == "desktop":
        assert height <= MAX_HEIGHT_1280, f"the meeting page is {height}px tall"
    shot(tab, "meeting-2012-issue14")


def test_stances_by_year_chart_draws_and_its_query_runs(
    tab: Any, live_site: LiveSite,
) -> None:
    tab.goto(f"{live_site.url}/charts")
    chart = tab.locator("svg#chart-stances-by-year")
    assert chart.count() == 1
    marks = chart.locator("rect.mark")
    assert marks.count() > 0
    box = marks.first.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    labels = chart.evaluate("svg => [...svg.querySelectorAll('text')].map(t => t.textContent)")
    assert any("dataset editors" in t for t in labels) and any("GCR2P" in t for t in labels)
    assert not any(t.endswith("\N{HORIZONTAL ELLIPSIS}") for t in labels), labels
    raw = tab.locator("#stances-by-year .chart-links a", has_text="its raw results")
    response = tab.request.get(raw.get_attribute("href"),
                               headers={"Accept": "application/sparql-results+json"})
    assert response.ok
    assert len(response.json()["results"]["bindings"]) > 0
    assert tab.locator("#stances-by-year a.query-link").get_attribute("href").startswith(
        f"{live_site.url}/query?query=")
    fits(tab)


TOPIC_SECTIONS = ["statements-h", "claims-h", "documents-h"]


@pytest.mark.parametrize("path", ["/id/pillar/3", "/id/theme/use-of-force"])
def test_topic_page_groups_statements_by_meeting(
    tab: Any, live_site: LiveSite, path: str,
) -> None:
    tab.goto(f"{live_site.url}{path}")
    order = tab.evaluate("[...document.querySelectorAll('main h2')].map(h => h.id)")
    assert [h for h in order if h in TOPIC_SECTIONS] == TOPIC_SECTIONS, order
    assert order.index("toc-h") < order.index("statements-h")
    toc = tab.locator("nav.toc a")
    for i in range(toc.count()):
        target = toc.nth(i).get_attribute("href")
        assert target and tab.locator(target).count() == 1, target
    headings_in_order(tab)
    groups = tab.locator("section.topic-meeting")
    assert groups.count() >= 1
    dates = []
    for i in range(groups.count()):
        group = groups.nth(i)
        heading = group.locator("h3")
        assert heading.locator("a[href*='/id/meeting/']").count() == 1
        dates.append(heading.locator("time").get_attribute("datetime"))
        assert group.locator("li.statement-card a.record[href*='/id/statement/']").count() >= 1
    assert all(dates) and dates == sorted(dates), dates
    claims = tab.locator("#claims-h ~ ol.claims > li")
    for i in range(claims.count()):
        assert claims.nth(i).locator("time[datetime]").count() == 1
    fits(tab)
    shot(tab, "topic-" + path.strip("/").replace("/", "-"))


def test_pillar_page_has_more_groups_than_one(tab: Any, live_site: LiveSite) -> None:
    tab.goto(f"{live_site.url}/id/pillar/3")
    assert tab.locator("section.topic-meeting").count() >= 5
    assert tab.locator("#documents-h ~ ul.documents li .date").count() >= 1


def test_theme_page_lists_a_statement_under_its_meeting(client: FlaskClient) -> None:
    html = client.get("/id/theme/use-of-force", headers={"Accept": "text/html"}).text
    groups = html.split('<section class="topic-meeting"')[1:]
    (group,) = [g for g in groups if "/id/meeting/ga-2012-09-05\"" in g.split("</h3>")[0]]
    heading = group.split("</h3>")[0]
    assert "Fourth informal interactive dialogue" in heading
    assert 'datetime="2012-09-05"' in heading and "5 September 2012" in heading
    assert "/id/statement/ga-2012-09-05/president-of-the-general-assembly" in group
    assert "Nassir Abdulaziz Al-Nasser" in group
    # Sections in order, each with its count; an empty one says so.
    at = [html.index(f'id="{h}"') for h in TOPIC_SECTIONS]
    assert at == sorted(at)
    assert "What sources say (3 claims)" in html
    assert "No UN document in the record concerns it; the record is partial." in html
