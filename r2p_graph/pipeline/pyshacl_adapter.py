"""How pySHACL runs here: over a pyoxigraph store, in place, split across processes when big.

pySHACL (pinned to one release in ``pyproject.toml``: these fixes reach into its
internals) validates an ``ox.Store`` directly and runs its SHACL-SPARQL constraints and
targets in Oxigraph. On 100k triples that is 31 s where pySHACL over an rdflib graph took
300 s (rdflib's engine is worse than linear on the shapes' ``rdf:type/rdfs:subClassOf*``
SPARQL targets). A few details make it right and fast. pySHACL builds the objects
involved itself, from what it is given, so except for the shapes graph (a subclass handed
to it) they are applied to pySHACL's own classes while a validation runs and undone
afterwards (:func:`_adapter_fixes`); nothing of rdflib is ever patched here. That happens
only in the pipeline's own processes: a server builds in a child
(:func:`r2p_graph.pipeline.build.ensure_build_apart`). Each is written so it could go
upstream as it is:

* ``OxigraphDataGraph.__len__`` counts the whole store with a SPARQL query on every call
  (2,128 calls on the real graph, 85% of the time): memoized, the store does not change
  while it is validated;
* ``OxigraphDataGraph.objects`` raises ``TypeError`` when a path walks through a literal
  (rdflib answers nothing there): it answers nothing;
* ``Shape.validate`` looks each predicate of a shape up in a Python *list* of constraint
  parameters, with rdflib term equality (20M ``Term.__eq__`` calls at 100k triples): the
  list is swapped for one that answers ``in`` from a set;
* every shape re-reads its own parameters from the shapes graph (rdflib's memory store)
  for each focus node it validates (2M lookups at 100k triples), and formats its own name
  for a debug message that is never logged: both are memoized, the shapes graph does not
  change during validation;
* the constraint objects read the shapes graph with ``Graph.objects`` directly: pySHACL
  is handed a :class:`FrozenShapesGraph` (a subclass over the same store) that remembers
  those answers;
* with ``part=(k, n)``, each shape's own focus nodes are cut to those whose hash falls in
  bucket ``k`` of ``n``, so ``n`` processes validate disjoint halves of the data (nested
  ``sh:node``/``sh:or`` shapes are evaluated under their parent's focus node, so the union
  of the ``n`` reports is the report of a whole run).

Oxigraph's store rewrites some literals (``"5"^^xsd:long`` becomes ``"5"^^xsd:integer``,
``"5.0"^^xsd:decimal`` becomes ``"5"``), which a ``sh:datatype`` or lexical constraint can
see. :func:`recheck_rewritten` re-validates, exactly, the few subjects where that could
change a verdict.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pyoxigraph as ox
import pyshacl.graph_abstraction as ga
import pyshacl.shape as shape_module
import pyshacl.shapes_graph as shapes_module
from pyshacl import validate
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .. import vocab
from .terms import to_rdflib

_XSD = vocab.XSD
#: Datatypes whose literals an ``ox.Store`` may store in another form than written.
REWRITTEN_DATATYPES = frozenset(
    _XSD + name
    for name in (
        "integer long int short byte nonNegativeInteger positiveInteger negativeInteger "
        "nonPositiveInteger unsignedLong unsignedInt unsignedShort unsignedByte decimal "
        "double float boolean date dateTime time gYear gYearMonth gMonthDay gDay gMonth "
        "duration dayTimeDuration yearMonthDuration"
    ).split()
)
#: Constraints whose verdict depends on a literal's datatype or lexical form.
_FORM_PARAMETERS = (SH.datatype, SH.pattern, SH.minLength, SH.maxLength, SH["in"], SH.hasValue)
_LOGICAL = (SH["or"], SH["and"], SH.xone)


def run_pyshacl(store: ox.Store, shapes: Graph, *, part: tuple[int, int] | None = None) -> Graph:
    """Validate the store's default graph in place (no inference, SHACL-AF on, warnings
    allowed) and return pySHACL's report graph. ``part=(k, n)``: only bucket ``k`` of
    ``n`` of the focus nodes."""

    with _adapter_fixes(part):
        _conforms, report, _text = validate(
            store,  # type: ignore[arg-type]  # pySHACL >= 0.30 takes an ox.Store
            shacl_graph=FrozenShapesGraph(shapes),
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            inplace=True,
        )
    assert isinstance(report, Graph)
    return report


def bucket(node: Node, parts: int) -> int:
    """The partition a focus node belongs to: stable across processes (unlike ``hash``)."""
    return zlib.crc32(f"{type(node).__name__}:{node}".encode()) % parts


def merge_reports(reports: list[Graph]) -> Graph:
    """One ``sh:ValidationReport`` holding the results of several partial reports."""
    merged = Graph()
    merged.bind("sh", SH)
    report = BNode()
    merged.add((report, RDF.type, SH.ValidationReport))
    conforms = True
    for part in reports:
        heads = set(part.subjects(RDF.type, SH.ValidationReport))
        for head in heads:
            conforms = conforms and part.value(head, SH.conforms) != Literal(False)
        for s, p, o in part:
            if s in heads:
                if p == SH.result:
                    merged.add((report, SH.result, o))
                continue
            merged.add((s, p, o))
    merged.add((report, SH.conforms, Literal(conforms)))
    return merged


# -- datatype fidelity --------------------------------------------------------------------


def form_sensitive_paths(shapes: Graph) -> dict[URIRef, frozenset[str]]:
    """Predicate -> the datatypes named by constraints on it, for every property shape
    whose path is a plain predicate and that (directly or inside ``sh:or``/``sh:and``/
    ``sh:xone``/``sh:not``) constrains datatype or lexical form. A predicate constrained
    by lexical form only maps to the empty set."""
    paths: dict[URIRef, set[str]] = {}
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            continue
        datatypes: set[str] = set()
        sensitive = False
        for node in _constraint_nodes(shapes, shape):
            for parameter in _FORM_PARAMETERS:
                values = list(shapes.objects(node, parameter))
                if values:
                    sensitive = True
                if parameter == SH.datatype:
                    datatypes.update(str(v) for v in values)
        if sensitive:
            paths.setdefault(path, set()).update(datatypes)
    return {p: frozenset(d) for p, d in paths.items()}


def _constraint_nodes(shapes: Graph, shape: Node, depth: int = 0) -> Iterator[Node]:
    yield shape
    if depth > 3:
        return
    for logical in _LOGICAL:
        for head in shapes.objects(shape, logical):
            for member in Collection(shapes, head):
                yield from _constraint_nodes(shapes, member, depth + 1)
    for negated in shapes.objects(shape, SH["not"]):
        yield from _constraint_nodes(shapes, negated, depth + 1)


def rewritten_literals(
    written: Any, paths: dict[URIRef, frozenset[str]]
) -> list[tuple[ox.Quad, ox.Literal]]:
    """The quads of ``written`` (an ``ox.Dataset`` as written) on a form-sensitive path whose
    literal Oxigraph stores differently *and* where that could change a verdict: the
    written and the stored datatype are not both named, or both not named, by the path's
    constraints (or the lexical form changes under a lexical constraint). Each with the
    literal as stored."""
    candidates: list[tuple[ox.Quad, ox.Literal]] = []
    for predicate in paths:
        for quad in written.quads_for_predicate(ox.NamedNode(str(predicate))):
            obj = quad.object
            if isinstance(obj, ox.Literal) and obj.datatype.value in REWRITTEN_DATATYPES:
                candidates.append((quad, obj))
    if not candidates:
        return []
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:r2p:literal:{i}"), ox.NamedNode("urn:r2p:is"), literal)
        for i, (_quad, literal) in enumerate(candidates)
    )
    stored: dict[int, ox.Literal] = {}
    for quad in scratch:
        if isinstance(quad.object, ox.Literal) and isinstance(quad.subject, ox.NamedNode):
            stored[int(quad.subject.value.rsplit(":", 1)[1])] = quad.object
    risky = []
    for i, (quad, was) in enumerate(candidates):
        now = stored.get(i)
        if now is None or now == was:
            continue
        named = paths[URIRef(quad.predicate.value)]
        lexical_only = not named
        if lexical_only and now.value == was.value:
            continue
        if not lexical_only and (was.datatype.value in named) == (now.datatype.value in named):
            if now.value == was.value:
                continue
        risky.append((quad, now))
    return risky


def recheck_rewritten(
    report: Graph,
    written: Any,
    *,
    shapes: Graph,
    ontology: Graph,
    exact_validate: Callable[[Graph, Graph, Graph], Graph],
) -> Graph:
    """Correct ``report`` (from a run over an ``ox.Store``) where the store's rewriting of a
    literal could have changed a verdict: those subjects are validated again, exactly, by
    ``exact_validate(data, shapes, ontology)`` over their own triples as written, and
    their results on that path and value replace the store's."""
    risky = rewritten_literals(written, form_sensitive_paths(shapes))
    if not risky:
        return report

    head = next(iter(report.subjects(RDF.type, SH.ValidationReport)))
    by_subject: dict[Any, list[tuple[ox.Quad, ox.Literal]]] = {}
    for quad, now in risky:
        by_subject.setdefault(quad.subject, []).append((quad, now))
    for subject, items in by_subject.items():
        data = Graph()
        for quad in written.quads_for_subject(subject):
            data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        exact = exact_validate(data, shapes, ontology)
        focus = to_rdflib(subject)
        for quad, now in items:
            path = URIRef(quad.predicate.value)
            stored, was = to_rdflib(now), to_rdflib(quad.object)
            for result in list(report.subjects(RDF.type, SH.ValidationResult)):
                if (
                    report.value(result, SH.focusNode) == focus
                    and report.value(result, SH.resultPath) == path
                    and report.value(result, SH.value) == stored
                ):
                    _remove_result(report, head, result)
            for result in exact.subjects(RDF.type, SH.ValidationResult):
                if (
                    exact.value(result, SH.focusNode) == focus
                    and exact.value(result, SH.resultPath) == path
                    and exact.value(result, SH.value) == was
                ):
                    _copy_result(exact, report, head, result)
    violations = any(
        report.value(r, SH.resultSeverity) == SH.Violation
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )
    report.set((head, SH.conforms, Literal(not violations)))
    return report


def _remove_result(report: Graph, head: Node, result: Node) -> None:
    report.remove((head, SH.result, result))
    for triple in list(report.triples((result, None, None))):
        report.remove(triple)


def _copy_result(source: Graph, target: Graph, head: Node, result: Node) -> None:
    fresh = BNode()
    target.add((head, SH.result, fresh))
    for _, p, o in source.triples((result, None, None)):
        target.add((fresh, p, o))


# -- pySHACL adapter fixes ----------------------------------------------------------------


class FrozenShapesGraph(Graph):
    """The shapes graph as pySHACL reads it: the same triples (the same store), with the
    answers of :meth:`objects` remembered until the graph changes.

    The constraint objects pySHACL builds for each focus node re-read their parameters
    with ``Graph.objects`` (millions of calls at 100k triples); the shapes do not change
    while they validate. A subclass handed to pySHACL as its ``shacl_graph``, so no other
    rdflib graph in the process is affected (pySHACL uses a Graph it is given as is).
    """

    def __init__(self, shapes: Graph) -> None:
        super().__init__(
            store=shapes.store,
            identifier=shapes.identifier,
            namespace_manager=shapes.namespace_manager,
        )
        self._answers: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def objects(  # type: ignore[override]
        self, subject: Any = None, predicate: Any = None, unique: bool = False
    ) -> Iterator[Any]:
        key = (subject, predicate, unique)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = tuple(super().objects(subject, predicate, unique))
        return iter(found)

    def add(self, triple: Any) -> FrozenShapesGraph:
        self._answers.clear()
        super().add(triple)
        return self

    def addN(self, quads: Any) -> FrozenShapesGraph:  # noqa: N802 - rdflib's name
        self._answers.clear()
        super().addN(quads)
        return self

    def remove(self, triple: Any) -> FrozenShapesGraph:
        self._answers.clear()
        super().remove(triple)
        return self


class _ParameterList(list[Any]):
    """pySHACL's list of constraint parameters, answering ``in`` from a set."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def copy(self) -> _ParameterList:
        return _ParameterList(self)

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)


@contextmanager
def _adapter_fixes(part: tuple[int, int] | None) -> Iterator[None]:

    data_graph = ga.OxigraphDataGraph
    original_len, original_objects = data_graph.__len__, data_graph.objects
    original_focus = shape_module.Shape.focus_nodes
    original_params = getattr(shape_module, "CONSTRAINT_PARAMS", None)
    lengths: dict[tuple[int, str | None], int] = {}

    def length(self: Any, context: Any = None) -> int:
        key = (id(self.impl), None if context is None else str(context.identifier))
        if key not in lengths:
            lengths[key] = original_len(self, context)
        return lengths[key]

    def objects(
        self: Any, subject: Any = None, predicate: Any = None, *args: Any, **kw: Any
    ) -> Any:
        if isinstance(subject, Literal):
            return iter(())
        return original_objects(self, subject, predicate, *args, **kw)

    def focus_nodes(self: Any, data_graph: Any, debug: bool = False) -> set[Node]:
        found = original_focus(self, data_graph, debug=debug)
        assert part is not None
        k, n = part
        return {node for node in found if bucket(node, n) == k}

    shapes_graph = shapes_module.ShapesGraph
    original_sg = {name: getattr(shapes_graph, name) for name in ("objects", "predicate_objects")}
    original_str = shape_module.Shape.__str__

    def memoized(name: str) -> Callable[..., Any]:
        read = original_sg[name]

        def lookup(self: Any, *args: Any) -> Iterator[Any]:
            memo = self.__dict__.setdefault("_r2p_memo", {})
            key = (name, *args)
            found = memo.get(key)
            if found is None:
                found = memo[key] = tuple(read(self, *args))
            return iter(found)

        return lookup

    names: dict[int, str] = {}  # Shape has __slots__; shapes live as long as the run

    def shape_name(self: Any) -> str:
        name = names.get(id(self))
        if name is None:
            name = names[id(self)] = original_str(self)
        return name

    for name in original_sg:
        setattr(shapes_graph, name, memoized(name))
    shape_module.Shape.__str__ = shape_name  # type: ignore[method-assign]
    data_graph.__len__ = length  # type: ignore[method-assign]
    data_graph.objects = objects  # type: ignore[method-assign]
    shape_module.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        _ParameterList(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )
    if part is not None:
        shape_module.Shape.focus_nodes = focus_nodes  # type: ignore[method-assign]
    try:
        yield
    finally:
        for name, read in original_sg.items():
            setattr(shapes_graph, name, read)
        shape_module.Shape.__str__ = original_str  # type: ignore[method-assign]
        data_graph.__len__ = original_len  # type: ignore[method-assign]
        data_graph.objects = original_objects  # type: ignore[method-assign]
        shape_module.Shape.focus_nodes = original_focus  # type: ignore[method-assign]
        if original_params is None:
            del shape_module.CONSTRAINT_PARAMS  # type: ignore[attr-defined]
        else:
            shape_module.CONSTRAINT_PARAMS = original_params  # type: ignore[attr-defined]
