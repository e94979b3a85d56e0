"""IRI minting: the one place that decides what r2p IRIs look like.

IRIs are built only from stable identifiers (ISO codes, UN symbols, dates, slugs of
official names), never from row numbers or hashes, so a corrected typo never moves an IRI.
Everything sits under one configurable base (``Settings.base_iri``)::

    {base}def#Term                       ontology terms
    {base}id/state/GBR                   states, ISO 3166-1 alpha-3, upper case
    {base}id/org/{slug}                  organizations, UN bodies
    {base}id/group/{slug}                groups of states
    {base}id/person/{slug}               people
    {base}id/meeting/ga-2012-09-05       meetings: body and date
    {base}id/statement/{meeting}/{actor}[-n]
    {base}id/doc/A-66-874                UN documents by their (first) symbol
    {base}id/source/{slug}               other sources
    {base}id/place/{slug}, {base}id/agent/{slug}   venues; the dataset's editors
    {meeting IRI}/tally-{kind}[-n], {meeting IRI}/participation-{code}[-{role}],
    {meeting IRI}/claim-{slug}, {statement IRI}-quote-{n}, {statement IRI}-stance
    {base}id/situation/{slug}[-{year}]
    {base}id/{scheme}/{slug}, {base}id/scheme/{scheme}   SKOS concepts and schemes
    {base}graph/{name}                   named graphs
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .vocab import DEFAULT_BASE

_ALPHA3 = re.compile(r"^[A-Z]{3}$")
_SYMBOL = re.compile(r"^[A-Z]+(/[A-Za-z0-9.\-]+)+( \(\d{4}\))?$")
_MEETING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def slugify(text: str) -> str:
    """Lower-case ASCII kebab slug of a name: "Côte d'Ivoire" -> "cote-divoire"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make a slug from {text!r}")
    return slug


def symbol_to_slug(symbol: str) -> str:
    """UN symbol -> IRI segment: "A/66/874" -> "A-66-874", "S/RES/1973 (2011)" -> "S-RES-1973-2011".

    For a joint symbol ("A/66/874-S/2012/578") pass the first one only.
    """
    symbol = symbol.strip()
    if not _SYMBOL.match(symbol):
        raise ValueError(f"not a UN document symbol: {symbol!r}")
    slug = symbol.replace(" (", "-").replace(")", "").replace("/", "-").replace(".", "-")
    return slug


def slug_to_symbol(slug: str) -> str:
    """Inverse of :func:`symbol_to_slug` for the symbol shapes the UN uses.

    A trailing four-digit year after a resolution number becomes " (year)";
    "PV-97" becomes "PV.97". Lossy forms are rejected rather than guessed.
    """
    parts = slug.split("-")
    if len(parts) < 2 or not parts[0].isalpha() or not parts[0].isupper():
        raise ValueError(f"not a document slug: {slug!r}")
    year = ""
    if (
        len(parts) >= 4
        and parts[1] == "RES"
        and re.fullmatch(r"\d{4}", parts[-1])
        and parts[0] == "S"
    ):
        year = f" ({parts.pop()})"
    out: list[str] = []
    for part in parts:
        if out and out[-1] == "PV":
            out[-1] = f"PV.{part}"
        else:
            out.append(part)
    return "/".join(out) + year


@dataclass(frozen=True)
class Minter:
    """Mints r2p IRIs (as strings) under one base."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"the base IRI must end with '/': {self.base!r}")

    @property
    def vocab(self) -> str:
        """Namespace of the ontology's terms."""
        return f"{self.base}def#"

    @property
    def ontology(self) -> str:
        """IRI of the ontology itself."""
        return f"{self.base}def"

    def state(self, alpha3: str) -> str:
        """A state by its ISO 3166-1 alpha-3 code."""
        code = alpha3.strip().upper()
        if not _ALPHA3.match(code):
            raise ValueError(f"not an ISO 3166-1 alpha-3 code: {alpha3!r}")
        return f"{self.base}id/state/{code}"

    def org(self, name_or_acronym: str) -> str:
        """An organization or UN body."""
        return f"{self.base}id/org/{slugify(name_or_acronym)}"

    def group(self, name: str) -> str:
        """A group of states."""
        return f"{self.base}id/group/{slugify(name)}"

    def person(self, name: str) -> str:
        """A person, by name."""
        return f"{self.base}id/person/{slugify(name)}"

    def meeting(self, date: str, body: str = "ga", n: int | None = None) -> str:
        """A meeting by body and ISO date; ``n`` tells apart meetings of one day."""
        if not _MEETING_DATE.match(date):
            raise ValueError(f"meeting date must be YYYY-MM-DD: {date!r}")
        suffix = f"-{n}" if n is not None else ""
        return f"{self.base}id/meeting/{slugify(body)}-{date}{suffix}"

    def statement(self, meeting_iri: str, actor_code: str, n: int | None = None) -> str:
        """A statement at a meeting, by the delivering actor's code (ISO alpha-3 or slug)."""
        meeting_slug = self._local(meeting_iri, "meeting")
        suffix = f"-{n}" if n is not None else ""
        return f"{self.base}id/statement/{meeting_slug}/{actor_code}{suffix}"

    def document(self, symbol: str) -> str:
        """A UN document by its first symbol."""
        first = symbol.split("-S/")[0] if symbol.startswith("A/") and "-S/" in symbol else symbol
        return f"{self.base}id/doc/{symbol_to_slug(first)}"

    def place(self, name: str) -> str:
        """A venue."""
        return f"{self.base}id/place/{slugify(name)}"

    def agent(self, name: str) -> str:
        """An agent that is neither an actor nor a person (the dataset's own editors)."""
        return f"{self.base}id/agent/{slugify(name)}"

    def source(self, name: str) -> str:
        """A non-UN source document."""
        return f"{self.base}id/source/{slugify(name)}"

    def situation(self, country: str, year: int | None = None) -> str:
        """A country situation; the year is the one the sources attach to it."""
        suffix = f"-{year}" if year is not None else ""
        return f"{self.base}id/situation/{slugify(country)}{suffix}"

    def concept(self, scheme: str, name: str) -> str:
        """A SKOS concept of one of the project's schemes."""
        return f"{self.base}id/{slugify(scheme)}/{slugify(name)}"

    def scheme(self, scheme: str) -> str:
        """A SKOS concept scheme."""
        return f"{self.base}id/scheme/{slugify(scheme)}"

    def graph(self, name: str) -> str:
        """A named graph of the built dataset."""
        return f"{self.base}graph/{slugify(name)}"

    def _local(self, iri: str, kind: str) -> str:
        prefix = f"{self.base}id/{kind}/"
        if not iri.startswith(prefix):
            raise ValueError(f"not a {kind} IRI under {self.base}: {iri!r}")
        return iri[len(prefix) :]


#: The graph names every build has.
ONTOLOGY_GRAPH = "ontology"
ASSERTED_GRAPH = "asserted"
INFERRED_GRAPH = "inferred"
