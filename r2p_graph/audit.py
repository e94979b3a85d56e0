"""``r2p-graph audit``: what the audit trail says, and whether quotations are in their sources.

The audit trail (``data/audit/*.ttl``) records, as PROV, which facts of the dataset were read
against which source, when, and the verdict: an ``r2p:Audit`` (a round of checking) and its
``r2p:FactCheck`` s (``r2p:checkedFact``, ``r2p:checkedAgainst``, ``r2p:verdict``,
``dcterms:date``, ``dcterms:isPartOf`` the audit). :func:`audit_report` says what share of
the facts has been checked and what the latest verdict on each is, so that the next audit
samples what was not checked yet.

:func:`check_quotes` (``--sources DIR``) checks that every ``r2p:Quote`` is an exact excerpt
of its source's local copy in ``DIR``. A quotation's source is its ``r2p:quotedFrom`` (or, when
it has none, its ``dcterms:source``). The local copy of a source ``S`` is, in this order:

1. ``DIR/<path>`` then ``DIR/<file name of path>`` for ``S r2p:localCopy "<path>"``, or for the
   ``r2p:localCopy`` of a source document whose ``schema:url`` is ``S``;
2. ``DIR/<slug>.txt`` where ``<slug>`` is the last segment of ``S`` (for the project's own
   source IRIs, ``https://w3id.org/r2p/id/source/<slug>``).

Text is compared after normalising whitespace, typographic quotes and apostrophes, dashes and
the ellipsis. A quotation whose source has no local copy is *unchecked*, never passed.

Kept to rdflib and the standard library, with no dependency on the build pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from . import vocab
from .config import Settings
from .pipeline.files import discover

# The curated files are written under the default base IRI (a build may serve them under
# another one); the audit reads the files, so it reads them under the default.
R2P = Namespace(vocab.r2p(Settings.base_iri))
SCHEMA = Namespace(vocab.SCHEMA)

#: Classes whose instances are facts (the classes every node of which cites a source).
FACT_CLASSES = tuple(
    R2P[name]
    for name in (
        "Meeting",
        "Participation",
        "ParticipantTally",
        "Statement",
        "StanceAssessment",
        "Quote",
        "MeetingClaim",
        "UNDocument",
        "Person",
        "FocalPointAppointment",
    )
)

_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}


class AuditInputError(Exception):
    """Unusable input: a missing folder or an unreadable file."""


def normalise(text: str) -> str:
    """Text as compared: NFKC, typographic quotes, apostrophes and dashes made plain, the
    ellipsis spelled out, runs of whitespace collapsed to one space."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_QUOTES.get(ch, ch) for ch in text)
    return " ".join(text.split())


def load_graph(paths: Iterable[Path], ontology: Path | None = None) -> Graph:
    """The data (and the ontology, for subclasses) as one rdflib graph."""
    graph = Graph()
    files = discover(paths)
    if ontology is not None and ontology.is_file():
        files.append(ontology)
    for path in files:
        try:
            graph.parse(path)
        except Exception as exc:  # rdflib raises many unrelated types
            raise AuditInputError(f"{path}: cannot parse: {exc}") from exc
    return graph


# ---- the audit trail -------------------------------------------------------------------


@dataclass
class Check:
    node: Node
    fact: Node | None
    sources: list[Node]
    verdict: Node | None
    date: str
    audit: Node | None


@dataclass
class AuditReport:
    facts: set[Node] = field(default_factory=set)
    checks: list[Check] = field(default_factory=list)
    audits: list[tuple[Node, str, str, int, int | None]] = field(default_factory=list)

    @property
    def latest(self) -> dict[Node, Check]:
        """The latest check of each fact (by date; an undated check counts as oldest)."""
        out: dict[Node, Check] = {}
        for check in sorted(self.checks, key=lambda c: c.date):
            if check.fact is not None:
                out[check.fact] = check
        return out

    @property
    def checked_facts(self) -> set[Node]:
        return set(self.latest) & self.facts

    @property
    def unknown_facts(self) -> set[Node]:
        return set(self.latest) - self.facts


def _facts(graph: Graph) -> set[Node]:
    classes: set[Node] = set()
    for cls in FACT_CLASSES:
        classes |= {c for c in graph.transitive_subjects(RDFS.subClassOf, cls) if c is not None}
    return {s for cls in classes for s in graph.subjects(RDF.type, cls) if s is not None}


def _date(graph: Graph, node: Node) -> str:
    value = graph.value(node, DCTERMS.date)
    return str(value) if value is not None else ""


def audit_report(graph: Graph) -> AuditReport:
    """The facts of the graph and the fact checks of its audit trail."""
    report = AuditReport(facts=_facts(graph))
    for audit in sorted(set(graph.subjects(RDF.type, R2P.Audit)), key=str):
        parts = len(set(graph.subjects(DCTERMS.isPartOf, audit)))
        size = graph.value(audit, R2P.sampleSize)
        label = graph.value(audit, RDFS.label)
        report.audits.append(
            (
                audit,
                str(label or audit),
                _date(graph, audit),
                parts,
                int(size) if isinstance(size, Literal) else None,
            )
        )
    for node in sorted(set(graph.subjects(RDF.type, R2P.FactCheck)), key=str):
        part_of = graph.value(node, DCTERMS.isPartOf)
        date = _date(graph, node) or (_date(graph, part_of) if part_of is not None else "")
        report.checks.append(
            Check(
                node=node,
                fact=graph.value(node, R2P.checkedFact),
                sources=sorted(graph.objects(node, R2P.checkedAgainst), key=str),
                verdict=graph.value(node, R2P.verdict),
                date=date,
                audit=part_of,
            )
        )
    return report


def _label(graph: Graph, node: Node | None) -> str:
    if node is None:
        return "(none)"
    label = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)
    return str(label) if label is not None else str(node)


def format_report(graph: Graph, report: AuditReport) -> str:
    lines = []
    total = len(report.facts)
    checked = len(report.checked_facts)
    share = 100.0 * checked / total if total else 0.0
    lines.append(f"facts: {total}; checked against a source: {checked} ({share:.1f}%)")
    verdicts = Counter(
        _label(graph, c.verdict) for f, c in report.latest.items() if f in report.facts
    )
    lines.append("latest verdict per checked fact:")
    for name, count in sorted(verdicts.items()):
        lines.append(f"  {name}: {count}")
    lines.append("audits:")
    for _node, label, date, parts, size in report.audits:
        drawn = f", {size} drawn" if size is not None else ""
        lines.append(f"  {date or 'undated'}: {label} ({parts} fact check(s) recorded{drawn})")
    mismatched = sorted(
        str(f)
        for f, c in report.latest.items()
        if c.verdict is not None and str(c.verdict).endswith("/verdict/mismatch")
    )
    if mismatched:
        lines.append("facts whose latest verdict is a mismatch:")
        lines += [f"  {f}" for f in mismatched]
    if report.unknown_facts:
        lines.append("checked nodes that are not facts of the data:")
        lines += [f"  {f}" for f in sorted(map(str, report.unknown_facts))]
    by_class: Counter[str] = Counter()
    for fact in report.facts - report.checked_facts:
        for cls in graph.objects(fact, RDF.type):
            if str(cls).startswith(str(R2P)):
                by_class[str(cls).removeprefix(str(R2P))] += 1
    lines.append(
        "not checked yet, by class: " + ", ".join(f"{k} {v}" for k, v in sorted(by_class.items()))
    )
    return "\n".join(lines) + "\n"


# ---- quotations against local copies -------------------------------------------------------


@dataclass
class QuoteResult:
    quote: Node
    holder: Node | None
    source: Node | None
    text: str
    status: str  # "found", "not found", "unchecked"
    copy: Path | None = None


def _candidates(graph: Graph, source: Node, folder: Path) -> list[Path]:
    paths: list[Path] = []
    documents = [source, *graph.subjects(SCHEMA.url, source)]
    for doc in documents:
        for copy in graph.objects(doc, R2P.localCopy):
            relative = Path(str(copy))
            paths += [folder / relative, folder / relative.name]
    slug = str(source).rstrip("/").rsplit("/", 1)[-1]
    if slug and re.fullmatch(r"[\w.-]+", slug):
        paths.append(folder / f"{slug}.txt")
    return paths


def local_copy(graph: Graph, source: Node, folder: Path) -> Path | None:
    """The file in ``folder`` that is the local copy of ``source``, if any."""
    for path in _candidates(graph, source, folder):
        if path.is_file():
            return path
    return None


def check_quotes(graph: Graph, folder: Path) -> list[QuoteResult]:
    """Every quotation of the graph, found / not found in its source's local copy, or
    unchecked when no source of it has a local copy in ``folder``."""
    if not folder.is_dir():
        raise AuditInputError(
            f"{folder}: no such folder (--sources needs the folder of local copies)"
        )
    texts: dict[Path, str] = {}
    results = []
    for quote in sorted(set(graph.subjects(RDF.type, R2P.Quote)), key=str):
        text = graph.value(quote, R2P.quotedText)
        holder = next(iter(sorted(graph.subjects(R2P.hasQuote, quote), key=str)), None)
        sources = sorted(graph.objects(quote, R2P.quotedFrom), key=str) or sorted(
            graph.objects(quote, DCTERMS.source), key=str
        )
        if not isinstance(text, Literal):
            results.append(
                QuoteResult(quote, holder, sources[0] if sources else None, "", "not found")
            )
            continue
        found = None
        for source in sources:
            path = local_copy(graph, source, folder)
            if path is not None:
                found = (source, path)
                break
        if found is None:
            results.append(
                QuoteResult(quote, holder, sources[0] if sources else None, str(text), "unchecked")
            )
            continue
        source, path = found
        if path not in texts:
            try:
                texts[path] = normalise(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise AuditInputError(f"{path}: cannot read: {exc}") from exc
        status = "found" if normalise(str(text)) in texts[path] else "not found"
        results.append(QuoteResult(quote, holder, source, str(text), status, path))
    return results


def format_quotes(results: list[QuoteResult]) -> str:
    counts = Counter(r.status for r in results)
    lines = []
    for r in results:
        if r.status == "not found":
            lines.append(
                f'NOT FOUND: "{r.text}"\n  quote:  {r.quote}\n  in:     {r.holder}\n'
                f"  source: {r.source} (local copy {r.copy})"
            )
    unchecked = [r for r in results if r.status == "unchecked"]
    if unchecked:
        lines.append(f"unchecked (no local copy of the source): {len(unchecked)}")
        lines += [f"  {r.quote} (source {r.source})" for r in unchecked]
    lines.append(
        f"quotations: {len(results)}; found in their source: {counts['found']}; "
        f"not found: {counts['not found']}; unchecked: {counts['unchecked']}"
    )
    return "\n".join(lines) + "\n"
