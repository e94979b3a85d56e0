"""Every rule of the shapes, exercised by fixtures.

- fixtures/valid/*.ttl must raise no Violation (Warnings are allowed). Each names the rules it
  exercises (`# covers: <Rule>`): one file per node shape for the property-shape rules,
  one file per SPARQL rule, named after it, which raises nothing of that rule, not even a
  Warning;
- fixtures/invalid/<Rule>/NN_reason.ttl must raise every result its `# expect:` lines name
  (constraint component, focus node, and the rule when it is not the folder's) and no
  Violation beyond them. A file breaks its rule once per block, each block on a node of its
  own, so each expected result is tied to one focus node;
- every (rule, component) the shapes declare is expected by an invalid fixture, and every
  rule is covered by a valid one.

Each fixture is added to the vocabularies and base.ttl (conftest.world) and validated as the
project validates: ontology as ont_graph, no inference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import SH, Graph

from .shapes_support import (
    BASE_FIXTURE,
    INVALID_DIR,
    VALID_DIR,
    covers,
    declared_constraints,
    expectations,
    focus_nodes,
    invalid_fixtures,
    load_shapes,
    project_validate,
    rdflib_path,
    results,
    rule_names,
    rule_shapes,
    valid_fixtures,
)

VALID = list(valid_fixtures())
INVALID = list(invalid_fixtures())


def _with_world(world: Graph, path: Path) -> tuple[Graph, Graph]:
    fixture = Graph().parse(path, format="turtle")
    data = Graph()
    for triple in world:
        data.add(triple)
    for triple in fixture:
        data.add(triple)
    return data, fixture


def _fixture_id(path: Path) -> str:
    return path.stem if path.parent == VALID_DIR else f"{path.parent.name}/{path.stem}"


def test_base_fixture_is_clean(world: Graph, shapes: Graph, ontology: Graph) -> None:
    """The world the fixtures live in raises nothing at all: no Violation, no Warning."""
    _conforms, report, _text = project_validate(world, shapes, ontology)
    found = results(report)
    assert not found, f"{BASE_FIXTURE.name} + vocabularies should be clean:\n" + "\n".join(
        r.describe() for r in found
    )


@pytest.mark.parametrize("path", VALID, ids=_fixture_id)
def test_valid_fixture_conforms(path: Path, world: Graph, shapes: Graph, ontology: Graph) -> None:
    """No Violation; and a SPARQL rule's own boundary case (valid/<Rule>.ttl) raises
    nothing of that rule at all, so a Warning rule's valid fixture shows the rule quiet."""
    data, _fixture = _with_world(world, path)
    _conforms, report, _text = project_validate(data, shapes, ontology)
    found = results(report)
    violations = [r for r in found if r.severity == SH.Violation]
    assert not violations, f"{path.name} must conform, got:\n" + "\n".join(
        r.describe() for r in violations
    )
    own = [r for r in found if r.constraint == path.stem]
    assert not own, f"{path.name} is the boundary case of {path.stem}, yet it raises:\n" + (
        "\n".join(r.describe() for r in own)
    )


@pytest.mark.parametrize("path", VALID, ids=_fixture_id)
def test_valid_fixture_exercises_its_rules(
    path: Path, world: Graph, shapes: Graph, ontology: Graph
) -> None:
    """A valid fixture that `covers` a property-shape rule gives that rule something to
    check: a focus node of the rule's node shape, named in the fixture, with a value on
    the rule's path. (SPARQL rules: the fixture is named after the rule.)"""
    rules = covers(path)
    assert rules, f"{path.name} has no '# covers: <Rule>' line"
    data, fixture = _with_world(world, path)
    mentioned = set(fixture.subjects()) | set(fixture.objects())
    by_name = rule_shapes(shapes)
    idle = []
    for rule in rules:
        if rule not in by_name:
            continue
        prop, node_shape = by_name[rule]
        walk = rdflib_path(shapes, shapes.value(prop, SH.path))
        nodes = focus_nodes(shapes, node_shape, data, ontology) & mentioned
        if not any(next(iter(data.objects(n, walk)), None) is not None for n in nodes):
            idle.append(rule)
    assert not idle, f"{path.name} covers rules it gives nothing to check: {idle}"


@pytest.mark.parametrize("path", INVALID, ids=_fixture_id)
def test_invalid_fixture_fails_as_expected(
    path: Path, world: Graph, shapes: Graph, ontology: Graph
) -> None:
    data, fixture = _with_world(world, path)
    expected = expectations(path, fixture)
    assert expected, f"{path} has no '# expect: sh:<Component> <focus>' line"
    _conforms, report, _text = project_validate(data, shapes, ontology)
    found = results(report)
    got = {(r.constraint, r.component, r.focus) for r in found}
    want = {(e.constraint, e.component, e.focus) for e in expected}
    missing = want - got
    unexpected = [
        r
        for r in found
        if r.severity == SH.Violation and (r.constraint, r.component, r.focus) not in want
    ]
    report_lines = "\n".join(r.describe() for r in found) or "(no results)"
    assert not missing, (
        f"{path.name}: expected results not raised: "
        + "; ".join(
            e.describe() for e in expected if (e.constraint, e.component, e.focus) in missing
        )
        + f"\nthe report had:\n{report_lines}"
    )
    assert not unexpected, (
        f"{path.name}: Violations the fixture does not expect (keep fixtures to one reason):\n"
        + "\n".join(r.describe() for r in unexpected)
    )


def test_every_constraint_has_an_invalid_fixture() -> None:
    """Compare the set of (rule, component) the shapes declare with what the fixtures expect."""
    declared = declared_constraints(load_shapes())
    covered = set()
    for path in INVALID:
        fixture = Graph().parse(path, format="turtle")
        covered |= {(e.constraint, e.component) for e in expectations(path, fixture)}
    untested = sorted(f"{rule} {comp.removeprefix(str(SH))}" for rule, comp in declared - covered)
    unknown = sorted(f"{rule} {comp.removeprefix(str(SH))}" for rule, comp in covered - declared)
    assert not untested, f"constraints without an invalid fixture in {INVALID_DIR}: {untested}"
    assert not unknown, f"fixtures expect constraints the shapes do not declare: {unknown}"


def test_every_rule_has_a_valid_fixture() -> None:
    rules = rule_names(load_shapes())
    have = {rule for path in VALID for rule in covers(path)}
    assert not sorted(rules - have), f"rules no valid fixture covers: {sorted(rules - have)}"
    assert not sorted(have - rules), f"valid fixtures cover unknown rules: {sorted(have - rules)}"


def test_sparql_rules_have_their_own_valid_fixture() -> None:
    """A SPARQL rule's valid fixture is a boundary case of its own: fixtures/valid/<Rule>.ttl."""
    shapes = load_shapes()
    sparql_rules = {
        name for name, comp in declared_constraints(shapes) if comp == SH.SPARQLConstraintComponent
    }
    own = {path.stem for path in VALID}
    assert not sorted(sparql_rules - own), (
        f"SPARQL rules without valid/<Rule>.ttl: {sorted(sparql_rules - own)}"
    )


def test_invalid_fixture_folders_are_rules() -> None:
    rules = rule_names(load_shapes())
    folders = {p.name for p in INVALID_DIR.iterdir() if p.is_dir()}
    assert not sorted(folders - rules), (
        f"invalid/ folders named after no rule: {sorted(folders - rules)}"
    )
