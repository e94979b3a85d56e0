"""Step 3 of the pipeline: derive what the ontology implies, into its own named graph.

Two kinds of derivation run, in this order:

1. the project's rules (``ontology/rules/*.rq``, SPARQL CONSTRUCT), for shortcuts OWL 2 RL
   cannot express without property chains;
2. the OWL 2 RL closure computed by owlrl over the whole Dataset (passing only the asserted
   graph gives an incomplete closure: RDFLib/OWL-RL#76).

Trivial output (reflexive ``owl:sameAs``, ``owl:Thing`` typings, statements about the
RDF/RDFS/OWL/XSD vocabularies themselves, anything already asserted) is dropped, so the
inferred graph holds only what a user of the data can learn from it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import owlrl
from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef

_META_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_REFLEXIVE_NOISE = {
    OWL.sameAs,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
}
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.Class, RDFS.Class, OWL.NamedIndividual}


def run_rules(rules_dir: Path, source: Graph, destination: Graph) -> int:
    """Run every CONSTRUCT rule in ``rules_dir`` over ``source``; add results to ``destination``."""
    added = 0
    for rule in discover_rules(rules_dir):
        result = source.query(rule.read_text(encoding="utf-8"))
        if result.graph is None:
            raise ValueError(f"{rule}: a rule must be a CONSTRUCT query")
        for triple in result.graph:
            if triple not in destination:
                destination.add(triple)
                added += 1
    return added


def discover_rules(rules_dir: Path) -> list[Path]:
    """The rule files, in a stable order."""
    if not rules_dir.is_dir():
        return []
    return sorted(p for p in rules_dir.glob("*.rq") if p.is_file())


def materialize(
    dataset: Dataset, *, inferred_graph: URIRef, asserted: Graph, ontology: Graph, rules_dir: Path
) -> Graph:
    """Fill ``inferred_graph`` of ``dataset`` with the rules' output and the OWL RL closure."""
    inferred = dataset.graph(inferred_graph)
    union = _union_view(asserted, ontology)
    run_rules(rules_dir, union, inferred)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(dataset, destination=inferred)
    _drop_trivial(inferred, asserted=asserted, ontology=ontology)
    return inferred


def inferred_predicate_counts(inferred: Graph) -> Counter[str]:
    """How many inferred triples each predicate has (to catch blow-ups in review)."""
    return Counter(str(p) for p in inferred.predicates())


def _union_view(*graphs: Graph) -> Graph:
    union = Graph()
    for g in graphs:
        for triple in g:
            union.add(triple)
    return union


def _drop_trivial(inferred: Graph, *, asserted: Graph, ontology: Graph) -> None:
    doomed = []
    for s, p, o in inferred:
        if (s, p, o) in asserted or (s, p, o) in ontology:
            doomed.append((s, p, o))
        elif isinstance(s, Literal) or str(s).startswith(_META_NAMESPACES):
            doomed.append((s, p, o))
        elif p in _REFLEXIVE_NOISE and s == o:
            doomed.append((s, p, o))
        elif p == RDF.type and o in _TRIVIAL_TYPES:
            doomed.append((s, p, o))
        elif p in (RDFS.subClassOf, OWL.equivalentClass) and o in _TRIVIAL_TYPES:
            doomed.append((s, p, o))
        elif (
            p == RDF.type
            and isinstance(o, URIRef)
            and str(o).startswith(_META_NAMESPACES)
            and (str(s).startswith(_META_NAMESPACES))
        ):
            doomed.append((s, p, o))
    for triple in doomed:
        inferred.remove(triple)
