"""Static checks on ontology/shapes/*.ttl: vocabulary typos, messages, prefixes, targets.

None of these run a validation; they catch the mistakes SHACL engines stay silent about
(an unknown sh: term is just another triple; a dangling sh:property reference checks
nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from .shapes_support import (
    DATA_DIR,
    R2P,
    R2PSH,
    SHAPES_DIR,
    TARGETS,
    load_ontology,
    load_shapes,
    local_name,
    top_level_shapes,
)

SHAPE_FILES = sorted(SHAPES_DIR.glob("*.ttl"))
PREFIXES_NODE = URIRef("https://w3id.org/r2p/shapes")
ORG = "http://www.w3.org/ns/org#"
SPARQL_PREFIXED = re.compile(r"(?<![\w<\"'?$])([A-Za-z][\w-]*):(?:[A-Za-z_][\w-]*)?")

#: Classes from other vocabularies that shapes may target or require.
EXTERNAL_CLASSES = {SKOS.Concept, SKOS.ConceptScheme, URIRef(ORG + "Membership")}


def _iris(graph: Graph) -> set[URIRef]:
    return {t for triple in graph for t in triple if isinstance(t, URIRef)}


def _sparql_texts(shapes: Graph) -> list[tuple[str, str]]:
    """(owner, query text) for every sh:select in the shapes: constraints and targets."""
    return [(local_name(s), str(q)) for s, q in shapes.subject_objects(SH.select)]


def _owner_shape(shapes: Graph, node: URIRef) -> str:
    return local_name(node)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_shape_file_parses_on_its_own(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 0


def test_every_sh_term_is_shacl(shapes: Graph) -> None:
    """`sh:message:` (trailing colon) is valid Turtle for an unknown predicate; catch it."""
    unknown = sorted(str(i) for i in _iris(shapes) if str(i).startswith(str(SH)) and i not in SH)
    assert not unknown, f"not SHACL terms: {unknown}"


def test_every_r2p_term_is_defined_in_the_ontology(shapes: Graph, ontology: Graph) -> None:
    defined = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(R2P)}
    used = {i for i in _iris(shapes) if str(i).startswith(R2P)}
    for _owner, text in _sparql_texts(shapes):
        used |= {URIRef(R2P + m) for m in re.findall(r"\br2p:([A-Za-z][\w-]*)", text)}
    assert not sorted(used - defined), (
        f"r2p: terms not in ontology/r2p.ttl: {sorted(used - defined)}"
    )


def test_every_r2psh_reference_resolves(shapes: Graph) -> None:
    """A typo in an sh:property / sh:node / sh:sparql reference would silently check nothing."""
    defined = {s for s in shapes.subjects(RDF.type, None) if str(s).startswith(R2PSH)}
    referenced = {
        o
        for p in (SH.property, SH.node, SH.sparql)
        for o in shapes.objects(None, p)
        if str(o).startswith(R2PSH)
    }
    assert not sorted(referenced - defined), f"dangling: {sorted(referenced - defined)}"


def test_every_named_rule_is_used(shapes: Graph) -> None:
    """A property shape or SPARQL constraint nobody attaches is never evaluated."""
    used = set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.sparql))
    used |= set(shapes.objects(None, SH.node))
    rules = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(
        shapes.subjects(RDF.type, SH.SPARQLConstraint)
    )
    unused = sorted(local_name(r) for r in rules - used)
    assert not unused, f"rules attached to no node shape: {unused}"
    helpers = {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if not any(shapes.value(s, t) is not None for t in TARGETS)
    }
    unused_helpers = sorted(local_name(h) for h in helpers - used)
    assert not unused_helpers, f"untargeted node shapes nothing refers to: {unused_helpers}"


def test_every_shape_and_sparql_constraint_has_a_message(shapes: Graph) -> None:
    needing = (
        set(shapes.subjects(RDF.type, SH.NodeShape))
        | set(shapes.subjects(RDF.type, SH.PropertyShape))
        | set(shapes.objects(None, SH.property))
        | set(shapes.objects(None, SH.sparql))
        | set(shapes.subjects(SH.path, None))
    )
    silent = []
    for shape in needing:
        messages = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]
        if not messages or not all(str(m).strip() for m in messages):
            silent.append(local_name(shape) if str(shape).startswith(R2PSH) else repr(shape))
    assert not silent, f"shapes or constraints without sh:message: {sorted(silent)}"


def test_named_rules_are_typed(shapes: Graph) -> None:
    for prop in shapes.objects(None, SH.property):
        if str(prop).startswith(R2PSH):
            assert (prop, RDF.type, SH.PropertyShape) in shapes, local_name(prop)
    for sparql in shapes.objects(None, SH.sparql):
        assert (sparql, RDF.type, SH.SPARQLConstraint) in shapes, local_name(sparql)


def test_severities_are_shacl_severities(shapes: Graph) -> None:
    allowed = {SH.Violation, SH.Warning, SH.Info}
    bad = sorted(str(o) for o in shapes.objects(None, SH.severity) if o not in allowed)
    assert not bad, bad


#: Editorial gaps: reported, never failing. Every other rule is a Violation.
WARNING_RULES = {
    "Meeting-hasTallyPresent",  # a meeting nobody counted
    "ParticipantTally-reportedCountPresent",  # a tally whose source gives no number
    "Statement-subjectPresent",  # no theme, pillar or crime
    "Statement-quotePresent",  # no supporting quotation
    "StatementOnBehalfOfMember",  # deliverer not recorded as a member of the group
    "StanceAssessment-assessed",  # orphan stance
    "Quote-quoted",  # orphan quotation
    "QuoteAtMost15Words",  # 16-25 words (more than 25 is a Violation)
    "QuoteSaidByStatementActor",  # a statement's quote in someone else's words
    "TallyCountDisagreementRecorded",  # two counts differ, no note of disagreement
    "Person-label",  # a person without a name
    "Concept-definition",  # a concept without an English definition
}


def _rule_severity(shapes: Graph, rule: URIRef) -> URIRef:
    """A property shape's own severity; a SPARQL constraint's is its host shape's."""
    holder = rule
    if (rule, RDF.type, SH.SPARQLConstraint) in shapes:
        holder = next(shapes.subjects(SH.sparql, rule))
    return shapes.value(holder, SH.severity) or SH.Violation


def test_editorial_rules_warn_and_all_others_are_violations(shapes: Graph) -> None:
    rules = set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.sparql))
    named = {local_name(r): r for r in rules if str(r).startswith(R2PSH)}
    assert WARNING_RULES <= set(named), sorted(WARNING_RULES - set(named))
    wrong = sorted(
        name
        for name, rule in named.items()
        if _rule_severity(shapes, rule) != (SH.Warning if name in WARNING_RULES else SH.Violation)
    )
    assert not wrong, f"rules with the wrong severity: {wrong}"


def test_property_shapes_state_their_own_severity(shapes: Graph) -> None:
    """sh:severity does not flow from a node shape to its property shapes: a Warning node
    shape's property shapes must say sh:Warning themselves."""
    for node_shape in shapes.subjects(SH.severity, SH.Warning):
        for prop in shapes.objects(node_shape, SH.property):
            assert shapes.value(prop, SH.severity) == SH.Warning, local_name(prop)


def test_no_closed_shapes(shapes: Graph) -> None:
    """sh:closed clashes with the ontology's subproperties (design doc A.3, gotcha 1)."""
    assert not list(shapes.subjects(SH.closed, None))


def test_sparql_declares_every_prefix_it_uses(shapes: Graph) -> None:
    declared = {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
        for d in shapes.objects(PREFIXES_NODE, SH.declare)
    }
    assert declared["r2p"] == R2P
    assert all(ns.endswith(("#", "/")) for ns in declared.values())
    for holder in set(shapes.subjects(SH.select, None)):
        assert shapes.value(holder, SH.prefixes) == PREFIXES_NODE, (
            f"{local_name(holder)} needs sh:prefixes <{PREFIXES_NODE}>"
        )
    for owner, text in _sparql_texts(shapes):
        without_iris = re.sub(r"<[^>]*>", "", re.sub(r'"(?:[^"\\]|\\.)*"', '""', text))
        used = {m for m in SPARQL_PREFIXED.findall(without_iris)}
        missing = used - set(declared)
        assert not missing, f"{owner}: prefixes not declared on <{PREFIXES_NODE}>: {missing}"


def _where(text: str) -> str:
    """The WHERE clause of a query, with $this spelled ?this, whitespace collapsed."""
    body = text[re.search(r"\bWHERE\b", text).end() :]  # type: ignore[union-attr]
    return " ".join(body.replace("$this", "?this").split())


def test_sparql_targets_select_what_their_constraint_checks(shapes: Graph) -> None:
    """Each SPARQL rule r2psh:X hangs on r2psh:XShape, whose SPARQL target runs the same
    WHERE clause over the whole graph (see prefixes.ttl). If the two drift apart, the rule
    checks nodes it should not, or misses the ones it should."""
    for sparql in shapes.objects(None, SH.sparql):
        hosts = list(shapes.subjects(SH.sparql, sparql))
        assert len(hosts) == 1, f"{local_name(sparql)} hangs on {len(hosts)} shapes"
        host = hosts[0]
        target = shapes.value(host, SH.target)
        assert target is not None, f"{local_name(host)} has no SPARQL target"
        assert (target, RDF.type, SH.SPARQLTarget) in shapes
        assert local_name(host) == local_name(sparql) + "Shape"
        constraint_text = str(shapes.value(sparql, SH.select))
        target_text = str(shapes.value(target, SH.select))
        assert re.match(r"\s*SELECT\s+\$this\b", constraint_text), local_name(sparql)
        assert re.match(r"\s*SELECT\s+DISTINCT\s+\?this\s+WHERE", target_text), local_name(host)
        assert _where(constraint_text) == _where(target_text), (
            f"{local_name(host)}: the target's WHERE clause differs from {local_name(sparql)}'s"
        )


def test_targets_and_classes_are_known(shapes: Graph, ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class)) | EXTERNAL_CLASSES
    used = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    assert not sorted(used - classes), f"unknown classes: {sorted(used - classes)}"


def test_every_r2p_class_is_targeted(shapes: Graph, ontology: Graph) -> None:
    """Every class of the ontology has a node shape (directly or through a superclass that
    the data's classes all share, e.g. r2p:Actor for r2p:Group)."""
    targeted = set(shapes.objects(None, SH.targetClass))
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(R2P):
            continue
        supers = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        assert supers & targeted, f"no shape targets {local_name(cls)} or a superclass of it"
    assert {SKOS.Concept, SKOS.ConceptScheme} <= targeted


def test_provenance_targets_the_sourced_classes(shapes: Graph) -> None:
    # The classes whose nodes must cite a source are the facts the audit counts.
    from r2p_graph.audit import FACT_CLASSES

    expected = set(FACT_CLASSES)
    sourced = URIRef(R2PSH + "SourcedShape")
    assert set(shapes.objects(sourced, SH.targetClass)) == expected


def test_iris_the_shapes_name_exist_in_the_vocabularies(shapes: Graph) -> None:
    """Schemes in sh:hasValue and concepts in SPARQL (completeness/complete, ...) must exist:
    a typo would make a value-in-scheme check fail on everything, or a rule never fire."""
    vocab = Graph()
    for path in sorted((DATA_DIR / "vocabularies").glob("*.ttl")):
        vocab.parse(path, format="turtle")
    known = set(vocab.subjects(RDF.type, SKOS.ConceptScheme)) | set(
        vocab.subjects(RDF.type, SKOS.Concept)
    )
    named = {i for i in _iris(shapes) if str(i).startswith("https://w3id.org/r2p/id/")}
    for _owner, text in _sparql_texts(shapes):
        named |= {URIRef(m) for m in re.findall(r"<(https://w3id\.org/r2p/id/[^>]+)>", text)}
    assert not sorted(named - known), f"not in data/vocabularies: {sorted(named - known)}"


def test_rules_are_reported_under_their_own_name(shapes: Graph) -> None:
    """Validation results name the rule that failed: every targeted shape's constraints sit
    on named (IRI) property shapes or SPARQL constraints, never on anonymous ones."""
    for shape in top_level_shapes(shapes):
        assert isinstance(shape, URIRef), f"anonymous top-level shape {shape!r}"


def test_shapes_pass_meta_shacl(shapes: Graph) -> None:
    """The shapes graph is itself valid SHACL (pySHACL's SHACL-SHACL check)."""
    conforms, _report, text = validate(
        Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True, inference="none"
    )
    assert conforms, text
