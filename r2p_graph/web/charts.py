"""Charts drawn on the server as SVG from live SPARQL results (no JavaScript needed).

Each chart is one SELECT query (``r2p_graph/queries/charts/*.rq``), run through the Store
on every request, and a small view that turns its rows into what an autoescaped SVG
template (``templates/charts/*.svg``) draws: accessible SVG (``role="img"``, a title and a
description, one ``<rect class="mark">`` per data point with a tooltip) plus a data table.
The query text is part of the chart, so every chart links to the query that draws it.

* ``participation``: member states per meeting across the years, the count the sources
  report beside how many of them are known by name; where two sources' counts differ, the
  tooltip says the sources disagree only when the record notes it (an
  ``r2p:SourceDisagreement`` linking the two tallies), and otherwise just gives the range;
* ``themes``: the themes raised most, by how many statements and claims raise them;
* ``stances``: stances by UN regional group when regional-group memberships are in the
  data (they are: ``data/reference/regional-groups.ttl``), otherwise by kind of actor; the
  chart says which, and what the grouping leaves out;
* ``stances-by-year``: stance assessments by year and value, one bar per judge (the
  dataset's editors or a source), from the ``r2p:StanceAssessment`` nodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import render_template

from r2p_graph.web import labels, sparql_client
from r2p_graph.web.views import model

#: Colours with at least 3:1 contrast against white, told apart without colour too
#: (each series also has its own outline or pattern, and a legend, and a table).
REPORTED_FILL = "#9ecae1"
KNOWN_FILL = "#08519c"
REPRESENTED_FILL = "#4292c6"
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


# --- participation -------------------------------------------------------------------


class Participation(NamedTuple):
    """One meeting's bars: the highest and lowest member-state counts reported, how many
    are known by name, the highest and lowest counts of states represented, and whether
    the record notes a disagreement about either count."""

    meeting: str
    date: str
    reported: int
    lowest: int
    known: int
    represented: int
    disagreement_recorded: bool
    lowest_represented: int = 0
    represented_disagreement_recorded: bool = False


def _span(lowest: int, highest: int) -> str:
    """``58``; two counts that differ as a range, ``58-60`` (with an en dash)."""
    return str(highest) if lowest == highest else f"{lowest}\N{EN DASH}{highest}"


def _differing(lowest: int, highest: int, recorded: bool) -> str:
    """What a tooltip adds when the sources' counts differ: that they disagree is the
    record's to say (an r2p:SourceDisagreement), not the chart's."""
    if lowest == highest:
        return ""
    return f" ({'sources disagree' if recorded else 'counts reported'}: {_span(lowest, highest)})"


def participation_query() -> str:
    return sparql_client.query_file("charts/participation")


def participation_chart() -> Chart:
    chart = Chart(
        name="participation",
        title="Member states reported, states represented and known by name, per meeting",
        caption=(
            "For each General Assembly meeting on R2P: how many member states the sources "
            "report (for most meetings, the states that took the floor: light bars), how many "
            "states their statements spoke for, directly or through group statements, where a "
            "source counts it (middle bars), and how many member states this dataset knows by "
            "name (dark bars). A state can be represented without speaking. No meeting was "
            "held in a year marked \u201cno meeting\u201d."
        ),
        query=participation_query(),
    )
    rows = sparql_client.select(chart.query)
    data = []
    for row in rows:
        reported = int(row["reported"].value) if "reported" in row else 0
        lowest = int(row["lowestReported"].value) if "lowestReported" in row else reported
        known = int(row["knownByName"].value)
        represented = int(row["statesRepresented"].value) if "statesRepresented" in row else 0
        fewest = int(row["lowestRepresented"].value) if "lowestRepresented" in row else represented
        date_text = row["date"].value if "date" in row else ""
        data.append(Participation(
            row["meeting"].value, date_text, reported, lowest, known, represented,
            int(row["disagreementsRecorded"].value) > 0, fewest,
            int(row["representedDisagreementsRecorded"].value) > 0))
    chart.columns = ["Meeting", "Date", "Member states reported", "States represented",
                     "Known by name"]
    chart.rows = [
        [d.date[:4], model.human_date(d.date), _span(d.lowest, d.reported),
         _span(d.lowest_represented, d.represented) if d.represented else "not counted",
         str(d.known)]
        for d in data
    ]
    years = sorted({int(d.date[:4]) for d in data if d.date[:4].isdigit()})
    for year in (range(years[0], years[-1] + 1) if years else ()):
        if year not in years:
            chart.rows.append([str(year), "no meeting", "", "", ""])
    chart.rows.sort(key=lambda r: (r[0], r[1]))
    chart.svg = _grouped_bars(chart, data)
    return chart


def _grouped_bars(chart: Chart, data: list[Participation]) -> str:
    width, height = 760, 360
    left, right, top, bottom = 46, 12, 58, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([d.reported for d in data] + [d.known for d in data]
                    + [d.represented for d in data] + [1])
    scale_max = _nice_max(top_value)
    # A year without a meeting keeps its place on the axis, marked "no meeting".
    years = sorted({int(d.date[:4]) for d in data if d.date[:4].isdigit()})
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in years] if years else []
    slots: list[Participation | int] = [*data, *gaps]
    slots.sort(key=lambda d: d[1] if isinstance(d, tuple) else f"{d}-99")
    n = max(len(slots), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.27, 16), 2)
    groups = []
    for i, entry in enumerate(slots):
        if isinstance(entry, int):
            groups.append({"bars": [], "label": str(entry), "gap": "no meeting",
                           "label_x": _f(left + i * slot + slot / 2),
                           "label_y": top + plot_h + 16, "gap_y": _f(top + plot_h - 6)})
            continue
        meeting, date_text, reported, known, represented = (
            entry.meeting, entry.date, entry.reported, entry.known, entry.represented)
        x0 = left + i * slot + slot / 2 - 1.5 * bar
        bars = []
        for j, (value, fill, series) in enumerate(
            ((reported, REPORTED_FILL, "reported"), (represented, REPRESENTED_FILL,
                                                     "states represented"),
             (known, KNOWN_FILL, "known by name"))
        ):
            if not value:
                continue  # nothing to draw; the table says 0
            h = plot_h * value / scale_max
            what = {"reported": "member states reported by the sources",
                    "states represented": "states represented by the statements",
                    "known by name": "member states known by name"}[series]
            tip = f"{model.human_date(date_text)}: {value} {what}"
            if series == "reported":
                tip += _differing(entry.lowest, reported, entry.disagreement_recorded)
            elif series == "states represented":
                tip += _differing(entry.lowest_represented, represented,
                                  entry.represented_disagreement_recorded)
            bars.append({
                "href": labels.local_href(meeting) or "", "series": series, "value": value,
                "x": _f(x0 + j * bar), "y": _f(top + plot_h - h), "width": _f(bar),
                "height": _f(h), "fill": fill, "tip": tip,
            })
        groups.append({"bars": bars, "label": date_text[:4],
                       "label_x": _f(left + i * slot + slot / 2), "label_y": top + plot_h + 16})
    y_ticks = []
    for tick in _ticks(scale_max):
        y = top + plot_h - plot_h * tick / scale_max
        y_ticks.append({"x1": left, "x2": left + plot_w, "y": _f(y), "text_x": left - 6,
                        "text_y": _f(y + 4), "value": tick})
    return render_template(
        "charts/grouped_bars.svg", chart=chart, width=width, height=height, y_ticks=y_ticks,
        groups=groups,
        legend_items=_legend(
            [(REPORTED_FILL, "member states reported (mostly speakers)"),
             (REPRESENTED_FILL, "states represented"), (KNOWN_FILL, "known by name")],
            left, 14,
        ),
        axis_title="Year of the meeting", axis_title_x=_f(left + plot_w / 2),
        axis_title_y=height - 6,
    )


# --- themes ----------------------------------------------------------------------------


def themes_query() -> str:
    return sparql_client.query_file("charts/themes")


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
    bars = []
    for i, (theme, name, raised, meetings) in enumerate(data):
        y = top + i * row_h
        w = plot_w * raised / scale_max
        bars.append({
            "label": _clip(name, 38), "label_x": label_w - 8, "text_y": _f(y + row_h / 2 + 4),
            "href": labels.local_href(theme) or "", "value": raised, "x": label_w,
            "y": y + 4, "width": _f(w), "height": row_h - 8,
            "tip": f"{name}: raised by {raised} statements and claims at {meetings} meetings",
            "after_x": _f(label_w + w + 6), "after": f"{raised} ({meetings} mtg)",
        })
    axis_y = top + row_h * len(data) + 4
    ticks = [{"x": _f(label_w + plot_w * tick / scale_max), "y": axis_y + 14, "value": tick}
             for tick in _ticks(scale_max)]
    return render_template(
        "charts/horizontal_bars.svg", chart=chart, width=width, height=height, bars=bars,
        fill=THEME_FILL, ticks=ticks,
    )


# --- stances ---------------------------------------------------------------------------


def has_regional_memberships() -> bool:
    return sparql_client.ask(sparql_client.query_file("charts/has-regional-memberships"))


def stances_query(by_group: bool) -> str:
    return sparql_client.query_file(f"charts/stances-by-{'group' if by_group else 'kind'}")


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
    label_w: int = 270,
) -> str:
    # Wide enough for "Latin American and Caribbean States" at 11 px (issue 14: labels fit).
    row_h, width = 34, 760
    top, bottom = 44, 30
    height = top + bottom + row_h * max(len(bars), 1)
    plot_w = width - label_w - 30
    scale_max = _nice_max(max([sum(c for _, c in segs) for _, _, segs in bars] + [1]))
    legend = [(STANCE_FILLS.get(scale[s][0], "#777"), scale[s][1])
              for s in sorted(scale, key=lambda s: -scale[s][0])]
    drawn = []
    for i, (_group, name, segments) in enumerate(bars):
        y = top + i * row_h
        x = float(label_w)
        segs = []
        for stance, count in segments:
            if not count:
                continue
            order, stance_name = scale[stance]
            w = plot_w * count / scale_max
            segs.append({
                "series": stance_name, "value": count, "x": _f(x), "y": y + 5, "width": _f(w),
                "height": row_h - 10, "fill": STANCE_FILLS.get(order, "#777"),
                "tip": f"{name}: {count} {stance_name}", "show_count": w >= 18,
                "text_x": _f(x + w / 2), "colour": "#000" if order in _DARK_TEXT else "#fff",
            })
            x += w
        drawn.append({"label": _clip(name, label_w // 7), "label_x": label_w - 8,
                      "text_y": _f(y + row_h / 2 + 4), "segments": segs})
    axis_y = top + row_h * len(bars) + 4
    ticks = [{"x": _f(label_w + plot_w * tick / scale_max), "y": axis_y + 14, "value": tick}
             for tick in _ticks(scale_max)]
    return render_template(
        "charts/stacked_bars.svg", chart=chart, width=width, height=height, bars=drawn,
        legend_items=_legend(legend, 10, 14), ticks=ticks,
    )


# --- stances by year ------------------------------------------------------------------

EDITORS = "r2p-graph-editors"


def stances_by_year_query() -> str:
    return sparql_client.query_file("charts/stances-by-year")


def _judge_name(iri: str, row: dict[str, sparql_client.Term]) -> str:
    if iri.endswith(EDITORS):
        return "dataset editors"
    if "shortName" in row:
        return row["shortName"].value
    name = row["judgeLabel"].value if "judgeLabel" in row else labels.fallback_label(iri)
    return name.replace("United Nations ", "UN ")


def stances_by_year_chart() -> Chart:
    chart = Chart(
        name="stances-by-year",
        title="Stances by year, and who judged them",
        caption=(
            "Stance assessments of the statements and participants at each year's meeting, "
            "by value, one bar for each judge: the dataset's editors (reading a statement's "
            "own words) or a source (GCR2P, ICRtoP, UN DPI) that characterised the speakers. "
            "A year without a bar has no stance assessment recorded, not no stance."
        ),
        query=stances_by_year_query(),
    )
    rows: dict[tuple[str, str], dict[str, int]] = {}
    names: dict[tuple[str, str], str] = {}
    scale: dict[str, tuple[int, str]] = {}
    for row in sparql_client.select(chart.query):
        key = (row["year"].value, row["judge"].value)
        names[key] = f"{row['year'].value} \N{MIDDLE DOT} {_judge_name(key[1], row)}"
        stance = row["stance"].value
        scale[stance] = (int(row["scale"].value) if "scale" in row else 0,
                         row["stanceLabel"].value if "stanceLabel" in row
                         else labels.fallback_label(stance))
        rows.setdefault(key, defaultdict(int))[stance] += int(row["assessments"].value)
    stances = sorted(scale, key=lambda s: -scale[s][0])
    chart.columns = ["Year and judge", *(scale[s][1] for s in stances)]
    ordered = sorted(rows, key=lambda k: (k[0], names[k]))
    chart.rows = [[names[k], *(str(rows[k].get(s, 0)) for s in stances)] for k in ordered]
    bars = [(k[1], names[k], [(s, rows[k].get(s, 0)) for s in stances]) for k in ordered]
    chart.svg = _stacked_bars(chart, bars, scale, label_w=300)
    return chart


# --- shared SVG pieces -----------------------------------------------------------------


def _f(value: float) -> str:
    """A coordinate as the SVG writes it: one decimal."""
    return f"{value:.1f}"


def _legend(items: list[tuple[str, str]], x: int, y: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    cursor = float(x)
    for fill, text in items:
        out.append({"x": _f(cursor), "y": y - 10, "fill": fill, "text_x": _f(cursor + 16),
                    "text_y": y, "text": text})
        cursor += 16 + 7 * len(text) + 18
    return out


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
    "stances-by-year": stances_by_year_chart,
}
