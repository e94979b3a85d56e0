"""Step 2 of the pipeline: check the asserted data against the SHACL shapes.

Validation runs on the asserted data with the ontology beside it (so ``sh:class`` follows
``rdfs:subClassOf``) and no inference: inference would add the super-properties and
super-classes the ontology implies and hide what was really written. pySHACL runs over a
pyoxigraph store (:mod:`r2p_graph.pipeline.pyshacl_adapter`: fast, and split across
processes for big data); the few subjects whose literals the store rewrites in a way a
shape could notice are checked again exactly, so the findings are those of pySHACL on the
data as written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, SH, Graph, Literal
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.term import Node

from ..config import Settings
from . import child
from .load import load_shapes, read_sources
from .pyshacl_adapter import merge_reports, recheck_rewritten, run_pyshacl

if TYPE_CHECKING:
    from ..config import Settings
    from .load import WrittenSources

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    """One validation result, in the words a data maintainer needs."""

    severity: str
    focus_node: str
    path: str | None
    message: str
    component: str
    value: str | None = None
    shape: str | None = None
    file: str | None = None


@dataclass
class ValidationOutcome:
    """All findings of one validation run, and the report graph pySHACL produced."""

    findings: list[Finding] = field(default_factory=list)
    report: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[Finding]:
        """Findings that fail validation."""
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        """Editorial gaps that do not fail validation."""
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (warnings are allowed)."""
        return not self.violations


def validate_graph(
    data: Graph,
    *,
    shapes: Graph,
    ontology: Graph,
    origin: Mapping[Node, Path] | None = None,
) -> ValidationOutcome:
    """Validate an rdflib graph against ``shapes``, the way the build validates its data;
    ``origin`` maps subjects to the file they came from."""
    written = ox.Dataset()
    for graph in (data, ontology):
        text = graph.serialize(format="nt", encoding="utf-8")
        for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
            written.add(quad)
    store = ox.Store()
    store.extend(written)
    report = recheck_rewritten(
        run_pyshacl(store, shapes),
        written,
        shapes=shapes,
        ontology=ontology,
        exact_validate=exact_pyshacl,
    )
    found = origin or {}
    return outcome_from_report(report, lambda node: found.get(node))


def validate_sources(
    sources: WrittenSources,
    store: ox.Store,
    *,
    shapes: Graph,
    settings: Settings,
    data_paths: Sequence[Path] | None = None,
) -> ValidationOutcome:
    """Validate what :func:`r2p_graph.pipeline.load.read_sources` read, over ``store`` (its
    default graph holds the ontology and the data). Big data is split across
    ``settings.validation_workers`` processes, each reading the same files."""
    workers = validation_workers(settings, len(store))
    if workers > 1:
        others = [_start_part(settings, data_paths, k, workers) for k in range(1, workers)]
        try:
            reports = [run_pyshacl(store, shapes, part=(0, workers))]
            reports += [Graph().parse(data=part.finish(), format="nt") for part in others]
        finally:
            for part in others:
                part.stop()
        report = merge_reports(reports)
    else:
        report = run_pyshacl(store, shapes)
    ontology = Graph().parse(settings.ontology_file, format="turtle")
    report = recheck_rewritten(
        report, sources.dataset, shapes=shapes, ontology=ontology, exact_validate=exact_pyshacl
    )
    return outcome_from_report(report, sources.origin)


def validation_workers(settings: Settings, quads: int) -> int:
    """How many processes validate ``quads`` quads."""
    if settings.validation_workers > 0:
        return settings.validation_workers
    if quads < settings.parallel_validation_quads:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def _start_part(
    settings: Settings, data_paths: Sequence[Path] | None, part: int, parts: int
) -> child.Child:
    """Start one share of a parallel validation in its own process (:func:`part_main`)."""
    task = {
        "data_paths": None if data_paths is None else [str(p) for p in data_paths],
        "part": [part, parts],
    }
    return child.start("r2p_graph.pipeline.validate:part_main", settings, task,
                       label="a validation process")


def part_main() -> int:
    """Entry point of a validation process: settings and its share on stdin (from
    :func:`_start_part`), its report as N-Triples on stdout."""
    settings, task = child.read_task()
    paths = task["data_paths"]
    data_paths = None if paths is None else [Path(p) for p in paths]
    part, parts = task["part"]
    store = read_sources(settings, data_paths).store()
    report = run_pyshacl(store, load_shapes(settings), part=(part, parts))
    sys.stdout.buffer.write(report.serialize(format="nt", encoding="utf-8"))
    sys.stdout.buffer.flush()
    return 0


def exact_pyshacl(data: Graph, shapes: Graph, ontology: Graph) -> Graph:
    """pySHACL over an rdflib graph, literals exactly as written (slow on big data: used
    for the few subjects :func:`r2p_graph.pipeline.pyshacl_adapter.recheck_rewritten` re-checks)."""
    with _parsed_queries_reused():
        _conforms, report, _text = pyshacl_validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    assert isinstance(report, Graph)
    return report


def outcome_from_report(report: Graph, origin: Callable[[Node], Path | None]) -> ValidationOutcome:
    """The findings of a SHACL report graph, each with the file its focus node came from."""
    findings: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        component = report.value(result, SH.sourceConstraintComponent)
        shape = report.value(result, SH.sourceShape)
        file = origin(focus) if focus is not None else None
        findings.append(
            Finding(
                severity=_severity_name(severity),
                focus_node=_n3(focus) or "",
                path=_n3(path),
                message="; ".join(messages) or "(no message)",
                component=_short(component),
                value=_n3(value),
                shape=_n3(shape) if shape is not None and not _is_bnode(shape) else None,
                file=str(file) if file is not None else None,
            )
        )
    findings.sort(key=lambda f: (f.severity != "Violation", f.file or "", f.focus_node, f.message))
    return ValidationOutcome(findings=findings, report=report)


# Kept across validations in one process (the shape tests validate hundreds of small
# graphs against the same shapes); trees stay referenced here, so id() keys stay valid.
_PARSED: dict[str, object] = {}
_TRANSLATED: dict[tuple[int, object, object], object] = {}
_MAX_CACHED = 512


@contextmanager
def _parsed_queries_reused() -> Iterator[None]:
    """Parse each SHACL-SPARQL constraint once instead of once per focus node.

    pySHACL hands rdflib the same query text with a different ``$this`` binding for every
    focus node, and rdflib parses it afresh each time: on our data that parsing was 80% of
    validation time. Parsed and translated queries are safe to reuse with other bindings
    (that is what ``prepareQuery`` is for), so both steps are memoized (kept for the
    process) and rdflib's own functions are restored after each validation.
    """
    original_parse = sparql_processor.parseQuery
    original_translate = sparql_processor.translateQuery
    parsed, translated = _PARSED, _TRANSLATED
    if len(parsed) > _MAX_CACHED:  # shapes have a few dozen texts; bound it all the same
        parsed.clear()
        translated.clear()

    def parse(text: str) -> object:
        if text not in parsed:
            parsed[text] = original_parse(text)
        return parsed[text]

    def translate(tree: object, base: object = None, init_ns: object = None) -> object:
        key = (
            id(tree),
            base,
            tuple(sorted(init_ns.items())) if isinstance(init_ns, dict) else init_ns,
        )
        if key not in translated:
            translated[key] = original_translate(tree, base, init_ns)  # type: ignore[arg-type]
        return translated[key]

    sparql_processor.parseQuery = parse  # type: ignore[assignment]
    sparql_processor.translateQuery = translate  # type: ignore[assignment]
    try:
        yield
    finally:
        sparql_processor.parseQuery = original_parse
        sparql_processor.translateQuery = original_translate


def format_text(outcome: ValidationOutcome) -> str:
    """A readable report: one block per finding, then a summary line."""
    lines: list[str] = []
    for f in outcome.findings:
        where = f" ({f.file})" if f.file else ""
        lines.append(f"{f.severity}: {f.focus_node}{where}")
        if f.path:
            lines.append(f"  path:      {f.path}")
        if f.value:
            lines.append(f"  value:     {f.value}")
        lines.append(f"  message:   {f.message}")
        lines.append(f"  component: {f.component}")
    verdict = "conforms" if outcome.conforms else "does not conform"
    lines.append(
        f"{verdict}: {len(outcome.violations)} violation(s), {len(outcome.warnings)} warning(s)"
    )
    return "\n".join(lines) + "\n"


def format_json(outcome: ValidationOutcome) -> str:
    """The findings as a JSON document."""
    return (
        json.dumps(
            {
                "conforms": outcome.conforms,
                "violations": len(outcome.violations),
                "warnings": len(outcome.warnings),
                "findings": [asdict(f) for f in outcome.findings],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def format_turtle(outcome: ValidationOutcome) -> str:
    """The W3C SHACL validation report graph, in Turtle."""
    return outcome.report.serialize(format="turtle")


def format_junit(outcome: ValidationOutcome) -> str:
    """JUnit XML: one failed test case per violation, one passing case per warning.

    CI systems (GitHub, GitLab, Jenkins) list each violation as a failed case named after
    its focus node.
    """
    suite = ET.Element(
        "testsuite",
        name="r2p-graph SHACL validation",
        tests=str(max(len(outcome.findings), 1)),
        failures=str(len(outcome.violations)),
        errors="0",
    )
    if not outcome.findings:
        ET.SubElement(suite, "testcase", classname="shacl", name="data conforms")
    for f in outcome.findings:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"shacl.{f.component}",
            name=f"{f.focus_node} {f.path or ''}".strip(),
            file=f.file or "",
        )
        text = f"{f.message}\npath: {f.path}\nvalue: {f.value}\nfile: {f.file}"
        if f.severity == "Violation":
            failure = ET.SubElement(case, "failure", message=f.message, type=f.component)
            failure.text = text
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"{f.severity}: {text}"
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


FORMATTERS = {
    "text": format_text,
    "json": format_json,
    "turtle": format_turtle,
    "junit": format_junit,
}


def _severity_name(severity: Node | None) -> str:
    if severity is None:
        return "Violation"
    for iri, name in SEVERITY_NAMES.items():
        if severity == iri:
            return name
    return str(severity)


def _is_bnode(node: Node) -> bool:
    return node.__class__.__name__ == "BNode"


def _n3(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    if _is_bnode(node):
        return "[]"
    return node.n3() if hasattr(node, "n3") else str(node)


def _short(node: Node | None) -> str:
    if node is None:
        return "unknown"
    text = str(node)
    return "sh:" + text[len(str(SH)) :] if text.startswith(str(SH)) else text
