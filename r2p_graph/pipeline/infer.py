"""Step 3 of the pipeline: derive what the ontology implies, into its own named graph.

Two kinds of derivation run together, to a fixpoint:

1. the project's rules (``ontology/rules/*.rq``, SPARQL CONSTRUCT), for shortcuts OWL 2 RL
   cannot express without property chains;
2. OWL 2 RL, by one of two reasoners (``Settings.reasoner``):

   ``oxigraph`` (default)
       exactly the OWL 2 RL rules this ontology's vocabulary triggers, as SPARQL updates run
       inside an in-memory pyoxigraph store: the schema rules ``scm-sco``, ``scm-spo``,
       ``scm-eqc1/2``, ``scm-eqp1/2``, ``scm-dom1/2``, ``scm-rng1/2`` to a fixpoint, then the
       instance rules ``prp-spo1``, ``prp-eqp1/2``, ``prp-inv1/2``, ``prp-dom``, ``prp-rng``,
       ``cax-sco``, ``cax-eqc1/2`` semi-naively (each round joins only the previous round's
       new triples with the schema), and the consistency checks ``cax-dw``,
       ``cls-nothing2`` and ``dt-not-type``. Input that uses any other OWL construct
       (``owl:sameAs``, restrictions, property characteristics, ...) is refused with
       :class:`UnsupportedVocabulary` rather than half-reasoned about.
   ``owlrl``
       the complete OWL RL closure computed by owlrl over the whole Dataset (the reference;
       passing only the asserted graph gives an incomplete closure: RDFLib/OWL-RL#76). It
       takes seconds on the real graph and does not finish at a million triples.

Trivial output (reflexive ``owl:sameAs``, ``owl:Thing`` typings and domains, statements
about the RDF/RDFS/OWL/XSD vocabularies themselves, anything already asserted) is dropped,
so the inferred graph holds only what a user of the data can learn from it. On the real
data both reasoners give the same inferred graph (``tests/perf/test_reasoner.py``).

An inconsistency (a resource typed with two disjoint classes, an ``owl:Nothing``, a literal
whose text is not of its datatype) raises :class:`InconsistentData` and nothing is built.

owlrl is imported only when it is used, so loading a cached build never pays for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .files import discover_rules
from .terms import FromOx, LiteralChecker, ToOx

if TYPE_CHECKING:
    from rdflib.query import Result

    from ..config import Settings
    from .load import WrittenSources

#: Names accepted by ``Settings.reasoner`` / ``R2P_REASONER``.
REASONERS = ("oxigraph", "owlrl")

_META_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_REFLEXIVE_NOISE = {
    OWL.sameAs,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
}
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.Class, RDFS.Class, OWL.NamedIndividual}
#: ``C rdfs:subClassOf owl:Thing`` and ``P rdfs:domain owl:Thing`` say nothing.
_TRIVIAL_TARGET_PREDICATES = {RDFS.subClassOf, OWL.equivalentClass, RDFS.domain, RDFS.range}

#: Where owlrl writes the inconsistencies it finds.
_OWLRL_ERRORS = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
_OWLRL_ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


class InferenceError(Exception):
    """Inference could not run to the end; nothing was built."""


class InconsistentData(InferenceError):
    """The data contradicts the ontology (e.g. a resource in two disjoint classes)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = sorted(problems)
        shown = "\n  ".join(self.problems[:20])
        more = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(
            f"the data is inconsistent with the ontology ({len(self.problems)} problem(s)):"
            f"\n  {shown}{more}"
        )


class UnsupportedVocabulary(InferenceError):
    """The input uses OWL constructs the fast reasoner does not implement."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = sorted(terms)
        super().__init__(
            "the 'oxigraph' reasoner implements only the OWL 2 RL rules this ontology needs; "
            f"the input also uses {', '.join(self.terms)}. Add the rules to "
            "r2p_graph/inference.py, or build with R2P_REASONER=owlrl (slow)."
        )


def run_rules(rules_dir: Path, source: Graph, destination: Graph) -> int:
    """Run every CONSTRUCT rule in ``rules_dir`` over ``source``; add results to ``destination``."""
    added = 0
    for rule in discover_rules(rules_dir):
        result: Result = source.query(rule.read_text(encoding="utf-8"))
        if result.graph is None:
            raise ValueError(f"{rule}: a rule must be a CONSTRUCT query")
        for triple in result.graph:
            if triple not in destination and triple not in source:
                destination.add(triple)
                added += 1
    return added


def materialize_quads(
    sources: WrittenSources, inferred: ox.NamedNode, *, settings: Settings
) -> None:
    """Run the ``owlrl`` reference reasoner over what :func:`~r2p_graph.pipeline.load.read_sources`
    read and add its inferred graph to ``sources.dataset`` (the ``oxigraph`` reasoner works
    on the build's store instead: :func:`infer_into`)."""
    from ..ids import ASSERTED_GRAPH, ONTOLOGY_GRAPH

    dataset = Dataset()
    text = ox.serialize(sources.dataset, format=ox.RdfFormat.N_QUADS) or b""
    dataset.parse(data=text, format="nquads")
    graph = materialize(
        dataset,
        inferred_graph=URIRef(inferred.value),
        asserted=dataset.graph(URIRef(sources.minter.graph(ASSERTED_GRAPH))),
        ontology=dataset.graph(URIRef(sources.minter.graph(ONTOLOGY_GRAPH))),
        rules_dir=settings.ontology_dir / "rules",
        reasoner=settings.reasoner,
    )
    for triple in ox.parse(
        graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES
    ):
        sources.dataset.add(ox.Quad(triple.subject, triple.predicate, triple.object, inferred))


def materialize(
    dataset: Dataset,
    *,
    inferred_graph: URIRef,
    asserted: Graph,
    ontology: Graph,
    rules_dir: Path,
    reasoner: str = "oxigraph",
) -> Graph:
    """Fill ``inferred_graph`` of ``dataset`` with the rules' output and the OWL 2 RL closure.

    Raises :class:`InconsistentData` when the closure finds a contradiction,
    :class:`UnsupportedVocabulary` when the ``oxigraph`` reasoner meets a construct it
    does not implement, and :class:`ValueError` for an unknown reasoner.
    """
    inferred = dataset.graph(inferred_graph)
    if reasoner == "oxigraph":
        triples = infer_oxigraph(
            _chain(ontology, asserted),
            rules=[r.read_text("utf-8") for r in discover_rules(rules_dir)],
        )
        converter = FromOx()
        for s, p, o in triples:
            if not is_trivial_ox(s, p, o):
                inferred.add((converter(s), converter(p), converter(o)))
        return inferred
    if reasoner == "owlrl":
        _materialize_owlrl(
            dataset, inferred, asserted=asserted, ontology=ontology, rules_dir=rules_dir
        )
        return inferred
    raise ValueError(f"unknown reasoner {reasoner!r} (R2P_REASONER must be one of {REASONERS})")


def inferred_predicate_counts(inferred: Graph) -> Counter[str]:
    """How many inferred triples each predicate has (to catch blow-ups in review)."""
    return Counter(str(p) for p in inferred.predicates())


def is_trivial(s: Node, p: Node, o: Node) -> bool:
    """True for a derived triple that teaches a user of the data nothing."""
    return _trivial(
        str(s), isinstance(s, Literal), str(p), str(o), 2 if isinstance(o, Literal) else 1
    )


def is_trivial_ox(s: object, p: ox.NamedNode, o: object) -> bool:
    """:func:`is_trivial` for pyoxigraph terms."""
    return _trivial(
        getattr(s, "value", ""),
        isinstance(s, ox.Literal),
        p.value,
        getattr(o, "value", ""),
        2 if isinstance(o, ox.Literal) else 1,
    )


_REFLEXIVE_NOISE_IRIS = {str(t) for t in _REFLEXIVE_NOISE}
_TRIVIAL_TYPE_IRIS = {str(t) for t in _TRIVIAL_TYPES}
_TRIVIAL_TARGET_IRIS = {str(t) for t in _TRIVIAL_TARGET_PREDICATES}
_RDF_TYPE = str(RDF.type)


def _trivial(s: str, s_literal: bool, p: str, o: str, o_kind: int) -> bool:
    """The one definition of trivia, over plain strings (``o_kind``: 1 node, 2 literal)."""
    if s_literal or s.startswith(_META_NAMESPACES):
        return True
    if p in _REFLEXIVE_NOISE_IRIS and s == o and o_kind == 1:
        return True
    if o_kind == 2 or o not in _TRIVIAL_TYPE_IRIS:
        return False
    return p == _RDF_TYPE or p in _TRIVIAL_TARGET_IRIS


# -- the reference: owlrl -------------------------------------------------------------------


def _materialize_owlrl(
    dataset: Dataset, inferred: Graph, *, asserted: Graph, ontology: Graph, rules_dir: Path
) -> None:
    import owlrl  # heavy, and only needed here

    union = _union_view(asserted, ontology)
    run_rules(rules_dir, union, inferred)
    while True:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(dataset, destination=inferred)
        _raise_owlrl_errors(inferred)
        # What the closure derived may enable a rule again (a type, a super-property).
        for triple in inferred:
            union.add(triple)
        if not run_rules(rules_dir, union, inferred):
            break
    _drop_trivial(inferred, asserted=asserted, ontology=ontology)


def _raise_owlrl_errors(inferred: Graph) -> None:
    messages = list(inferred.subjects(RDF.type, _OWLRL_ERRORS))
    if not messages:
        return
    problems = [str(text) for m in messages for text in inferred.objects(m, _OWLRL_ERROR_TEXT)]
    for m in messages:
        inferred.remove((m, None, None))
    raise InconsistentData(problems)


def _union_view(*graphs: Graph) -> Graph:
    union = Graph()
    for g in graphs:
        for triple in g:
            union.add(triple)
    return union


def _drop_trivial(inferred: Graph, *, asserted: Graph, ontology: Graph) -> None:
    doomed = [
        (s, p, o)
        for s, p, o in inferred
        if (s, p, o) in asserted or (s, p, o) in ontology or is_trivial(s, p, o)
    ]
    for triple in doomed:
        inferred.remove(triple)


# -- the fast reasoner: OWL 2 RL rules as SPARQL in Oxigraph -------------------------------

_PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}
_DELTA = "urn:x-r2p:reasoner:delta"
_NEXT = "urn:x-r2p:reasoner:next"
_INFERRED = "urn:x-r2p:reasoner:inferred"

#: Schema (TBox) rules, run naively to a fixpoint: the schema is small. Every rule is
#: ``{ head } WHERE { body }`` with a single-triple head.
_SCHEMA_RULES = {
    "scm-sco": "{ ?a rdfs:subClassOf ?c } WHERE { ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c }",
    "scm-spo": "{ ?a rdfs:subPropertyOf ?c } WHERE "
    "{ ?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?c }",
    "scm-eqc1a": "{ ?a rdfs:subClassOf ?b } WHERE { ?a owl:equivalentClass ?b }",
    "scm-eqc1b": "{ ?b rdfs:subClassOf ?a } WHERE { ?a owl:equivalentClass ?b }",
    "scm-eqc2": "{ ?a owl:equivalentClass ?b } WHERE "
    "{ ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a FILTER(?a != ?b) }",
    "scm-eqp1a": "{ ?a rdfs:subPropertyOf ?b } WHERE { ?a owl:equivalentProperty ?b }",
    "scm-eqp1b": "{ ?b rdfs:subPropertyOf ?a } WHERE { ?a owl:equivalentProperty ?b }",
    "scm-eqp2": "{ ?a owl:equivalentProperty ?b } WHERE "
    "{ ?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?a FILTER(?a != ?b) }",
    "scm-dom1": "{ ?p rdfs:domain ?c2 } WHERE { ?p rdfs:domain ?c1 . ?c1 rdfs:subClassOf ?c2 }",
    "scm-dom2": "{ ?p1 rdfs:domain ?c } WHERE { ?p2 rdfs:domain ?c . ?p1 rdfs:subPropertyOf ?p2 }",
    "scm-rng1": "{ ?p rdfs:range ?c2 } WHERE { ?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2 }",
    "scm-rng2": "{ ?p1 rdfs:range ?c } WHERE { ?p2 rdfs:range ?c . ?p1 rdfs:subPropertyOf ?p2 }",
}

#: Instance (ABox) rules: one instance atom ``$SRC`` (the last round's new triples) joined
#: with the (closed, fixed) schema.
_INSTANCE_RULES = {
    "prp-spo1": "{ ?x ?q ?y } WHERE { $SRC(?x ?p ?y) ?p rdfs:subPropertyOf ?q }",
    "prp-eqp1": "{ ?x ?q ?y } WHERE { $SRC(?x ?p ?y) ?p owl:equivalentProperty ?q }",
    "prp-eqp2": "{ ?x ?q ?y } WHERE { $SRC(?x ?p ?y) ?q owl:equivalentProperty ?p }",
    "prp-inv1": "{ ?y ?q ?x } WHERE { $SRC(?x ?p ?y) ?p owl:inverseOf ?q FILTER(!isLiteral(?y)) }",
    "prp-inv2": "{ ?y ?q ?x } WHERE { $SRC(?x ?p ?y) ?q owl:inverseOf ?p FILTER(!isLiteral(?y)) }",
    "prp-dom": "{ ?x a ?c } WHERE { $SRC(?x ?p ?y) ?p rdfs:domain ?c }",
    # A literal's type is trivia (and no subject in RDF 1.1): skipped.
    "prp-rng": "{ ?y a ?c } WHERE { $SRC(?x ?p ?y) ?p rdfs:range ?c FILTER(!isLiteral(?y)) }",
    "cax-sco": "{ ?x a ?d } WHERE { $SRC(?x rdf:type ?c) ?c rdfs:subClassOf ?d }",
    "cax-eqc1": "{ ?x a ?d } WHERE { $SRC(?x rdf:type ?c) ?c owl:equivalentClass ?d }",
    "cax-eqc2": "{ ?x a ?d } WHERE { $SRC(?x rdf:type ?c) ?d owl:equivalentClass ?c }",
}

#: Predicates whose triples are schema: an instance rule that derives one restarts the
#: schema fixpoint.
_SCHEMA_PREDICATES = {
    str(t)
    for t in (
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.disjointWith,
    )
}

#: OWL/RDFS terms whose OWL 2 RL consequences are the rules above, or trivia only
#: (declarations, annotations, ``scm-cls``/``scm-op``/``scm-dp`` reflexive axioms).
_SUPPORTED = _SCHEMA_PREDICATES | {
    str(t)
    for t in (
        RDF.type,
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.versionInfo,
        OWL.versionIRI,
        OWL.priorVersion,
        OWL.backwardCompatibleWith,
        OWL.incompatibleWith,
        OWL.deprecated,
        OWL.imports,
        OWL.Class,
        OWL.Thing,
        OWL.Nothing,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        OWL.NamedIndividual,
        RDFS.Class,
        RDFS.Resource,
        RDFS.Literal,
        RDFS.Datatype,
        RDF.Property,
    )
}
_NS_FILTER = f"STRSTARTS(STR(?t), '{OWL}') || STRSTARTS(STR(?t), '{RDFS}')"


def infer_oxigraph(
    triples: Iterable[tuple[Node, Node, Node]] | ox.Store, *, rules: Iterable[str] = ()
) -> Iterator[ox.Triple]:
    """Derive the OWL 2 RL consequences of ``triples`` (ontology and data) and ``rules``.

    ``triples`` are rdflib triples, or a pyoxigraph store whose default graph holds the
    input (it is used as the working store and gets the derived triples added).
    ``rules`` are SPARQL CONSTRUCT queries whose output feeds back into the closure.
    Yields the derived triples that were not in the input, trivia included (see
    :func:`is_trivial`).
    """
    checker = None
    if isinstance(triples, ox.Store):
        store = triples
    else:
        store = ox.Store()
        checker = LiteralChecker()
        to_ox = ToOx(checker)
        store.extend(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]
            for s, p, o in triples
        )
    _OxReasoner(store, list(rules), checker).run()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(_INFERRED)):
        yield ox.Triple(quad.subject, quad.predicate, quad.object)


def infer_into(
    store: ox.Store,
    graph: ox.NamedNode,
    *,
    rules: Iterable[str] = (),
    checker: LiteralChecker | None = None,
) -> int:
    """Reason over the default graph of ``store`` and put what a user can learn into ``graph``.

    The fast path for large data that never leaves Oxigraph: the default graph holds the
    ontology and the asserted data (and afterwards every derived triple too); ``graph``
    gets the derived triples minus trivia. Returns how many it got. ``checker`` is the
    :class:`LiteralChecker` that saw the literals while they were parsed, if any.
    """
    _OxReasoner(store, list(rules), checker).run()
    scratch = ox.NamedNode(_INFERRED)
    kept = [
        ox.Quad(q.subject, q.predicate, q.object, graph)
        for q in store.quads_for_pattern(None, None, None, scratch)
        if not is_trivial_ox(q.subject, q.predicate, q.object)
    ]
    store.extend(kept)
    store.update(f"DROP SILENT GRAPH <{_INFERRED}>")
    return len(kept)


class _OxReasoner:
    def __init__(
        self, store: ox.Store, rules: list[str], checker: LiteralChecker | None = None
    ) -> None:
        self.store = store
        self.rules = rules
        self.checker = checker
        self._schema = [
            self._insert(body, source=None, name=name) for name, body in _SCHEMA_RULES.items()
        ]
        self._first = [
            self._insert(body, source=None, name=name) for name, body in _INSTANCE_RULES.items()
        ]
        self._next = [
            self._insert(body, source=_DELTA, name=name) for name, body in _INSTANCE_RULES.items()
        ]

    # Every rule writes its new conclusions (not yet anywhere in the default graph) into
    # the graph NEXT; a round then moves NEXT into the default graph and the output graph.
    @staticmethod
    def _insert(body: str, *, source: str | None, name: str) -> str:
        head, _, where = body.partition(" WHERE ")
        pattern = where.strip()[1:-1]
        if "$SRC(" in pattern:
            start = pattern.index("$SRC(")
            end = pattern.index(")", start)
            atom = pattern[start + 5 : end]
            src = f"{atom} ." if source is None else f"GRAPH <{source}> {{ {atom} }}"
            pattern = pattern[:start] + src + pattern[end + 1 :]
        head_pattern = head.strip()[1:-1].strip()
        return (
            f"# {name}\nINSERT {{ GRAPH <{_NEXT}> {{ {head_pattern} }} }}\n"
            f"WHERE {{ {pattern} FILTER NOT EXISTS {{ {head_pattern} }} }}"
        )

    def _update(self, text: str) -> None:
        self.store.update(text, prefixes=_PREFIXES)

    def _promote(self) -> int:
        """Move NEXT into the default graph, the output graph and DELTA; return its size."""
        count = self._count(_NEXT)
        if count:
            self._update(
                f"INSERT {{ ?s ?p ?o . GRAPH <{_INFERRED}> {{ ?s ?p ?o }} }} "
                f"WHERE {{ GRAPH <{_NEXT}> {{ ?s ?p ?o }} }}"
            )
        self._update(f"DROP SILENT GRAPH <{_DELTA}>")
        if count:
            self._update(f"MOVE SILENT <{_NEXT}> TO <{_DELTA}>")
        return count

    def _count(self, graph: str) -> int:
        result = self.store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def _schema_changed(self) -> bool:
        values = " ".join(f"<{p}>" for p in _SCHEMA_PREDICATES)
        return bool(
            self.store.query(f"ASK {{ VALUES ?p {{ {values} }} GRAPH <{_DELTA}> {{ ?s ?p ?o }} }}")
        )

    def run(self) -> None:
        self._check_vocabulary()
        full_round = True
        while True:
            if full_round:
                while True:  # the schema, naively: it is small
                    for rule in self._schema:
                        self._update(rule)
                    if not self._promote():
                        break
                for rule in self._first:
                    self._update(rule)
                full_round = False
            else:
                for rule in self._next:
                    self._update(rule)
            if self._promote():
                if self._schema_changed():
                    full_round = True
                continue
            if not self._apply_project_rules():
                break
            if self._schema_changed():
                full_round = True
        self._check_consistency()

    def _apply_project_rules(self) -> int:
        added = 0
        for rule in self.rules:
            result = self.store.query(rule)
            if not isinstance(result, ox.QueryTriples):
                raise ValueError("a rule must be a CONSTRUCT query")
            for triple in result:
                quad = ox.Quad(triple.subject, triple.predicate, triple.object)
                if quad not in self.store:
                    self.store.add(
                        ox.Quad(
                            triple.subject, triple.predicate, triple.object, ox.NamedNode(_NEXT)
                        )
                    )
                    added += 1
        return self._promote() if added else 0

    def _check_vocabulary(self) -> None:
        found = self.store.query(
            "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } "
            f"FILTER({_NS_FILTER}) }}"
        )
        assert isinstance(found, ox.QuerySolutions)
        unknown = [row["t"].value for row in found if row["t"].value not in _SUPPORTED]
        if unknown:
            raise UnsupportedVocabulary(unknown)

    def _check_consistency(self) -> None:
        problems: list[str] = []
        disjoint = self.store.query(
            "SELECT DISTINCT ?x ?c1 ?c2 WHERE { ?c1 owl:disjointWith ?c2 . ?x a ?c1 , ?c2 }",
            prefixes=_PREFIXES,
        )
        assert isinstance(disjoint, ox.QuerySolutions)
        for row in disjoint:
            problems.append(
                f"Disjoint classes {_v(row['c1'])} and {_v(row['c2'])} "
                f"have a common individual {_v(row['x'])}"
            )
        nothing = self.store.query(
            "SELECT DISTINCT ?x WHERE { ?x a owl:Nothing }", prefixes=_PREFIXES
        )
        assert isinstance(nothing, ox.QuerySolutions)
        problems += [f"{_v(row['x'])} is defined of type 'Nothing'" for row in nothing]
        problems += _ill_typed_literals(self.store)
        if self.checker is not None:
            problems += [p for p in self.checker.problems if p not in problems]
        if problems:
            raise InconsistentData(problems)


def _v(term: object) -> str:
    return str(getattr(term, "value", term))


def _ill_typed_literals(store: ox.Store) -> list[str]:
    """``dt-not-type`` over a store: literals whose text is not in their datatype.

    Oxigraph's store keeps an unparsable literal as written, so this finds them; but it
    stores any integer-shaped literal of a derived integer type as ``xsd:integer``
    (``"-5"^^xsd:positiveInteger`` becomes ``"-5"^^xsd:integer``), so out-of-range values
    must be caught before they reach a store: see :class:`LiteralChecker`.
    """
    checker = LiteralChecker()
    values = ", ".join(f"<{d}>" for d in checker.datatypes)
    found = store.query(
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o "
        f"FILTER(isLiteral(?o) && DATATYPE(?o) IN ({values})) }}"
    )
    assert isinstance(found, ox.QuerySolutions)
    for row in found:
        literal = row["o"]
        assert isinstance(literal, ox.Literal)
        checker.check(literal.value, literal.datatype.value)
    return checker.problems


def _chain(*graphs: Graph) -> Iterator[tuple[Node, Node, Node]]:
    for g in graphs:
        yield from g
