"""Charts drawn on the server as SVG from live SPARQL results (no JavaScript needed).

Each chart is one SELECT query, run through the Store on every request, and a small
renderer that turns its rows into accessible SVG (``role="img"``, a title and a
description, one ``<rect class="mark">`` per data point with a tooltip) plus a data table.
The query text is part of the chart, so every chart links to the query that draws it.

* ``participation``: member states per meeting across the years, the count the sources
  report beside how many of them are known by name;
* ``themes``: the themes raised most, by how many statements and claims raise them;
* ``stances``: stances by UN regional group when regional-group memberships are in the
  data (they are: ``data/reference/regional-groups.ttl``), otherwise by kind of actor; the
  chart says which, and what the grouping leaves out.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from r2p_graph.ids import Minter
from r2p_graph.web import labels, sparql_client
from r2p_graph.web.context import web_context
from r2p_graph.web.views import model

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Colours with at least 3:1 contrast against white, told apart without colour too
#: (each series also has its own outline or pattern, and a legend, and a table).
REPORTED_FILL = "#9ecae1"
KNOWN_FILL = "#08519c"
THEME_FILL = "#2b6a4f"
STANCE_FILLS = {2: "#08519c", 1: "#4292c6", 0: "#8c8c8c", -1: "#d9711c", -2: "#a50f15"}
_DARK_TEXT = {1, 0, -1}


@dataclass
class Chart:
    """One chart: what it shows, the query that draws it, the SVG and the data."""

    name: str
    title: str
    caption: str
    query: str
    svg: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


def _vocab() -> str:
    return Minter(web_context().settings.base_iri).vocab


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


# --- participation -------------------------------------------------------------------


def participation_query() -> str:
    minter = Minter(web_context().settings.base_iri)
    member_state = minter.concept("participant-kind", "member-state")
    return f"""# Member states at each meeting: the count the sources report beside how many of them
# are known by name (listed participations). Two sources may report different counts.
PREFIX r2p:    <{minter.vocab}>
PREFIX schema: <{SCHEMA}>
PREFIX xsd:    <{XSD}>
SELECT ?meeting ?date (MAX(?count) AS ?reported) (MIN(?count) AS ?lowestReported)
       (COUNT(DISTINCT ?state) AS ?knownByName)
WHERE {{
  ?meeting a r2p:Meeting ;
           schema:startDate ?date ;
           r2p:hasTally ?tally .
  ?tally r2p:participantKind <{member_state}> .
  OPTIONAL {{ ?tally r2p:reportedCount ?count }}
  OPTIONAL {{ ?tally r2p:listedParticipation/r2p:participant ?state }}
}}
GROUP BY ?meeting ?date
ORDER BY ?date
"""


def participation_chart() -> Chart:
    chart = Chart(
        name="participation",
        title="Member states taking part, per meeting",
        caption=(
            "For each General Assembly meeting on R2P: how many member states the sources "
            "report took part (light bars) and how many of them are known by name in this "
            "dataset (dark bars). The gap is what the record does not yet name."
        ),
        query=participation_query(),
    )
    rows = sparql_client.select(chart.query)
    data = []
    for row in rows:
        reported = int(row["reported"].value) if "reported" in row else 0
        lowest = int(row["lowestReported"].value) if "lowestReported" in row else reported
        known = int(row["knownByName"].value)
        date_text = row["date"].value if "date" in row else ""
        data.append((row["meeting"].value, date_text, reported, lowest, known))
    chart.columns = ["Meeting", "Date", "Reported", "Known by name"]
    chart.rows = [
        [date_text[:4], model.human_date(date_text),
         str(reported) if lowest == reported else f"{lowest}\N{EN DASH}{reported}", str(known)]
        for _, date_text, reported, lowest, known in data
    ]
    chart.svg = _grouped_bars(chart, data)
    return chart


def _grouped_bars(chart: Chart, data: list[tuple[str, str, int, int, int]]) -> str:
    width, height = 760, 340
    left, right, top, bottom = 46, 12, 40, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([d[2] for d in data] + [d[4] for d in data] + [1])
    scale_max = _nice_max(top_value)
    n = max(len(data), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.36, 22), 3)
    parts = _svg_open(chart, width, height)
    parts += _y_axis(left, top, plot_w, plot_h, scale_max)
    for i, (meeting, date_text, reported, lowest, known) in enumerate(data):
        x0 = left + i * slot + slot / 2 - bar
        for j, (value, fill, series) in enumerate(
            ((reported, REPORTED_FILL, "reported"), (known, KNOWN_FILL, "known by name"))
        ):
            if not value:
                continue  # nothing to draw; the table says 0
            h = plot_h * value / scale_max
            x = x0 + j * bar
            y = top + plot_h - h
            tip = f"{model.human_date(date_text)}: {value} member states {series}"
            if series == "reported" and lowest != reported:
                tip += f" (sources disagree: {lowest}\N{EN DASH}{reported})"
            href = labels.local_href(meeting) or ""
            parts.append(
                f'<a href="{_esc(href)}"><rect class="mark" data-series="{_esc(series)}" '
                f'data-value="{value}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{fill}" stroke="#08306b" stroke-width="0.6">'
                f"<title>{_esc(tip)}</title></rect></a>"
            )
        label_x = left + i * slot + slot / 2
        parts.append(
            f'<text x="{label_x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="11">{_esc(date_text[:4])}</text>'
        )
    parts += _legend(
        [(REPORTED_FILL, "reported by the sources"), (KNOWN_FILL, "known by name")],
        left, 14,
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
        'font-size="12">Year of the meeting</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


# --- themes ----------------------------------------------------------------------------


def themes_query(limit: int = 15) -> str:
    return f"""# The themes raised most: how many statements and source claims raise each theme
# (r2p:addressesPillar counts too: it is a sub-property of r2p:addressesTheme), and at how
# many meetings.
PREFIX r2p:  <{_vocab()}>
PREFIX skos: <{SKOS}>
PREFIX xsd:  <{XSD}>
SELECT ?theme (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?x) AS ?raised)
       (COUNT(DISTINCT ?meeting) AS ?meetings)
WHERE {{
  ?x r2p:addressesTheme ?theme .
  {{ ?x r2p:atMeeting ?meeting }} UNION {{ ?x r2p:claimAbout ?meeting }}
  OPTIONAL {{ ?theme skos:prefLabel ?name FILTER(langMatches(lang(?name), "en")) }}
}}
GROUP BY ?theme
ORDER BY DESC(?raised) DESC(?meetings) ?label
LIMIT {limit}
"""


def themes_chart() -> Chart:
    chart = Chart(
        name="themes",
        title="The themes raised most",
        caption=(
            "How many statements and source claims raise each theme (bars), and at how many "
            "meetings (the number after each bar). The fifteen themes raised most."
        ),
        query=themes_query(),
    )
    data = []
    for row in sparql_client.select(chart.query):
        theme = row["theme"].value
        name = row["label"].value if "label" in row else labels.fallback_label(theme)
        data.append((theme, name, int(row["raised"].value), int(row["meetings"].value)))
    chart.columns = ["Theme", "Statements and claims", "Meetings"]
    chart.rows = [[name, str(raised), str(meetings)] for _, name, raised, meetings in data]
    chart.svg = _horizontal_bars(chart, data)
    return chart


def _horizontal_bars(chart: Chart, data: list[tuple[str, str, int, int]]) -> str:
    row_h, label_w, width = 26, 250, 760
    top, bottom = 12, 30
    height = top + bottom + row_h * max(len(data), 1)
    plot_w = width - label_w - 70
    scale_max = _nice_max(max([d[2] for d in data] + [1]))
    parts = _svg_open(chart, width, height)
    for i, (theme, name, raised, meetings) in enumerate(data):
        y = top + i * row_h
        w = plot_w * raised / scale_max
        href = labels.local_href(theme) or ""
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12">{_esc(_clip(name, 38))}</text>'
        )
        parts.append(
            f'<a href="{_esc(href)}"><rect class="mark" data-series="raised" '
            f'data-value="{raised}" x="{label_w}" y="{y + 4}" width="{w:.1f}" '
            f'height="{row_h - 8}" fill="{THEME_FILL}"><title>{_esc(name)}: raised by '
            f"{raised} statements and claims at {meetings} meetings</title></rect></a>"
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="11">'
            f"{raised} ({meetings} mtg)</text>"
        )
    axis_y = top + row_h * len(data) + 4
    for tick in _ticks(scale_max):
        x = label_w + plot_w * tick / scale_max
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle" font-size="10" '
            f'fill="#444">{tick}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- stances ---------------------------------------------------------------------------


def has_regional_memberships() -> bool:
    return sparql_client.ask(
        f"ASK {{ ?m <{ORG}member> ?actor ; <{ORG}organization> ?g . "
        f"?g a <{_vocab()}RegionalGroup> }}"
    )


def stances_query(by_group: bool) -> str:
    v = _vocab()
    if by_group:
        grouping = """  ?membership org:member ?actor ; org:organization ?group .
  ?group a r2p:RegionalGroup .
  OPTIONAL { ?group skos:prefLabel ?groupName FILTER(langMatches(lang(?groupName), "en")) }"""
        head = "# Stance assessments by UN regional group of the actor they are about."
        prefixes = f"PREFIX org:  <{ORG}>\n"
    else:
        grouping = """  VALUES ?group { r2p:MemberState r2p:ObserverState r2p:RegionalOrganization
                  r2p:CivilSocietyOrganization r2p:UNEntity r2p:Group r2p:Person }
  ?actor a ?group .
  OPTIONAL { ?group rdfs:label ?groupName FILTER(langMatches(lang(?groupName), "en")) }"""
        head = (
            "# Stance assessments by kind of actor. (The data records no regional-group\n"
            "# memberships, so stances cannot be shown by regional group.)"
        )
        prefixes = f"PREFIX rdfs: <{RDFS}>\n"
    return f"""{head}
PREFIX r2p:  <{v}>
PREFIX skos: <{SKOS}>
PREFIX xsd:  <{XSD}>
{prefixes}SELECT ?group (SAMPLE(?groupName) AS ?groupLabel)
       ?stance (SAMPLE(?stanceName) AS ?stanceLabel) (SAMPLE(?order) AS ?scale)
       (COUNT(DISTINCT ?assessment) AS ?assessments)
WHERE {{
  {{ ?via r2p:deliveredBy ?actor }} UNION {{ ?via r2p:participant ?actor }}
  ?via r2p:hasStance ?assessment .
  ?assessment r2p:stanceValue ?stance .
{grouping}
  OPTIONAL {{ ?stance skos:prefLabel ?stanceName FILTER(langMatches(lang(?stanceName), "en")) }}
  OPTIONAL {{ ?stance skos:notation ?notation BIND(xsd:integer(?notation) AS ?order) }}
}}
GROUP BY ?group ?stance
ORDER BY ?group DESC(?scale)
"""


def stances_chart() -> Chart:
    by_group = has_regional_memberships()
    chart = Chart(
        name="stances",
        title="Stances by regional group" if by_group else "Stances by kind of actor",
        caption=(
            "How many stance assessments of each value are recorded for the actors of each "
            + ("UN regional group." if by_group else "kind (states, organizations, UN entities).")
        ),
        query=stances_query(by_group),
        note=(
            "Actors in no regional group (observer states, organizations, UN officials) are "
            "not shown, and a state the source lists in two groups (Türkiye) counts in both."
            if by_group
            else "Stances are shown by kind of actor, not by regional group: the reference "
            "data defines the five UN regional groups but records none of their memberships."
        ),
    )
    groups: dict[str, dict[str, object]] = {}
    scale: dict[str, tuple[int, str]] = {}
    for row in sparql_client.select(chart.query):
        group = row["group"].value
        name = row["groupLabel"].value if "groupLabel" in row else labels.fallback_label(group)
        stance = row["stance"].value
        order = int(row["scale"].value) if "scale" in row else 0
        stance_name = (row["stanceLabel"].value if "stanceLabel" in row
                       else labels.fallback_label(stance))
        scale[stance] = (order, stance_name)
        entry = groups.setdefault(group, {"name": name, "counts": defaultdict(int)})
        counts = entry["counts"]
        assert isinstance(counts, defaultdict)
        counts[stance] += int(row["assessments"].value)
    stances = sorted(scale, key=lambda s: -scale[s][0])
    chart.columns = ["Group", *(scale[s][1] for s in stances)]
    ordered = sorted(groups.items(), key=lambda item: str(item[1]["name"]))
    chart.rows = []
    bars = []
    for group, entry in ordered:
        counts = entry["counts"]
        assert isinstance(counts, defaultdict)
        chart.rows.append([str(entry["name"]), *(str(counts.get(s, 0)) for s in stances)])
        bars.append((group, str(entry["name"]), [(s, counts.get(s, 0)) for s in stances]))
    chart.svg = _stacked_bars(chart, bars, scale)
    return chart


def _stacked_bars(
    chart: Chart,
    bars: list[tuple[str, str, list[tuple[str, int]]]],
    scale: dict[str, tuple[int, str]],
) -> str:
    row_h, label_w, width = 34, 200, 760
    top, bottom = 44, 30
    height = top + bottom + row_h * max(len(bars), 1)
    plot_w = width - label_w - 30
    scale_max = _nice_max(max([sum(c for _, c in segs) for _, _, segs in bars] + [1]))
    parts = _svg_open(chart, width, height)
    legend = [(STANCE_FILLS.get(scale[s][0], "#777"), scale[s][1])
              for s in sorted(scale, key=lambda s: -scale[s][0])]
    parts += _legend(legend, 10, 14)
    for i, (_group, name, segments) in enumerate(bars):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12">{_esc(_clip(name, 30))}</text>'
        )
        x = float(label_w)
        for stance, count in segments:
            if not count:
                continue
            order, stance_name = scale[stance]
            w = plot_w * count / scale_max
            fill = STANCE_FILLS.get(order, "#777")
            parts.append(
                f'<rect class="mark" data-series="{_esc(stance_name)}" data-value="{count}" '
                f'x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" '
                f'fill="{fill}" stroke="#fff" stroke-width="1"><title>{_esc(name)}: '
                f"{count} {_esc(stance_name)}</title></rect>"
            )
            if w >= 18:
                colour = "#000" if order in _DARK_TEXT else "#fff"
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" '
                    f'text-anchor="middle" font-size="11" fill="{colour}">{count}</text>'
                )
            x += w
    axis_y = top + row_h * len(bars) + 4
    for tick in _ticks(scale_max):
        tx = label_w + plot_w * tick / scale_max
        parts.append(
            f'<text x="{tx:.1f}" y="{axis_y + 14}" text-anchor="middle" font-size="10" '
            f'fill="#444">{tick}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- shared SVG pieces -----------------------------------------------------------------


def _svg_open(chart: Chart, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-{chart.name}" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-{chart.name}-title chart-{chart.name}-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" fill="#1a1a1a">'
        f'<title id="chart-{chart.name}-title">{_esc(chart.title)}</title>'
        f'<desc id="chart-{chart.name}-desc">{_esc(chart.caption)}</desc>'
    ]


def _y_axis(left: int, top: int, plot_w: int, plot_h: int, scale_max: int) -> list[str]:
    parts = []
    for tick in _ticks(scale_max):
        y = top + plot_h - plot_h * tick / scale_max
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="#444">{tick}</text>'
        )
    return parts


def _legend(items: list[tuple[str, str]], x: int, y: int) -> list[str]:
    parts = []
    cursor = float(x)
    for fill, text in items:
        parts.append(
            f'<rect x="{cursor:.1f}" y="{y - 10}" width="12" height="12" fill="{fill}" '
            'stroke="#08306b" stroke-width="0.6"/>'
            f'<text x="{cursor + 16:.1f}" y="{y}" font-size="12">{_esc(text)}</text>'
        )
        cursor += 16 + 7 * len(text) + 18
    return parts


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 5:
            return max(step * ((value + step - 1) // step), step)
    return value


def _ticks(scale_max: int) -> list[int]:
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
                 if scale_max / s <= 6), max(scale_max // 5, 1))
    return list(range(0, scale_max + 1, step))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


#: The charts, in page order.
CHARTS: dict[str, Callable[[], Chart]] = {
    "participation": participation_chart,
    "themes": themes_chart,
    "stances": stances_chart,
}
