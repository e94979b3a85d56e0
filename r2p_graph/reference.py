"""Reference data: the UN's 193 Member States and its 2 observer states, as RDF.

The tables are *generated*, never hand-typed, from data that ships inside three Python
packages (the ``reference`` extra of this project pins them):

* ``country_converter`` (PyPI ``country-converter``): its country table carries for each
  country its ISO 3166-1 alpha-3 code, its UN M49 code (``UNcode``), its year of admission
  to the UN (``UNmember``) and its short and official English names;
* ``rigour`` (PyPI ``rigour``, OpenSanctions): its territory table maps each ISO alpha-3
  code to the country's Wikidata item (QID), written as ``schema:sameAs`` (never
  ``owl:sameAs``, which OWL RL inference would use to copy every triple onto Wikidata's IRI);
* ``babel`` (PyPI ``Babel``): the Unicode CLDR's names of territories, read for each state
  in the six official UN languages (Arabic, Chinese, English, French, Russian, Spanish) and
  written as language-tagged ``skos:altLabel``\\ s (the English ``skos:prefLabel`` stays
  the one from ``country_converter``);
* ``countrygroups`` (PyPI ``countrygroups``, openclimatedata): its ``UN_REGIONAL_GROUPS``
  lists the ISO alpha-3 codes of the members of each of the five UN regional groups,
  written as ``org:Membership``\\ s of the groups that ``data/reference/groups.ttl`` defines.

The ``CountryConverter`` class is not used: it fails to start under pandas 3 (entries
without an ISO2 code become floats). This module reads the same table the class reads,
``country_data.tsv`` inside the installed package, and matches names with the table's own
regular expressions exactly as the class does (``re.search`` with ``re.IGNORECASE``).
Those expressions also give the names a state is searched by (former and other names such
as "Swaziland" or "Turkey"): the plain-word alternatives of a state's expression and the
names in its row that the expression matches are written as ``skos:hiddenLabel``\\ s (SKOS's
labels for search, never shown as a name), with the ISO alpha-2 code.

Write ``data/reference/states.ttl`` and ``data/reference/regional-groups.ttl`` with::

    python -m r2p_graph.reference            # or: python -m r2p_graph.reference FOLDER

None of the packages gives the exact date of UN admission (only the year), so only the
year is written.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import tempfile
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from rdflib import Literal

from r2p_graph import vocab
from r2p_graph.config import PROJECT_ROOT
from r2p_graph.ids import Minter


@dataclass(frozen=True)
class SourcePackage:
    """A Python package whose bundled data a reference table is read from."""

    #: The name it is published under on PyPI.
    distribution: str
    #: What is read from it, for the header of the generated file and the source's title.
    what: str

    def version(self) -> str:
        """The installed version (e.g. ``1.3.2``)."""
        return metadata.version(self.distribution)

    def iri(self, version: str | None = None) -> str:
        """The PyPI page of the exact release the data was read from: the ``dcterms:source``."""
        return f"https://pypi.org/project/{self.distribution}/{version or self.version()}/"

    def homepage(self) -> str:
        """The project's home page as its metadata gives it (``Home-page``, else the
        ``Homepage`` or ``Repository`` project URL)."""
        md = metadata.metadata(self.distribution)
        if "Home-page" in md and md["Home-page"].strip():
            return md["Home-page"].strip()
        urls: dict[str, str] = {}
        for entry in md.get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            urls[label.strip().lower()] = url.strip()
        for label in ("homepage", "home", "repository", "source"):
            if urls.get(label):
                return urls[label].removesuffix(".git").rstrip("/")
        raise ReferenceTableError(f"{self.distribution} names no home page in its metadata")


COUNTRY_CONVERTER = SourcePackage(
    "country-converter",
    "its country table (country_data.tsv): ISO3, UNcode (M49), UNmember (year of UN "
    "admission), name_short, name_official",
)
RIGOUR = SourcePackage(
    "rigour", "its territory table (rigour.territories): the Wikidata QID of each country"
)
BABEL = SourcePackage(
    "babel",
    "the Unicode CLDR's territory names (babel.Locale(lang).territories) in the six UN "
    "languages: ar, zh, en, fr, ru, es",
)
#: The six official languages of the United Nations, as BCP 47 tags.
UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")
COUNTRYGROUPS = SourcePackage(
    "countrygroups",
    "its list of the UN regional groups of Member States (countrygroups.UN_REGIONAL_GROUPS)",
)

#: The package the states table comes from, as imported and as published on PyPI.
PACKAGE = "country_converter"
DISTRIBUTION = COUNTRY_CONVERTER.distribution
#: The table inside the package.
TABLE = "country_data.tsv"
#: The two non-member states with permanent observer status (Holy See, State of Palestine).
OBSERVER_STATES: tuple[str, ...] = ("PSE", "VAT")
#: How many Member States the UN has had since South Sudan was admitted in 2011.
MEMBER_STATE_COUNT = 193

#: Where Wikidata's items live (the IRI form that Wikidata's own RDF uses).
WIKIDATA_ENTITY = vocab.WIKIDATA_ENTITY

#: countrygroups' names of the five UN regional groups, and the names this project gives
#: them (``Minter.group`` mints the groups' IRIs from these names, as r2p_graph.record does
#: when it writes data/reference/groups.ttl).
REGIONAL_GROUPS: dict[str, str] = {
    "AFRICAN_GROUP": "African States",
    "ASIA_PACIFIC_GROUP": "Asia-Pacific States",
    "EASTERN_EUROPEAN_GROUP": "Eastern European States",
    "GRULAC": "Latin American and Caribbean States",
    "WEOG": "Western European and other States",
}

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
DEFAULT_OUT = REFERENCE_DIR / "states.ttl"
#: The file the regional-group memberships are written to, beside the states table.
REGIONAL_GROUPS_FILE = "regional-groups.ttl"

_ALPHA3 = re.compile(r"^[A-Z]{3}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
#: Where countrygroups' README (its package description) names the source of the list.
_GROUPS_ORIGIN = re.compile(
    r"\(UN_REGIONAL_GROUPS\)\s.*?Sources:\s*\[[^\]]+\]\((https?://[^)\s]+)\)", re.S
)


class ReferenceTableError(ValueError):
    """A package's table is not what this converter expects."""


class UnknownStateError(LookupError):
    """A name matches no UN Member or observer State, or more than one."""


@dataclass(frozen=True)
class StateRow:
    """One UN Member or observer State as the package describes it."""

    iso3: str
    iso2: str
    m49: str
    name: str
    official_name: str
    admitted: str | None
    observer: bool
    regex: str


def package_version() -> str:
    """Installed version of the states table's package (e.g. ``1.3.2``)."""
    return COUNTRY_CONVERTER.version()


def source_iri(version: str | None = None) -> str:
    """The PyPI page of the exact country-converter release the states table was read from."""
    return COUNTRY_CONVERTER.iri(version)


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
                iso2=_iso2(row["ISO2"]),
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
def wikidata_ids() -> dict[str, str]:
    """The Wikidata QID (``Q142``) of each UN Member or observer State, by ISO alpha-3 code,
    as rigour's territory table gives it. A state the table does not map is left out (see
    :func:`states_without_wikidata_id`).

    Raises :class:`ReferenceTableError` on a malformed QID or one shared by two states.
    """
    from rigour.territories import get_territory  # the optional 'reference' extra

    out: dict[str, str] = {}
    for state in un_states():
        territory = get_territory(state.iso3)
        if territory is None or (territory.alpha3 or "").upper() != state.iso3:
            continue
        qid = territory.qid
        if not _QID.match(qid):
            raise ReferenceTableError(f"bad Wikidata QID {qid!r} for {state.iso3}")
        out[state.iso3] = qid
    shared = sorted({q for q in out.values() if list(out.values()).count(q) > 1})
    if shared:
        raise ReferenceTableError(f"Wikidata QIDs given to more than one state: {shared}")
    return out


def states_without_wikidata_id() -> list[str]:
    """ISO alpha-3 codes of the UN states that rigour maps to no Wikidata item."""
    ids = wikidata_ids()
    return [s.iso3 for s in un_states() if s.iso3 not in ids]


@cache
def regional_groups() -> dict[str, tuple[str, ...]]:
    """The members of each UN regional group (by this project's name of the group), as
    sorted ISO alpha-3 codes, as countrygroups lists them.

    Raises :class:`ReferenceTableError` if the package does not list exactly the five
    groups, or lists a code twice in a group or a code that is no UN Member or observer
    State.
    """
    import countrygroups  # the optional 'reference' extra

    table = countrygroups.UN_REGIONAL_GROUPS
    listed = {k for k, v in vars(table).items() if isinstance(v, list)}
    if listed != set(REGIONAL_GROUPS):
        raise ReferenceTableError(
            f"expected the groups {sorted(REGIONAL_GROUPS)}, the package lists {sorted(listed)}"
        )
    states = {s.iso3 for s in un_states()}
    out: dict[str, tuple[str, ...]] = {}
    for key, name in REGIONAL_GROUPS.items():
        codes = [str(c) for c in getattr(table, key)]
        if len(set(codes)) != len(codes):
            raise ReferenceTableError(f"{key} lists a state twice")
        unknown = sorted(set(codes) - states)
        if unknown:
            raise ReferenceTableError(f"{key} lists codes that are no UN state: {unknown}")
        out[name] = tuple(sorted(codes))
    return out


def states_in_no_regional_group() -> list[str]:
    """ISO alpha-3 codes of the UN states that countrygroups puts in no regional group."""
    grouped = {code for codes in regional_groups().values() for code in codes}
    return [s.iso3 for s in un_states() if s.iso3 not in grouped]


def states_in_several_regional_groups() -> dict[str, list[str]]:
    """The states countrygroups puts in more than one group, with those groups' names."""
    groups_of: dict[str, list[str]] = {}
    for name, codes in regional_groups().items():
        for code in codes:
            groups_of.setdefault(code, []).append(name)
    return {code: names for code, names in sorted(groups_of.items()) if len(names) > 1}


def regional_groups_origin() -> str:
    """The page countrygroups names as the source of its regional-group list (read from
    the package's description)."""
    description = metadata.metadata(COUNTRYGROUPS.distribution)["Description"] or ""
    found = _GROUPS_ORIGIN.search(description)
    if not found:
        raise ReferenceTableError("countrygroups names no source for UN_REGIONAL_GROUPS")
    return found.group(1)


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


def _iso2(cell: str) -> str:
    """The ISO alpha-2 code in the table's ISO2 cell (one row writes it as a regular
    expression, ``^GB$|^UK$``: the first two-letter code in it)."""
    found = re.search(r"[A-Z]{2}", cell or "")
    return found.group(0) if found else ""


@cache
def un_language_names() -> dict[str, dict[str, str]]:
    """Each state's name in the six UN languages, by ISO alpha-3 code then language, as
    the CLDR (through Babel) gives it. A language without a name for a state is left out."""
    from babel import Locale  # the optional 'reference' extra

    territories = {lang: Locale.parse(lang).territories for lang in UN_LANGUAGES}
    out: dict[str, dict[str, str]] = {}
    for s in un_states():
        names = {lang: str(t[s.iso2]).strip() for lang, t in territories.items()
                 if s.iso2 in t and str(t[s.iso2]).strip()}
        out[s.iso3] = names
    return out


_PLAIN = re.compile(r"^[a-z][a-z .'\u2019-]{2,}[a-z.]$")


@cache
def search_names() -> dict[str, tuple[str, ...]]:
    """The names each state is also searched by (``skos:hiddenLabel``), by ISO alpha-3 code:
    the plain-word top-level alternatives of country_converter's regular expression for it
    ("swaziland|eswatini"), the names in any column of its row that the expression matches
    ("Turkey"), and its ISO alpha-2 code, less the names it already has as labels."""
    rows = {r["ISO3"].strip(): r for r in _read_table() if not (r.get("obsolete") or "").strip()}
    localized = un_language_names()
    out: dict[str, tuple[str, ...]] = {}
    for s, rx in _compiled():
        known = {s.name.casefold(), s.official_name.casefold(),
                 *(n.casefold() for n in localized.get(s.iso3, {}).values())}
        found: dict[str, str] = {}
        for alternative in s.regex.split("|"):
            if _PLAIN.match(alternative) and not any(k.startswith(alternative) for k in known):
                found.setdefault(alternative.casefold(), alternative.title())
        for column, value in rows[s.iso3].items():
            value = (value or "").strip()
            if column in ("regex", "ISO2", "ISO3") or len(value) < 4 or value.isupper():
                continue
            if rx.search(value):
                found.setdefault(value.casefold(), value)
        names = sorted(v for k, v in found.items() if k not in known)
        out[s.iso3] = (*names, s.iso2) if s.iso2 else tuple(names)
    return out


def _lit(value: str, *, lang: str | None = None) -> str:
    return Literal(value, lang=lang).n3()


def _source_block(package: SourcePackage, version: str, extra: Sequence[str] = ()) -> str:
    """The description of a package release cited as a ``dcterms:source``."""
    title = f"{package.distribution} {version} (Python package, PyPI)"
    props = [
        "a r2p:SourceDocument",
        f"dcterms:title {_lit(title, lang='en')}",
        f"dcterms:description {_lit(f'Read from the package: {package.what}.', lang='en')}",
        f"schema:name {_lit(package.distribution)}",
        f"schema:version {_lit(version)}",
        f"schema:url <{package.homepage()}>",
        *extra,
    ]
    return f"<{package.iri(version)}>\n    " + " ;\n    ".join(props) + " .\n"


_PREFIXES = vocab.prefixes(vocab.DEFAULT_BASE)


def _prefix_lines(*names: str) -> list[str]:
    width = max(len(n) for n in names) + 2
    return [f"@prefix {f'{n}:':<{width}}<{_PREFIXES[n]}> ." for n in names]


def states_turtle(
    minter: Minter | None = None,
    version: str | None = None,
    wikidata_version: str | None = None,
) -> str:
    """The reference table as Turtle text, with a header comment saying where it came from."""
    minter = minter or Minter()
    version = version or COUNTRY_CONVERTER.version()
    wikidata_version = wikidata_version or RIGOUR.version()
    src = COUNTRY_CONVERTER.iri(version)
    wd_src = RIGOUR.iri(wikidata_version)
    states = un_states()
    localized = un_language_names()
    hidden = search_names()
    babel_version = BABEL.version()
    qids = wikidata_ids()
    missing = states_without_wikidata_id()
    n_members = sum(not s.observer for s in states)
    lines = [
        "# GENERATED FILE: do not edit by hand. Regenerate with `python -m r2p_graph.reference`.",
        f"# UN Member States ({n_members}) and observer states ({len(OBSERVER_STATES)}),",
        f"# from the country table shipped in the Python package {DISTRIBUTION} {version}:",
        f"# {src}",
        "# Columns used: ISO3 (ISO 3166-1 alpha-3), UNcode (M49), UNmember (year of UN",
        "# admission), name_short (the preferred label) and name_official (an alternative",
        "# label when it differs).",
        f"# Wikidata items (schema:sameAs) from the territory table of the Python package "
        f"{RIGOUR.distribution}",
        f"# {wikidata_version}, by ISO alpha-3 code: {wd_src}",
        f"# ({len(qids)} of {len(states)} states; without one: {', '.join(missing) or 'none'}).",
        "# Names in the six UN languages (skos:altLabel, language-tagged) from the Unicode "
        "CLDR as",
        f"# Babel {babel_version} ships it: {BABEL.iri(babel_version)}",
        "# Search names (skos:hiddenLabel: former and other names, the ISO alpha-2 code) from",
        "# country-converter's regular expressions and its other columns, as its docstring says.",
        "# Not in these packages, so not here: exact admission dates (the year only).",
        "# Regional-group memberships: regional-groups.ttl.",
        "",
        *_prefix_lines("r2p", "skos", "dcterms", "schema", "xsd"),
        "",
        "# The packages the facts below are read from.",
        "",
        _source_block(COUNTRY_CONVERTER, version),
        _source_block(RIGOUR, wikidata_version),
        _source_block(BABEL, babel_version),
    ]
    for s in states:
        iri = minter.state(s.iso3)
        cls = "r2p:ObserverState" if s.observer else "r2p:MemberState"
        props = [
            f"a {cls}",
            f"skos:prefLabel {_lit(s.name, lang='en')}",
        ]
        alt = [_lit(s.official_name, lang="en")] if s.official_name != s.name else []
        for lang, name in localized.get(s.iso3, {}).items():
            if lang != "en" or name not in (s.name, s.official_name):
                alt.append(_lit(name, lang=lang))
        if alt:
            props.append("skos:altLabel " + ", ".join(alt))
        if hidden.get(s.iso3):
            props.append("skos:hiddenLabel " + ", ".join(_lit(n) for n in hidden[s.iso3]))
        props += [
            f"r2p:countryCode {_lit(s.iso3)}",
            f"r2p:m49Code {_lit(s.m49)}",
        ]
        if s.admitted:
            props.append(f'r2p:unAdmissionDate "{s.admitted}"^^xsd:gYear')
        sources = [f"<{src}>"]
        if s.iso3 in qids:
            props.append(f"schema:sameAs <{WIKIDATA_ENTITY}{qids[s.iso3]}>")
            sources.append(f"<{wd_src}>")
        if localized.get(s.iso3):
            sources.append(f"<{BABEL.iri(babel_version)}>")
        props.append("dcterms:source " + ", ".join(sources))
        lines.append(f"<{iri}>\n    " + " ;\n    ".join(props) + " .\n")
    return "\n".join(lines)


def membership_iri(minter: Minter, group_iri: str, state_iri: str) -> str:
    """``id/membership/{group slug}/{ISO alpha-3}``, as r2p_graph.record mints memberships."""
    return f"{minter.base}id/membership/{group_iri.rsplit('/', 1)[1]}/{state_iri.rsplit('/', 1)[1]}"


def regional_groups_turtle(minter: Minter | None = None, version: str | None = None) -> str:
    """The memberships of the five UN regional groups as Turtle text, with a header comment
    saying where they came from and what the source says of the special cases."""
    minter = minter or Minter()
    version = version or COUNTRYGROUPS.version()
    src = COUNTRYGROUPS.iri(version)
    groups = regional_groups()
    origin = regional_groups_origin()
    ungrouped = states_in_no_regional_group()
    several = states_in_several_regional_groups()
    counts = ", ".join(f"{name} {len(codes)}" for name, codes in groups.items())
    lines = [
        "# GENERATED FILE: do not edit by hand. Regenerate with `python -m r2p_graph.reference`.",
        "# Members of the five UN regional groups (the groups themselves: groups.ttl), from",
        f"# countrygroups.UN_REGIONAL_GROUPS in the Python package {COUNTRYGROUPS.distribution} "
        f"{version}:",
        f"# {src}",
        f"# which names as its source {origin}",
        *textwrap.wrap(f"Members listed: {counts}.", width=86, initial_indent="# ",
                       subsequent_indent="# "),
        f"# UN Member or observer States in no group: {', '.join(ungrouped) or 'none'}.",
        "# In more than one group: "
        + ("; ".join(f"{c} ({', '.join(n)})" for c, n in several.items()) or "none")
        + ".",
        "# Written as the package lists them: it records no dates and no roles, so each listed",
        "# state is a plain org:member, once for each group it is listed in.",
        "",
        *_prefix_lines("dcterms", "org", "prov", "r2p", "schema"),
        "",
        "# The package the memberships below are read from.",
        "",
        _source_block(COUNTRYGROUPS, version, [f"prov:wasDerivedFrom <{origin}>"]),
    ]
    for name, codes in groups.items():
        group_iri = minter.group(name)
        lines.append(f"# {name}: {len(codes)} members\n")
        for code in codes:
            state_iri = minter.state(code)
            props = [
                "a org:Membership",
                f"org:member <{state_iri}>",
                f"org:organization <{group_iri}>",
                f"dcterms:source <{src}>",
            ]
            lines.append(
                f"<{membership_iri(minter, group_iri, state_iri)}>\n    "
                + " ;\n    ".join(props)
                + " .\n"
            )
        lines.append(
            f"<{group_iri}> org:hasMember\n    "
            + " ,\n    ".join(f"<{minter.state(c)}>" for c in codes)
            + " .\n"
        )
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


def write_reference(out: Path = REFERENCE_DIR) -> list[Path]:
    """Write the states table and the regional-group memberships as Turtle.

    ``out`` is a folder (``states.ttl`` and ``regional-groups.ttl`` are written in it) or
    the states table's ``.ttl`` file (the memberships go beside it, in
    ``regional-groups.ttl``). Returns the files written.
    """
    out = Path(out)
    states = out / "states.ttl" if out.is_dir() or not out.suffix else out
    groups = states.with_name(REGIONAL_GROUPS_FILE)
    if groups == states:
        raise ValueError(f"{REGIONAL_GROUPS_FILE} is the regional groups' file")
    write_atomically(states, states_turtle())
    write_atomically(groups, regional_groups_turtle())
    return [states, groups]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=REFERENCE_DIR,
        help=f"folder to write states.ttl and {REGIONAL_GROUPS_FILE} to, or the states "
        f"table's .ttl file (default: {REFERENCE_DIR})",
    )
    args = parser.parse_args(argv)
    for path in write_reference(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
