"""The sections of a meeting's page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from r2p_graph import vocab as namespaces
from r2p_graph.web.labels import Labeller, vocab
from r2p_graph.web.sparql_client import construct, ref
from r2p_graph.web.views.model import Entry, Link, Tally, Value, link_for, value_for

SDO = Namespace(namespaces.SCHEMA)
ORG = Namespace(namespaces.ORG)
VOID = Namespace(namespaces.VOID)


def meeting_sections(iri: str, label: Labeller) -> dict[str, Any]:
    """Participants (with how complete that list is), panel and podium, claims, statements."""
    v = vocab()
    r = ref(iri)
    hood = construct(
        f"PREFIX r2p: <{v}>\n"
        "CONSTRUCT { ?x ?p ?o } WHERE { "
        f"{{ {r} r2p:hasTally ?x }} UNION {{ ?x r2p:claimAbout {r} }} UNION "
        f"{{ ?x r2p:atMeeting {r} }} UNION {{ ?x r2p:inMeeting {r} }} UNION "
        f"{{ ?y r2p:claimAbout|r2p:atMeeting|r2p:inMeeting {r} . "
        "?y r2p:hasQuote|r2p:hasStance ?x } UNION "
        f"{{ {r} r2p:hasTally ?t . ?t r2p:hasQuote ?x }} "
        "?x ?p ?o }"
    )
    R = Namespace(v)  # noqa: N806 - reads like the ontology's prefix
    for o in hood.objects():
        if isinstance(o, URIRef):
            label.want(str(o))
    for s in hood.subjects():
        label.want(str(s))
    label.resolve()

    def quotes_of(node: Any) -> list[str]:
        return sorted(str(t) for q in hood.objects(node, R.hasQuote)
                      for t in hood.objects(q, R.quotedText))

    def sources_of(node: Any) -> list[Link]:
        return sorted((link_for(str(o), label) for o in hood.objects(node, DCTERMS.source)),
                      key=lambda link: link.label.lower())

    tallies: list[Tally] = []
    tally_nodes = sorted(set(hood.subjects(RDF.type, R.ParticipantTally)), key=str)
    for t in tally_nodes:
        kind_iri = hood.value(t, R.participantKind)
        reported = hood.value(t, R.reportedCount)
        completeness = hood.value(t, R.listCompleteness)
        people: list[dict[str, Any]] = []
        for part in hood.objects(t, R.listedParticipation):
            who = hood.value(part, R.participant)
            evidence = hood.value(part, R.evidenceBasis)
            people.append({
                "who": link_for(str(who), label) if who else Link("(unknown)", None),
                "record": link_for(str(part), label),
                "evidence": label(str(evidence)) if evidence else "",
                "role": label(str(hood.value(part, R.participationRole)))
                if hood.value(part, R.participationRole) else "",
                "sources": sources_of(part),
            })
        people.sort(key=lambda p: p["who"].label.lower())
        known = len({p["who"].iri for p in people})
        tallies.append(Tally(
            kind=label(str(kind_iri)) if kind_iri else "participants",
            reported=int(str(reported)) if reported is not None else None,
            known=known,
            completeness=label(str(completeness)) if completeness else "not stated",
            completeness_iri=str(completeness or ""),
            participants=people,
            sources=sources_of(t),
            quotes=quotes_of(t),
        ))
    # Two sources may count the same kind differently: say so beside each count.
    by_kind: dict[str, list[Tally]] = defaultdict(list)
    for tally in tallies:
        by_kind[tally.kind].append(tally)
    for same in by_kind.values():
        counts = sorted({t.reported for t in same if t.reported is not None})
        if len(counts) > 1:
            for tally in same:
                tally.disagreement = "Sources disagree on this count: " + ", ".join(
                    str(c) for c in counts) + "."
    tallies.sort(key=lambda t: (-(t.reported or 0), t.kind))

    # Panel and podium: participation records of the meeting that are not in a tally.
    listed = {p for t in tally_nodes for p in hood.objects(t, R.listedParticipation)}
    podium: list[dict[str, Any]] = []
    for part in sorted(set(hood.subjects(R.inMeeting, URIRef(iri))) - listed, key=str):
        who = hood.value(part, R.participant)
        role = hood.value(part, R.participationRole)
        representing = hood.value(part, R.representing)
        podium.append({
            "who": link_for(str(who), label) if who else Link("(unknown)", None),
            "role": label(str(role)) if role else "",
            "capacity": str(hood.value(part, R.capacity) or ""),
            "representing": link_for(str(representing), label) if representing else None,
            "evidence": label(str(hood.value(part, R.evidenceBasis)))
            if hood.value(part, R.evidenceBasis) else "",
            "sources": sources_of(part),
            "record": link_for(str(part), label),
        })
    role_order = ["convener", "opening speaker", "moderator", "panelist", "speaker"]
    podium.sort(key=lambda p: (role_order.index(p["role"].lower())
                               if p["role"].lower() in role_order else 99,
                               p["who"].label.lower()))

    claims: list[Entry] = []
    for claim in sorted(set(hood.subjects(R.claimAbout, URIRef(iri))), key=str):
        facts: list[tuple[str, list[Value]]] = []
        for prop, name in ((R.claimKind, "kind"), (R.quantifier, "how many"),
                           (R.namesActor, "names"), (R.addressesTheme, "themes"),
                           (R.mentionsSituation, "situations"),
                           (R.reportedCount, "count"), (R.listCompleteness, "completeness"),
                           (R.comparedWithYear, "compared with"),
                           (PROV.wasAttributedTo, "according to")):
            vals = sorted((value_for(o, label) for o in hood.objects(claim, prop)),
                          key=lambda x: x.text)
            if vals:
                facts.append((name, vals))
        claims.append(Entry(title=link_for(str(claim), label), facts=facts,
                            quotes=quotes_of(claim), sources=sources_of(claim)))

    statements: list[Entry] = []
    for st in sorted(set(hood.subjects(R.atMeeting, URIRef(iri))), key=str):
        facts = []
        for prop, name in ((R.deliveredBy, "delivered by"), (R.onBehalfOf, "on behalf of"),
                           (R.speaker, "speaker"), (R.addressesTheme, "themes"),
                           (R.mentionsSituation, "situations"), (R.citesDocument, "cites")):
            vals = sorted((value_for(o, label) for o in hood.objects(st, prop)),
                          key=lambda x: x.text)
            if vals:
                facts.append((name, vals))
        stances = []
        for stance in hood.objects(st, R.hasStance):
            value = hood.value(stance, R.stanceValue)
            if value is not None:
                stances.append(value_for(value, label))
        if stances:
            facts.append(("stance", stances))
        statements.append(Entry(title=link_for(str(st), label), facts=facts,
                                quotes=quotes_of(st), sources=sources_of(st)))
    statements.sort(key=lambda e: e.title.label.lower())
    return {"tallies": tallies, "podium": podium, "claims": claims, "statements": statements}
