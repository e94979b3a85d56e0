"""The resource page (``/id/...``, ``/def``, ``/graph/...``): the resource's data, its
properties, the resources that link to it, and the sections of its page type
(:mod:`.meeting`, :mod:`.state`, :mod:`.actor`, :mod:`.topic`, :mod:`.concept`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from r2p_graph.web.labels import (
    DESCRIPTION_PROPERTIES,
    LABEL_PROPERTIES,
    Labeller,
    composed_labels,
    fallback_label,
    graph_label,
    is_local,
    lang_rank,
    local_href,
    vocab,
)
from r2p_graph.web.sparql_client import VALUES_CHUNK, construct, page_query, safe_iri, select
from r2p_graph.web.views.actor import actor_sections
from r2p_graph.web.views.concept import scheme_concepts
from r2p_graph.web.views.meeting import SHOWN_IN_SECTIONS, meeting_sections
from r2p_graph.web.views.model import (
    InverseGroup,
    PropertyRow,
    ResourcePage,
    by_name,
    link_for,
    value_for,
)
from r2p_graph.web.views.state import state_sections
from r2p_graph.web.views.topic import is_topic, topic_sections

# The order of properties on a page: these first (in this order), the rest by label.
_FIRST = ("startDate", "meetingType", "ordinal", "theme", "gaSession", "focusPillar", "venue",
          "documentSymbol", "issued", "countryCode", "m49Code", "deliveredBy", "speaker",
          "onBehalfOf", "atMeeting", "participant", "inMeeting", "participationRole",
          "quotedText", "saidBy", "quotedFrom", "stanceValue", "stanceTarget")
_HIDDEN = {str(RDF.type), *(str(p) for p in LABEL_PROPERTIES), str(DCTERMS.source)}


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _property_order(row: PropertyRow) -> tuple[int, str]:
    name = _local_name(row.iri)
    return (_FIRST.index(name) if name in _FIRST else len(_FIRST), by_name(row.label))


def most_specific_types(iris: Sequence[str]) -> dict[str, list[str]]:
    """The types of each IRI that no other type of it specializes (MemberState, not Actor)."""
    wanted = [iri for iri in iris if safe_iri(iri)]
    out: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(wanted), VALUES_CHUNK):
        chunk = wanted[start : start + VALUES_CHUNK]
        for row in select(page_query("most-specific-types", x=chunk)):
            if row["t"].is_iri:
                out[row["x"].value].append(row["t"].value)
    for types in out.values():
        types.sort(key=lambda t: (not t.startswith(vocab()), t))
    return out


def describe(iri: str) -> Graph:
    """The data for a resource: its triples as subject (every graph, each once), the
    triples of anonymous resources it links to, and the labels of what it links to."""
    return construct(page_query("describe", resource=iri, lp=LABEL_PROPERTIES))


def describe_inverse(iri: str) -> Graph:
    """Triples pointing at ``iri``, the first 501 (for a resource that only appears as an
    object, and for what a resource's RDF says links to it)."""
    return construct(page_query("describe-inverse", resource=iri, lp=LABEL_PROPERTIES))


def describe_scheme_members(iri: str) -> Graph:
    """Every triple of the concepts of a concept scheme."""
    return construct(page_query("scheme-members", scheme=iri))


def jsonld_text(graph: Graph) -> str:
    """``graph`` as compact JSON-LD (the project's prefixes as its context)."""
    context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
    text = graph.serialize(format="json-ld", context=context, indent=2)
    return str(text)


def script_safe(text: str) -> str:
    """JSON that can sit inside ``<script>``: no ``<`` (so no ``</script>``) survives."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---------------------------------------------------------------------------------------
# Inverse links
# ---------------------------------------------------------------------------------------

#: Headings for the resources that point at this one, by the property they use.
INVERSE_HEADINGS: dict[str, str] = {
    "deliveredBy": "Statements delivered by this actor",
    "speaker": "Statements this person delivered",
    "onBehalfOf": "Statements delivered on behalf of this group",
    "atMeeting": "Statements at this meeting",
    "claimAbout": "Claims that sources make about this meeting",
    "inMeeting": "Participation records of this meeting",
    "participant": "Participation records",
    "representing": "People who represented this actor",
    "namesActor": "Claims that name this actor",
    "addressesTheme": "Statements and claims that raise this theme",
    "addressesPillar": "Statements and documents that address this pillar",
    "focusPillar": "Meetings that focused on this pillar",
    "mentionsSituation": "Statements and claims that mention this situation",
    "mentionsCrime": "Statements that mention this crime",
    "concernsSituation": "Resolutions about this situation",
    "citesDocument": "Statements and claims that cite this document",
    "discussesReport": "Meetings that discussed this report",
    "saidBy": "Quotations of this speaker",
    "quotedFrom": "Quotations taken from this source",
    "source": "Facts that cite this source",
    "inScheme": "Concepts in this scheme",
    "topConceptOf": "Top concepts of this scheme",
    "stanceValue": "Stance assessments with this value",
    "stanceTarget": "Stance assessments toward this",
    "participantKind": "Participant tallies of this kind",
    "listCompleteness": "Lists with this completeness",
    "evidenceBasis": "Facts resting on this kind of evidence",
    "participationRole": "Participation records in this role",
    "claimKind": "Claims of this kind",
    "quantifier": "Claims with this quantifier",
    "meetingType": "Meetings of this type",
    "member": "Group memberships",
    "organization": "Members of this group",
    "wasAttributedTo": "Judgements and claims attributed to this",
    "wasDerivedFrom": "Derived from this",
    "affectedState": "Situations in this state",
    "convenedBy": "Meetings this person convened",
    "moderatedBy": "Meetings this person moderated",
    "panelist": "Meetings where this person sat on the panel",
    "openingSpeaker": "Meetings this person opened",
    "hadParticipant": "Meetings this actor took part in",
    "tookPartIn": "Known participants",
    "venue": "Meetings held here",
    "creator": "Documents by this author",
    "hasQuote": "Quoted in",
    "hasStance": "Stance of",
    "hasTally": "Tally of",
    "listedParticipation": "Listed in the tally",
}
_INVERSE_SKIP = {str(RDF.type)}
_INVERSE_SHOWN = 60


def inverse_groups(iri: str, label: Labeller, skip: Iterable[str] = ()) -> list[InverseGroup]:
    """The resources that link to ``iri``, grouped by the property they use."""
    skipped = _INVERSE_SKIP | set(skip)
    rows = select(page_query("inverse-links", resource=iri))
    by_property: dict[str, list[str]] = defaultdict(list)
    # Subjects already shown elsewhere on the page (through a skipped relation) are not
    # listed again under an inferred super-property of it (prov:wasAttributedTo, ...).
    shown_subjects: set[str] = set()
    for row in rows:
        p = row["p"].value
        if p in _INVERSE_SKIP:
            continue
        if p in skipped or _local_name(p) in skipped:
            shown_subjects.add(row["s"].value)
            continue
        by_property[p].append(row["s"].value)
    # Own, named relations first: an inferred super-property (dcterms:creator above
    # r2p:deliveredBy) then only lists what the specific one did not.
    ordered = sorted(by_property, key=lambda p: (not p.startswith(vocab()),
                                                 _local_name(p) not in INVERSE_HEADINGS, p))
    visible: dict[str, list[str]] = {}
    for p in ordered:
        subjects = [s for s in by_property[p] if s not in shown_subjects]
        if not subjects:
            continue
        shown_subjects.update(subjects)
        visible[p] = sorted(subjects)
    types = most_specific_types([s for subjects in visible.values()
                                 for s in subjects[:_INVERSE_SHOWN]])
    for subjects in visible.values():
        label.want(*subjects[:_INVERSE_SHOWN])
    for t in {t for ts in types.values() for t in ts}:
        label.want(t)
    label.want(*visible)
    label.resolve()
    groups = []
    for p, subjects in visible.items():
        name = _local_name(p)
        heading = INVERSE_HEADINGS.get(name) or f"Linked here as “{label(p)}”"
        items = []
        for s in subjects[:_INVERSE_SHOWN]:
            kind = ", ".join(label(t) for t in types.get(s, [])[:1])
            items.append(link_for(s, label, note=kind))
        items.sort(key=lambda link: by_name(link.label))
        groups.append(InverseGroup(heading=heading, predicate=p, items=items,
                                   total=len(subjects)))
    return groups


# ---------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------


def build_page(
    iri: str,
    data: Graph,
    alternates: list[tuple[str, str, str]],
    *,
    extra: Graph | None = None,
) -> ResourcePage:
    """Everything the resource template needs, from the resource's data and a few more
    queries (types, labels, inverse links, the neighbourhood of meetings and states)."""
    subject = URIRef(iri)
    label = Labeller()
    # Labels already in the data (of the resource and of what it links to).
    for s in {s for s, p in data.subject_predicates() if p in LABEL_PROPERTIES}:
        if isinstance(s, URIRef):
            label.labels[str(s)] = graph_label(data, s)
    specific = most_specific_types([iri]).get(iri, [])
    all_types = {str(t) for t in data.objects(subject, RDF.type)}
    label.want(*specific, *(str(p) for p in data.predicates(subject, None)))
    label.want(*(str(o) for o in data.objects(subject, None) if isinstance(o, URIRef)))
    label.resolve()

    own_label = (
        graph_label(data, subject)
        or (composed_labels([iri]).get(iri) if is_local(iri) else None)
        or fallback_label(iri)
    )
    label.labels[iri] = own_label
    description = ""
    for prop in DESCRIPTION_PROPERTIES:
        texts = sorted(data.objects(subject, prop), key=lambda o: lang_rank(
            getattr(o, "language", "") or ""))
        if texts:
            description = str(texts[0])
            break

    rows: dict[str, PropertyRow] = {}
    for p, o in sorted(data.predicate_objects(subject)):
        key = str(p)
        if key in _HIDDEN or (p in DESCRIPTION_PROPERTIES[:1] and str(o) == description):
            continue
        if key not in rows:
            rows[key] = PropertyRow(label=label(key), href=local_href(key), iri=key, values=[])
        rows[key].values.append(value_for(o, label))
    for row in rows.values():
        row.values.sort(key=lambda v: by_name(v.text))
    properties = sorted(_without_repeats(rows), key=_property_order)

    sources = sorted((link_for(str(o), label) for o in data.objects(subject, DCTERMS.source)
                      if isinstance(o, URIRef)), key=lambda link: by_name(link.label))
    types = [link_for(t, label) for t in specific]

    v = vocab()
    kind = "resource"
    if f"{v}Meeting" in all_types:
        kind = "meeting"
    elif f"{v}State" in all_types:
        kind = "state"
    elif f"{v}Actor" in all_types:
        kind = "actor"
    elif str(SKOS.ConceptScheme) in all_types:
        kind = "scheme"
    elif str(SKOS.Concept) in all_types or f"{v}Situation" in all_types:
        kind = "topic" if is_topic(iri, data) else "concept"

    page = ResourcePage(
        iri=iri, label=own_label, types=types, description=description,
        properties=properties, inverse=[], sources=sources,
        jsonld=script_safe(jsonld_text(data if extra is None else data + extra)),
        alternates=alternates, kind=kind,
    )
    skip: set[str] = set()
    if kind == "meeting":
        page.sections.update(meeting_sections(iri, label))
        skip |= {"atMeeting", "claimAbout", "inMeeting", "hasTally", "tookPartIn",
                 "disagreementAbout"}
        # Each participant once: the participants section lists them, not the properties.
        page.properties = [row for row in page.properties
                           if _local_name(row.iri) not in SHOWN_IN_SECTIONS]
    elif kind == "state":
        page.sections.update(state_sections(iri, label))
        skip |= {"participant", "hadParticipant", "deliveredBy", "namesActor", "member",
                 "wasAttributedTo", "creator"}
    elif kind == "actor":
        page.sections.update(actor_sections(iri, label))
        skip |= {"participant", "hadParticipant"}
    elif kind == "topic":
        page.sections.update(topic_sections(iri, label))
        # The sections list what raises it, what sources say about it and its documents.
        skip |= {"addressesTheme", "addressesPillar", "mentionsSituation", "mentionsCrime",
                 "concernsSituation", "about", "mentions"}
    elif kind == "scheme" and extra is not None:
        page.sections["concepts"] = scheme_concepts(iri, extra, label)
        skip |= {"inScheme", "topConceptOf"}
    page.inverse = inverse_groups(iri, label, skip)
    return page


def _without_repeats(rows: dict[str, PropertyRow]) -> list[PropertyRow]:
    """Drop values an inferred super-property repeats (dcterms:subject beside
    r2p:addressesTheme, prov:wasAttributedTo beside r2p:participant): the page shows the
    most specific property once; the data keeps them all."""
    predicates = [p for p in rows if safe_iri(p)]
    if len(predicates) < 2:
        return list(rows.values())
    supers: dict[str, set[str]] = defaultdict(set)
    for pair in select(page_query("sub-properties", sub=predicates, super=predicates)):
        supers[pair["super"].value].add(pair["sub"].value)
    kept = []
    for key, row in rows.items():
        shown = {(v.iri or v.text) for sub in supers.get(key, ()) if sub in rows
                 for v in rows[sub].values}
        remaining = [v for v in row.values if (v.iri or v.text) not in shown]
        if remaining:
            kept.append(PropertyRow(label=row.label, href=row.href, iri=row.iri,
                                    values=remaining))
    return kept
