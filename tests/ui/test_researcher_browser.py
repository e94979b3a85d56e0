"""Issue 14 in Chromium, at a desktop's width (1280 px) and a phone's (390 px): the search
box suggests as you type, filters apply themselves, the new pages fit a phone, and the
state's profile reads as a timeline. No timing assertions: every wait is for a state."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.ui.conftest import LiveSite, fits, shot

pytestmark = [pytest.mark.xdist_group("ui"), pytest.mark.slow]


def test_search_box_suggests_and_goes_to_the_state(tab: Any, live_site: LiveSite) -> None:
    tab.goto(f"{live_site.url}/")
    tab.fill("#site-search", "cote d'iv")
    option = tab.locator("#site-search-list [role=option]").first
    option.wait_for()
    assert "Côte d" in option.inner_text()
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/id/state/CIV")
    assert tab.inner_text("h1") == "Côte d'Ivoire"
    fits(tab)


def test_search_page_in_another_un_language(tab: Any, live_site: LiveSite) -> None:
    tab.goto(f"{live_site.url}/search?q=Danemark")
    link = tab.locator("ol.hits a").first
    assert link.inner_text() == "Denmark"
    fits(tab)
    shot(tab, "search-danemark")


def test_statements_filter_applies_itself(tab: Any, live_site: LiveSite) -> None:
    tab.goto(f"{live_site.url}/statements")
    total = tab.locator("table.statements tbody tr").count()
    tab.select_option("#f-year", "2012")
    tab.wait_for_url("**/statements?*year=2012*")
    rows = tab.locator("table.statements tbody tr")
    assert 0 < rows.count() < total
    for i in range(rows.count()):
        assert "2012" in rows.nth(i).locator("td").first.inner_text()
    fits(tab)
    shot(tab, "statements-2012")


def test_states_lists_all_and_filters_by_group(tab: Any, live_site: LiveSite) -> None:
    tab.goto(f"{live_site.url}/states")
    assert tab.locator("table.states tbody tr").count() == 195
    tab.select_option("#group-filter", label="African States")
    tab.wait_for_url("**/states?group=*")
    assert tab.locator("table.states tbody tr").count() == 54
    fits(tab)


def test_state_profile_reads_as_a_timeline(tab: Any, live_site: LiveSite) -> None:
    tab.goto(f"{live_site.url}/id/state/CRI")
    assert tab.inner_text("h1") == "Costa Rica"
    years = tab.locator("ol.timeline > li h3 a").all_inner_texts()
    assert years == sorted(years, reverse=True)
    assert tab.locator("ol.timeline > li.is-empty").first.inner_text().count("partial") >= 1
    headings = tab.evaluate(
        "[...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
        ".map(h => Number(h.tagName[1]))"
    )
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings
    fits(tab)
    shot(tab, "state-CRI")
