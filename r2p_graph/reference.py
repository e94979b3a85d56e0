"""Reference data: the UN's 193 Member States and its 2 observer states, as RDF.

The table is *generated*, never hand-typed: it comes from the country table that ships
inside the ``country_converter`` package (PyPI ``country-converter``), which carries for
each country its ISO 3166-1 alpha-3 code, its UN M49 code (``UNcode``), its year of
admission to the UN (``UNmember``) and its short and official English names.

The package's own ``CountryConverter`` class is not used: it fails to start under
pandas 3 (entries without an ISO2 code become floats). This module reads the same
table the class reads, ``country_data.tsv`` inside the installed package, and matches
names with the table's own regular expressions exactly as the class does
(``re.search`` with ``re.IGNORECASE``).

Write ``data/reference/states.ttl`` with::

    python -m r2p_graph.reference            # or: python -m r2p_graph.reference OUT.ttl

The package does not carry Wikidata IDs or UN regional-group membership, so neither is
written here.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from rdflib import Literal

from r2p_graph.config import PROJECT_ROOT
from r2p_graph.ids import Minter

#: The package the table comes from, as imported and as published on PyPI.
PACKAGE = "country_converter"
DISTRIBUTION = "country-converter"
#: The table inside the package.
TABLE = "country_data.tsv"
#: The two non-member states with permanent observer status (Holy See, State of Palestine).
OBSERVER_STATES: tuple[str, ...] = ("PSE", "VAT")
#: How many Member States the UN has had since South Sudan was admitted in 2011.
MEMBER_STATE_COUNT = 193

DEFAULT_OUT = PROJECT_ROOT / "data" / "reference" / "states.ttl"

_ALPHA3 = re.compile(r"^[A-Z]{3}$")


class ReferenceTableError(ValueError):
    """The package's table is not what this converter expects."""


class UnknownStateError(LookupError):
    """A name matches no UN Member or observer State, or more than one."""


@dataclass(frozen=True)
class StateRow:
    """One UN Member or observer State as the package describes it."""

    iso3: str
    m49: str
    name: str
    official_name: str
    admitted: str | None
    observer: bool
    regex: str


def package_version() -> str:
    """Installed version of the source package (e.g. ``1.3.2``)."""
    return metadata.version(DISTRIBUTION)


def source_iri(version: str | None = None) -> str:
    """The PyPI page of the exact package release the table was read from."""
    return f"https://pypi.org/project/{DISTRIBUTION}/{version or package_version()}/"


def _read_table() -> list[dict[str, str]]:
    text = resources.files(PACKAGE).joinpath(TABLE).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


@cache
def un_states() -> tuple[StateRow, ...]:
    """All 193 Member States and the 2 observer states, sorted by ISO alpha-3.

    Raises :class:`ReferenceTableError` if the package's table does not give exactly that.
    """
    rows = [r for r in _read_table() if not (r.get("obsolete") or "").strip()]
    out: list[StateRow] = []
    for row in rows:
        iso3 = row["ISO3"].strip()
        member_year = (row.get("UNmember") or "").strip()
        observer = iso3 in OBSERVER_STATES
        if not member_year and not observer:
            continue
        if member_year and observer:
            raise ReferenceTableError(f"{iso3} is listed as an observer but the table admits it")
        if not _ALPHA3.match(iso3):
            raise ReferenceTableError(f"bad ISO alpha-3 code {iso3!r} for {row['name_short']!r}")
        if member_year and not re.fullmatch(r"\d{4}", member_year):
            raise ReferenceTableError(f"bad UN admission year {member_year!r} for {iso3}")
        uncode = row["UNcode"].strip()
        if not uncode.isdigit():
            raise ReferenceTableError(f"no M49 code for {iso3}")
        out.append(
            StateRow(
                iso3=iso3,
                m49=f"{int(uncode):03d}",
                name=row["name_short"].strip(),
                official_name=row["name_official"].strip(),
                admitted=member_year or None,
                observer=observer,
                regex=row["regex"],
            )
        )
    out.sort(key=lambda s: s.iso3)
    members = [s for s in out if not s.observer]
    observers = sorted(s.iso3 for s in out if s.observer)
    if len(members) != MEMBER_STATE_COUNT:
        raise ReferenceTableError(
            f"expected {MEMBER_STATE_COUNT} Member States, found {len(members)}"
        )
    if tuple(observers) != tuple(sorted(OBSERVER_STATES)):
        raise ReferenceTableError(f"expected observers {OBSERVER_STATES}, found {observers}")
    for field_name in ("iso3", "m49", "name"):
        values = [getattr(s, field_name) for s in out]
        dupes = {v for v in values if values.count(v) > 1}
        if dupes:
            raise ReferenceTableError(f"duplicate {field_name} values: {sorted(dupes)}")
    return tuple(out)


@cache
def _compiled() -> tuple[tuple[StateRow, re.Pattern[str]], ...]:
    return tuple((s, re.compile(s.regex, re.IGNORECASE)) for s in un_states())


def state_code(name: str) -> str:
    """ISO alpha-3 code of the UN Member or observer State called ``name``.

    Uses the package's regular expressions. Raises :class:`UnknownStateError` when no
    state or more than one state matches: never guesses.
    """
    text = name.strip()
    if not text:
        raise UnknownStateError("empty state name")
    hits = [s.iso3 for s, rx in _compiled() if rx.search(text)]
    if len(hits) != 1:
        what = "no UN Member or observer State" if not hits else f"several states {hits}"
        raise UnknownStateError(f"{name!r} matches {what}")
    return hits[0]


def state_codes(names: Iterable[str]) -> list[str]:
    """:func:`state_code` for each name, in order; fails on the first unknown name."""
    return [state_code(n) for n in names]


def _lit(value: str, *, lang: str | None = None) -> str:
    return Literal(value, lang=lang).n3()


def states_turtle(minter: Minter | None = None, version: str | None = None) -> str:
    """The reference table as Turtle text, with a header comment saying where it came from."""
    minter = minter or Minter()
    version = version or package_version()
    src = source_iri(version)
    states = un_states()
    n_members = sum(not s.observer for s in states)
    lines = [
        "# GENERATED FILE: do not edit by hand. Regenerate with `python -m r2p_graph.reference`.",
        f"# UN Member States ({n_members}) and observer states ({len(OBSERVER_STATES)}),",
        f"# from the country table shipped in the Python package {DISTRIBUTION} {version}:",
        f"# {src}",
        "# Columns used: ISO3 (ISO 3166-1 alpha-3), UNcode (M49), UNmember (year of UN",
        "# admission), name_short (the preferred label) and name_official (an alternative",
        "# label when it differs).",
        "# Not in that package, so not here: Wikidata IDs, exact admission dates, UN",
        "# regional-group membership.",
        "",
        "@prefix r2p:     <https://w3id.org/r2p/def#> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    for s in states:
        iri = minter.state(s.iso3)
        cls = "r2p:ObserverState" if s.observer else "r2p:MemberState"
        props = [
            f"a {cls}",
            f"skos:prefLabel {_lit(s.name, lang='en')}",
        ]
        if s.official_name and s.official_name != s.name:
            props.append(f"skos:altLabel {_lit(s.official_name, lang='en')}")
        props += [
            f"r2p:countryCode {_lit(s.iso3)}",
            f"r2p:m49Code {_lit(s.m49)}",
        ]
        if s.admitted:
            props.append(f'r2p:unAdmissionDate "{s.admitted}"^^xsd:gYear')
        props.append(f"dcterms:source <{src}>")
        lines.append(f"<{iri}>\n    " + " ;\n    ".join(props) + " .\n")
    return "\n".join(lines)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_reference(out: Path = DEFAULT_OUT) -> None:
    """Write the states table as Turtle to ``out`` (a ``.ttl`` file, or a folder for states.ttl)."""
    out = Path(out)
    if out.is_dir() or not out.suffix:
        out = out / "states.ttl"
    write_atomically(out, states_turtle())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT,
        help=f"Turtle file to write (default: {DEFAULT_OUT})",
    )
    args = parser.parse_args(argv)
    write_reference(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
