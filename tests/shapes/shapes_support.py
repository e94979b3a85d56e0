"""Helpers for the shape tests: load the shapes, the ontology and fixtures; validate the way
the project does; list the constraints the shapes declare.

Kept independent of ``r2p_graph.pipeline.validate`` on purpose: these tests check the shapes, and
must not fail because the pipeline's reporting changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SH, Graph, URIRef
from rdflib.collection import Collection
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.term import Node

from r2p_graph.pipeline.validate import format_text, validate_graph

ROOT = Path(__file__).resolve().parents[2]
SHAPES_DIR = ROOT / "ontology" / "shapes"
ONTOLOGY = ROOT / "ontology" / "r2p.ttl"
DATA_DIR = ROOT / "data"
SCHEMES = DATA_DIR / "vocabularies" / "schemes.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE_FIXTURE = FIXTURES / "base.ttl"
VALID_DIR = FIXTURES / "valid"
INVALID_DIR = FIXTURES / "invalid"

R2PSH = "https://w3id.org/r2p/shapes#"
R2P = "https://w3id.org/r2p/def#"

#: Constraint parameters and the constraint component that reports them.
PARAMETER_COMPONENT: dict[URIRef, URIRef] = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
}

#: Shape properties that are not constraints of their own.
NON_CONSTRAINT_PARAMETERS = {
    RDF.type,
    SH.path,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.property,
    SH.sparql,
    SH.flags,
    SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint,
    SH.deactivated,
    SH.ignoredProperties,
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
}

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def load_shapes() -> Graph:
    """Every ontology/shapes/*.ttl in one graph."""
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def load_ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def project_validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    """Validate exactly as the project does (``r2p_graph.pipeline.validate.validate_graph``)."""
    outcome = validate_graph(data, shapes=shapes, ontology=ontology)
    return outcome.conforms, outcome.report, format_text(outcome)


@dataclass(frozen=True)
class Result:
    """One validation result, reduced to what the fixture tests compare."""

    constraint: str  # local name of the property shape or the SPARQL constraint
    component: URIRef
    focus: Node
    severity: URIRef
    message: str

    def describe(self) -> str:
        comp = str(self.component).removeprefix(str(SH))
        sev = str(self.severity).removeprefix(str(SH))
        return f"{sev} {self.constraint} sh:{comp} focus={self.focus.n3()}: {self.message}"


def local_name(node: Node) -> str:
    text = str(node)
    return text[len(R2PSH) :] if text.startswith(R2PSH) else node.n3()


def results(report: Graph) -> list[Result]:
    """The report's results, each named by the rule that produced it."""
    out = []
    nested = set(report.objects(None, SH.detail))
    for res in report.subjects(RDF.type, SH.ValidationResult):
        if res in nested:  # a sh:node / sh:or detail, reported through its parent result
            continue
        component = report.value(res, SH.sourceConstraintComponent)
        source = report.value(res, SH.sourceConstraint)
        if component != SH.SPARQLConstraintComponent or source is None:
            source = report.value(res, SH.sourceShape)
        out.append(
            Result(
                constraint=local_name(source),
                component=component,
                focus=report.value(res, SH.focusNode),
                severity=report.value(res, SH.resultSeverity),
                message="; ".join(str(m) for m in report.objects(res, SH.resultMessage)),
            )
        )
    return sorted(out, key=lambda r: r.describe())


def top_level_shapes(shapes: Graph) -> set[Node]:
    """Shapes that are validated directly: targeted node shapes and their property shapes.

    Helper shapes reached only through sh:node / sh:or / sh:qualifiedValueShape report
    through the constraint that uses them, so they are not constraints of their own here.
    """
    targeted = {s for t in TARGETS for s in shapes.subjects(t, None)}
    props = {p for s in targeted for p in shapes.objects(s, SH.property)}
    return targeted | props


def declared_constraints(shapes: Graph) -> set[tuple[str, URIRef]]:
    """Every (rule, component) the shapes declare: the set the invalid fixtures must cover."""
    found: set[tuple[str, URIRef]] = set()
    for shape in top_level_shapes(shapes):
        for param in set(shapes.predicates(shape, None)):
            if param in PARAMETER_COMPONENT:
                found.add((local_name(shape), PARAMETER_COMPONENT[param]))
            elif param == SH.sparql:
                for sparql in shapes.objects(shape, SH.sparql):
                    found.add((local_name(sparql), SH.SPARQLConstraintComponent))
            elif param not in NON_CONSTRAINT_PARAMETERS:
                raise AssertionError(f"unknown shape parameter {param} on {local_name(shape)}")
    return found


def rule_names(shapes: Graph) -> set[str]:
    """Names of the rules: top-level property shapes and SPARQL constraints."""
    return {name for name, _ in declared_constraints(shapes)}


def rdf_list(graph: Graph, head: Node) -> list[Node]:
    return list(Collection(graph, head))


# ---- fixtures -------------------------------------------------------------------------

_EXPECT = re.compile(r"^#\s*expect:\s*(sh:\w+)\s+(\S+)(?:\s+([\w-]+))?\s*$")


@dataclass(frozen=True)
class Expectation:
    constraint: str
    component: URIRef
    focus: Node

    def describe(self) -> str:
        comp = str(self.component).removeprefix(str(SH))
        return f"{self.constraint} sh:{comp} focus={self.focus.n3()}"


def expectations(path: Path, graph: Graph) -> list[Expectation]:
    """The `# expect: sh:<Component> <focus> [<Rule>]` lines of an invalid fixture.

    The rule defaults to the fixture's folder name; the focus is an IRI in <...> or a
    prefixed name declared in the fixture.
    """
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _EXPECT.match(line.strip())
        if not match:
            continue
        component = SH[match.group(1).removeprefix("sh:")]
        focus_text = match.group(2)
        if focus_text.startswith("<") and focus_text.endswith(">"):
            focus: Node = URIRef(focus_text[1:-1])
        else:
            focus = graph.namespace_manager.expand_curie(focus_text)
        found.append(Expectation(match.group(3) or path.parent.name, component, focus))
    return found


_COVERS = re.compile(r"^#\s*covers:\s*([\w-]+)\s*$")


def covers(path: Path) -> list[str]:
    """The rules a valid fixture says it exercises (`# covers: <Rule>` lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [m.group(1) for m in map(_COVERS.match, (ln.strip() for ln in lines)) if m]


def rule_shapes(shapes: Graph) -> dict[str, tuple[Node, Node]]:
    """Property-shape rules: name -> (the property shape, the node shape that uses it)."""
    found = {}
    for node_shape in {s for t in TARGETS for s in shapes.subjects(t, None)}:
        for prop in shapes.objects(node_shape, SH.property):
            found[local_name(prop)] = (prop, node_shape)
    return found


def rdflib_path(shapes: Graph, path: Node) -> Any:
    """A SHACL property path as an rdflib path (predicate, inverse, sequence, alternative)."""
    if isinstance(path, URIRef):
        return path
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return InvPath(rdflib_path(shapes, inverse))
    alternative = shapes.value(path, SH.alternativePath)
    if alternative is not None:
        return AlternativePath(*(rdflib_path(shapes, p) for p in rdf_list(shapes, alternative)))
    return SequencePath(*(rdflib_path(shapes, p) for p in rdf_list(shapes, path)))


def focus_nodes(shapes: Graph, node_shape: Node, data: Graph, ontology: Graph) -> set[Node]:
    """Focus nodes of a node shape's class and subjects-of targets (SPARQL targets skipped)."""
    found: set[Node] = set()
    for cls in shapes.objects(node_shape, SH.targetClass):
        classes = set(ontology.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
        for c in classes:
            found |= set(data.subjects(RDF.type, c))
    for prop in shapes.objects(node_shape, SH.targetSubjectsOf):
        found |= set(data.subjects(prop, None))
    return found


def invalid_fixtures() -> Iterator[Path]:
    return iter(sorted(INVALID_DIR.glob("*/*.ttl")))


def valid_fixtures() -> Iterator[Path]:
    return iter(sorted(VALID_DIR.glob("*.ttl")))
