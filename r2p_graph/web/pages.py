"""Resource pages: one readable HTML page per resource, built from SPARQL through the Store.

Everything a page shows comes from a handful of queries through
:class:`~r2p_graph.store.Store` (never from files): the resource's own triples, the labels
of everything it links to, the resources that link to it, and, for meetings, states and
concepts, the neighbourhood that makes them readable (participants and how complete that
list is, claims, statements, stances, the meetings where a theme was raised).

This module also holds the helpers the other UI modules share: the SPARQL helpers
(:func:`select`, :func:`construct`, :func:`ask`), the mapping between IRIs under
``Settings.base_iri`` and this server's URLs (:func:`local_href`, :func:`iri_for_path`),
and label lookup (:func:`fetch_labels`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from r2p_graph.ids import Minter
from r2p_graph.store import (
    QueryRequest,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    formats,
)
from r2p_graph.web.context import public_base, web_context
from r2p_graph.web.errors import ApiError

SDO = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
VOID = Namespace("http://rdfs.org/ns/void#")

#: Label properties, most preferred first.
LABEL_PROPERTIES: tuple[URIRef, ...] = (
    SKOS.prefLabel,
    RDFS.label,
    SDO.name,
    DCTERMS.title,
    FOAF.name,
)
#: Properties that describe a resource in a sentence or two, most preferred first.
DESCRIPTION_PROPERTIES: tuple[URIRef, ...] = (
    SKOS.definition,
    DCTERMS.description,
    RDFS.comment,
    SDO.description,
)

#: Prefixes for Turtle and JSON-LD output and for compact names on pages.
PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SDO),
    "org": str(ORG),
    "foaf": str(FOAF),
    "void": str(VOID),
}

#: Readable names of terms from other vocabularies that have no label in the dataset.
KNOWN_LABELS: dict[str, str] = {
    str(RDF.type): "type",
    str(DCTERMS.source): "source",
    str(DCTERMS.title): "title",
    str(DCTERMS.issued): "issued",
    str(DCTERMS.created): "created",
    str(DCTERMS.creator): "creator",
    str(DCTERMS.language): "language",
    str(DCTERMS.subject): "subject",
    str(DCTERMS.identifier): "identifier",
    str(DCTERMS.isPartOf): "part of",
    str(DCTERMS.license): "licence",
    str(DCTERMS.description): "description",
    str(DCTERMS.references): "references",
    str(SKOS.prefLabel): "preferred label",
    str(SKOS.altLabel): "alternative label",
    str(SKOS.definition): "definition",
    str(SKOS.notation): "notation",
    str(SKOS.inScheme): "in scheme",
    str(SKOS.topConceptOf): "top concept of",
    str(SKOS.hasTopConcept): "top concept",
    str(SKOS.broader): "broader concept",
    str(SKOS.narrower): "narrower concept",
    str(RDFS.label): "label",
    str(RDFS.comment): "comment",
    str(RDFS.seeAlso): "see also",
    str(SDO.name): "name",
    str(SDO.startDate): "start date",
    str(SDO.endDate): "end date",
    str(SDO.url): "web page",
    str(SDO.organizer): "organizer",
    str(SDO.location): "location",
    str(PROV.wasAttributedTo): "attributed to",
    str(PROV.wasDerivedFrom): "derived from",
    str(PROV.wasAssociatedWith): "associated with",
    str(PROV.wasQuotedFrom): "quoted from",
    str(ORG.member): "member",
    str(ORG.organization): "organization",
    str(ORG.Membership): "Membership",
    str(OWL.sameAs): "same as",
    str(SKOS.Concept): "Concept",
    str(SKOS.ConceptScheme): "Concept scheme",
    str(OWL.Ontology): "Ontology",
    str(OWL.Class): "Class",
    str(OWL.ObjectProperty): "Object property",
    str(OWL.DatatypeProperty): "Datatype property",
    str(SDO.Place): "Place",
    str(SDO.Person): "Person",
    str(SDO.Event): "Event",
    str(PROV.Entity): "Entity",
    str(PROV.Agent): "Agent",
    "http://www.w3.org/ns/sparql-service-description#Graph": "Graph",
    str(VOID.Dataset): "Dataset",
    str(VOID.triples): "triples",
    str(VOID.dataDump): "data dump",
}

_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")
_VALUES_CHUNK = 300


# ---------------------------------------------------------------------------------------
# SPARQL through the Store
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One RDF term of a SPARQL JSON result."""

    type: str  # "uri", "literal" or "bnode"
    value: str
    lang: str = ""
    datatype: str = ""

    @property
    def is_iri(self) -> bool:
        return self.type == "uri"


Row = dict[str, Term]


def safe_iri(iri: str) -> bool:
    """True when ``iri`` can be written as ``<iri>`` in SPARQL without escaping anything."""
    return bool(_SAFE_IRI.match(iri))


def ref(iri: str) -> str:
    """``<iri>`` for a SPARQL query; refuses anything that could break out of the brackets."""
    if not safe_iri(iri):
        raise ValueError(f"not a safe IRI: {iri!r}")
    return f"<{iri}>"


def _request(
    text: str,
    media_type: str,
    *,
    max_rows: int | None = None,
    default_graphs: tuple[str, ...] | None = None,
) -> QueryRequest:
    ctx = web_context()
    store = ctx.store
    if default_graphs is None and not getattr(store, "union_default_graph", False):
        # Without the union default graph a query sees only the stored default graph;
        # ask for the merge of every named graph instead (all graphs, each triple once).
        default_graphs = tuple(store.graph_names())
    return QueryRequest(
        text=text,
        default_graphs=default_graphs or (),
        media_type=media_type,
        timeout=ctx.settings.query_timeout,
        max_rows=max_rows or ctx.settings.max_rows,
    )


def _run(
    text: str,
    media_type: str,
    max_rows: int | None = None,
    default_graphs: tuple[str, ...] | None = None,
) -> bytes:
    store = web_context().store
    request = _request(text, media_type, max_rows=max_rows, default_graphs=default_graphs)
    try:
        return store.query(request).body
    except (StoreUnavailable, QueryTimeout) as exc:
        raise ApiError(
            503, f"The data is not available right now: {exc}", headers={"Retry-After": "5"},
            kind="unavailable",
        ) from None
    except StoreError as exc:  # a bug in one of our own queries, never the client's
        raise ApiError(500, f"A query of this page failed: {exc}", kind="internal") from None


def select(text: str, *, max_rows: int | None = None) -> list[Row]:
    """Rows of a SELECT, each a dict of variable name -> :class:`Term`."""
    data = json.loads(_run(text, formats.SPARQL_JSON, max_rows))
    rows: list[Row] = []
    for binding in data["results"]["bindings"]:
        row: Row = {}
        for name, value in binding.items():
            kind = "literal" if value["type"] == "typed-literal" else value["type"]
            row[name] = Term(kind, value["value"], value.get("xml:lang", ""),
                             value.get("datatype", ""))
        rows.append(row)
    return rows


def ask(text: str) -> bool:
    """The answer to an ASK query."""
    return bool(json.loads(_run(text, formats.SPARQL_JSON)).get("boolean"))


def construct(text: str, *, default_graphs: tuple[str, ...] | None = None) -> Graph:
    """The graph a CONSTRUCT (or DESCRIBE) query returns, parsed into rdflib.
    ``default_graphs``: the graphs whose merge the query sees (default: all of them)."""
    graph = new_graph()
    body = _run(text, formats.N_TRIPLES, default_graphs=default_graphs)
    if body.strip():
        graph.parse(data=body.decode("utf-8"), format="nt")
    return graph


def new_graph() -> Graph:
    """An empty rdflib graph with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    settings = web_context().settings
    minter = Minter(settings.base_iri)
    graph.bind("r2p", minter.vocab)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def prologue() -> str:
    """PREFIX lines for the project's own queries."""
    minter = Minter(web_context().settings.base_iri)
    lines = [f"PREFIX r2p: <{minter.vocab}>"]
    lines += [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items()]
    return "\n".join(lines) + "\n"


def values(iris: Iterable[str]) -> str:
    return " ".join(ref(iri) for iri in iris)


# ---------------------------------------------------------------------------------------
# IRIs under the base <-> this server's URLs
# ---------------------------------------------------------------------------------------


def base_iri() -> str:
    return web_context().settings.base_iri


def vocab() -> str:
    return Minter(base_iri()).vocab


def iri_for_path(path: str) -> str:
    """The IRI a request path stands for: ``/id/state/GBR`` -> ``{base}id/state/GBR``."""
    return base_iri() + path.lstrip("/")


def local_href(iri: str) -> str | None:
    """Where a browser should go for ``iri``: this server for IRIs under the base, the IRI
    itself for other http(s) IRIs, nothing for anything else (urn:, mailto:, ...)."""
    base = base_iri()
    if iri.startswith(base):
        return public_base() + "/" + iri[len(base) :]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def is_local(iri: str) -> bool:
    return iri.startswith(base_iri())


# ---------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------


def _lang_rank(lang: str) -> int:
    if lang == "en" or lang.startswith("en-"):
        return 0
    return 1 if not lang else 2


def fallback_label(iri: str) -> str:
    """A readable name for an IRI without a label: known terms, else its last segment."""
    if iri in KNOWN_LABELS:
        return KNOWN_LABELS[iri]
    if not is_local(iri) and iri.startswith(("http://", "https://")) and "#" not in iri:
        parts = urlsplit(iri)
        if parts.path.strip("/") and not iri.startswith(tuple(PREFIXES.values())):
            return web_address(iri)
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    if tail.isupper() or any(ch.isdigit() for ch in tail) or "-" in tail:
        return tail
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tail)
    return words[:1].lower() + words[1:] if words[1:2].islower() else words


def web_address(url: str, limit: int = 64) -> str:
    """A web page's address, short enough to read: host, then the path, its middle
    elided when long (``responsibilitytoprotect.org/…/5193-asia-pacific-centre-on-…``)."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    text = host + path
    if len(text) <= limit:
        return text
    segments = [seg for seg in path.split("/") if seg]
    last = segments[-1] if segments else ""
    room = max(limit - len(host) - 3, 12)
    if len(last) > room:
        last = last[: room - 1] + "…"
    return f"{host}/…/{last}"


def fetch_labels(iris: Iterable[str]) -> dict[str, str]:
    """The best label of each IRI: skos:prefLabel, rdfs:label, schema:name, dcterms:title,
    foaf:name, in English or without a language tag when there is one."""
    wanted = sorted({iri for iri in iris if safe_iri(iri)})
    best: dict[str, tuple[int, int, str]] = {}
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    for start in range(0, len(wanted), _VALUES_CHUNK):
        chunk = wanted[start : start + _VALUES_CHUNK]
        rows = select(
            f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values(chunk)} }} VALUES ?p {{ {props} }} "
            "?x ?p ?l FILTER(isLiteral(?l)) }"
        )
        for row in rows:
            x, p, label = row["x"].value, row["p"].value, row["l"]
            rank = (LABEL_PROPERTIES.index(URIRef(p)), _lang_rank(label.lang), label.value)
            if x not in best or rank < best[x]:
                best[x] = rank
    return {iri: rank[2] for iri, rank in best.items()}


class Labeller:
    """Collects IRIs while a page is assembled, then labels them all with one query.

    Resources without a label of their own that are only readable in context (a
    participation, a quotation, a stance, a tally) get a label composed from their facts.
    """

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self._wanted: set[str] = set()

    def want(self, *iris: str | URIRef | None) -> None:
        for iri in iris:
            if iri is not None and str(iri) not in self.labels:
                self._wanted.add(str(iri))

    def resolve(self) -> None:
        todo = self._wanted - set(self.labels)
        self._wanted.clear()
        if not todo:
            return
        self.labels.update(fetch_labels(todo))
        unlabeled = {iri for iri in todo if iri not in self.labels and is_local(iri)}
        if unlabeled:
            self.labels.update(composed_labels(unlabeled))

    def __call__(self, iri: str | URIRef) -> str:
        key = str(iri)
        if key not in self.labels:
            self.want(key)
            self.resolve()
        return self.labels.get(key) or fallback_label(key)


_COMPOSE_PROPERTIES = (
    "participant", "inMeeting", "quotedText", "stanceValue", "stanceTarget",
    "participantKind", "claimKind", "atMeeting", "claimAbout", "member", "organization",
)


def composed_labels(iris: Iterable[str]) -> dict[str, str]:
    """Labels for unlabeled records, from what they are about:
    "United Kingdom at <meeting>", "“quoted words”", "supportive (principle)", ..."""
    wanted = sorted(iri for iri in iris if safe_iri(iri))
    if not wanted:
        return {}
    v = vocab()
    props = " ".join(
        f"<{ORG}{name}>" if name in ("member", "organization") else f"<{v}{name}>"
        for name in _COMPOSE_PROPERTIES
    )
    facts: dict[str, dict[str, str]] = defaultdict(dict)
    objects: set[str] = set()
    for start in range(0, len(wanted), _VALUES_CHUNK):
        chunk = wanted[start : start + _VALUES_CHUNK]
        for row in select(
            f"SELECT ?x ?p ?o WHERE {{ VALUES ?x {{ {values(chunk)} }} "
            f"{{ VALUES ?p {{ {props} }} ?x ?p ?o }} UNION "
            f"{{ ?x <{v}hasQuote>/<{v}quotedText> ?o BIND(<{v}hasQuote> AS ?p) }} }}"
        ):
            key = re.split(r"[#/]", row["p"].value)[-1]
            facts[row["x"].value].setdefault(key, row["o"].value)
            if row["o"].is_iri:
                objects.add(row["o"].value)
    names = fetch_labels(objects)

    def name(iri: str | None) -> str:
        return (names.get(iri) or fallback_label(iri)) if iri else ""

    out: dict[str, str] = {}
    for iri, f in facts.items():
        if "quotedText" in f:
            out[iri] = f"“{f['quotedText']}”"
        elif "stanceValue" in f:
            target = f" toward {name(f.get('stanceTarget'))}" if f.get("stanceTarget") else ""
            out[iri] = f"Stance: {name(f['stanceValue'])}{target}"
        elif "participant" in f:
            where = f" at {name(f.get('inMeeting'))}" if f.get("inMeeting") else ""
            out[iri] = f"{name(f['participant'])}{where}"
        elif "participantKind" in f:
            out[iri] = f"Tally of {name(f['participantKind']).lower()}s"
        elif "claimKind" in f:
            kind = name(f["claimKind"])
            if "hasQuote" in f:
                out[iri] = f"{kind[:1].upper()}{kind[1:]}: “{_clip(f['hasQuote'], 90)}”"
            else:
                about = f" about {name(f.get('claimAbout'))}" if f.get("claimAbout") else ""
                out[iri] = f"Claim ({kind.lower()}){about}"
        elif "member" in f:
            out[iri] = f"{name(f['member'])} in {name(f.get('organization'))}"
    return out


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------
# What a page shows
# ---------------------------------------------------------------------------------------


@dataclass
class Link:
    """A link to a resource, with its label."""

    label: str
    href: str | None
    iri: str = ""
    note: str = ""
    external: bool = False


@dataclass
class Value:
    """One value of a property: a link, or a literal (with its language)."""

    text: str
    href: str | None = None
    lang: str = ""
    iri: str = ""
    external: bool = False
    datatype: str = ""


@dataclass
class PropertyRow:
    label: str
    href: str | None
    iri: str
    values: list[Value]


@dataclass
class InverseGroup:
    heading: str
    predicate: str
    items: list[Link]
    total: int


@dataclass
class Tally:
    kind: str
    reported: int | None
    known: int
    completeness: str
    completeness_iri: str
    participants: list[dict[str, Any]]
    sources: list[Link]
    quotes: list[str]
    disagreement: str = ""

    @property
    def percent_known(self) -> int | None:
        if not self.reported:
            return None
        return round(100 * self.known / self.reported)


@dataclass
class Entry:
    """A claim, statement or stance as a short card."""

    title: Link
    facts: list[tuple[str, list[Value]]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)


@dataclass
class ResourcePage:
    iri: str
    label: str
    types: list[Link]
    description: str
    properties: list[PropertyRow]
    inverse: list[InverseGroup]
    sources: list[Link]
    jsonld: str
    alternates: list[tuple[str, str, str]]  # (name, media type, href)
    kind: str = "resource"  # meeting | state | actor | concept | scheme | person | resource
    sections: dict[str, Any] = field(default_factory=dict)


def _literal_value(lit: Literal | Term) -> Value:
    if isinstance(lit, Term):
        text, lang, datatype = lit.value, lit.lang, lit.datatype
    else:
        text, lang, datatype = str(lit), lit.language or "", str(lit.datatype or "")
    if datatype == str(XSD.date):
        text = human_date(text)
    elif datatype == str(XSD.boolean):
        text = "yes" if text.strip().lower() in ("true", "1") else "no"
    elif datatype == str(XSD.anyURI) and text.startswith(("http://", "https://")):
        return Value(text=text, href=text, external=True, datatype=datatype)
    return Value(text=text, lang=lang, datatype=datatype)


def human_date(text: str) -> str:
    """``2012-09-05`` -> ``5 September 2012`` (anything else unchanged)."""
    try:
        d = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{d.day} {d.strftime('%B')} {d.year}" if len(text) == 10 else text


def link_for(iri: str, label: Labeller, note: str = "") -> Link:
    href = local_href(iri)
    return Link(label=label(iri), href=href, iri=iri, note=note,
                external=bool(href) and not is_local(iri))


def value_for(node: Any, label: Labeller) -> Value:
    if isinstance(node, Literal):
        return _literal_value(node)
    if isinstance(node, BNode):
        return Value(text="(an anonymous resource)")
    iri = str(node)
    href = local_href(iri)
    return Value(text=label(iri), href=href, iri=iri, external=bool(href) and not is_local(iri))


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
    return (_FIRST.index(name) if name in _FIRST else len(_FIRST), row.label.lower())


def most_specific_types(iris: Sequence[str]) -> dict[str, list[str]]:
    """The types of each IRI that no other type of it specializes (MemberState, not Actor)."""
    wanted = [iri for iri in iris if safe_iri(iri)]
    out: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(wanted), _VALUES_CHUNK):
        chunk = wanted[start : start + _VALUES_CHUNK]
        for row in select(
            f"SELECT DISTINCT ?x ?t WHERE {{ VALUES ?x {{ {values(chunk)} }} ?x a ?t . "
            "FILTER NOT EXISTS { ?x a ?sub . ?sub <http://www.w3.org/2000/01/rdf-schema#"
            "subClassOf> ?t . FILTER(?sub != ?t) } }"
        ):
            if row["t"].is_iri:
                out[row["x"].value].append(row["t"].value)
    for types in out.values():
        types.sort(key=lambda t: (not t.startswith(vocab()), t))
    return out


def describe(iri: str) -> Graph:
    """The data for a resource: its triples as subject (every graph, each once), the
    triples of anonymous resources it links to, and the labels of what it links to."""
    r = ref(iri)
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    return construct(
        f"CONSTRUCT {{ {r} ?p ?o . ?o ?lp ?l . ?o ?bp ?bo }} WHERE {{ {r} ?p ?o . "
        f"OPTIONAL {{ VALUES ?lp {{ {props} }} ?o ?lp ?l FILTER(isLiteral(?l)) }} "
        "OPTIONAL { FILTER(isBlank(?o)) ?o ?bp ?bo } }"
    )


def describe_inverse(iri: str, limit: int = 500) -> Graph:
    """Triples pointing at ``iri`` (for a resource that only appears as an object)."""
    r = ref(iri)
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    return construct(
        f"CONSTRUCT {{ ?s ?p {r} . ?s ?lp ?l }} WHERE {{ {{ SELECT DISTINCT ?s ?p WHERE "
        f"{{ ?s ?p {r} }} LIMIT {limit} }} "
        f"OPTIONAL {{ VALUES ?lp {{ {props} }} ?s ?lp ?l FILTER(isLiteral(?l)) }} }}"
    )


def describe_scheme_members(iri: str) -> Graph:
    """Every triple of the concepts of a concept scheme."""
    r = ref(iri)
    return construct(
        f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ {{ ?c <{SKOS.inScheme}> {r} }} UNION "
        f"{{ ?c <{SKOS.topConceptOf}> {r} }} UNION {{ {r} <{SKOS.hasTopConcept}> ?c }} "
        "?c ?p ?o }"
    )


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
_INVERSE_LIMIT = 3000


def inverse_groups(iri: str, label: Labeller, skip: Iterable[str] = ()) -> list[InverseGroup]:
    """The resources that link to ``iri``, grouped by the property they use."""
    skipped = _INVERSE_SKIP | set(skip)
    rows = select(
        f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {ref(iri)} FILTER(isIRI(?s)) }} "
        f"LIMIT {_INVERSE_LIMIT}"
    )
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
        items.sort(key=lambda link: link.label.lower())
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
            label.labels[str(s)] = _own_label(data, s)
    specific = most_specific_types([iri]).get(iri, [])
    all_types = {str(t) for t in data.objects(subject, RDF.type)}
    label.want(*specific, *(str(p) for p in data.predicates(subject, None)))
    label.want(*(str(o) for o in data.objects(subject, None) if isinstance(o, URIRef)))
    label.resolve()

    own_label = (
        _own_label(data, subject)
        or (composed_labels([iri]).get(iri) if is_local(iri) else None)
        or fallback_label(iri)
    )
    label.labels[iri] = own_label
    description = ""
    for prop in DESCRIPTION_PROPERTIES:
        texts = sorted(data.objects(subject, prop), key=lambda o: _lang_rank(
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
        row.values.sort(key=lambda v: v.text.lower())
    properties = sorted(_without_repeats(rows), key=_property_order)

    sources = sorted((link_for(str(o), label) for o in data.objects(subject, DCTERMS.source)
                      if isinstance(o, URIRef)), key=lambda link: link.label.lower())
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
    elif str(SKOS.Concept) in all_types:
        kind = "concept"

    page = ResourcePage(
        iri=iri, label=own_label, types=types, description=description,
        properties=properties, inverse=[], sources=sources,
        jsonld=script_safe(jsonld_text(data if extra is None else data + extra)),
        alternates=alternates, kind=kind,
    )
    skip: set[str] = set()
    if kind == "meeting":
        page.sections.update(meeting_sections(iri, label))
        skip |= {"atMeeting", "claimAbout", "inMeeting", "hasTally"}
    elif kind in ("state", "actor"):
        page.sections.update(actor_sections(iri, label))
        skip |= {"participant", "hadParticipant"}
    elif kind == "concept":
        page.sections.update(concept_sections(iri, label))
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
    for pair in select(
        f"SELECT DISTINCT ?sub ?super WHERE {{ VALUES ?sub {{ {values(predicates)} }} "
        f"VALUES ?super {{ {values(predicates)} }} "
        f"?sub <{RDFS.subPropertyOf}> ?super FILTER(?sub != ?super) }}"
    ):
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


def _own_label(data: Graph, subject: URIRef) -> str:
    best: tuple[int, int, str] | None = None
    for index, prop in enumerate(LABEL_PROPERTIES):
        for o in data.objects(subject, prop):
            if isinstance(o, Literal):
                rank = (index, _lang_rank(o.language or ""), str(o))
                if best is None or rank < best:
                    best = rank
    return best[2] if best else ""


# --- meetings --------------------------------------------------------------------------


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


# --- states and other actors -----------------------------------------------------------


def actor_sections(iri: str, label: Labeller) -> dict[str, Any]:
    """Every meeting the actor is known to have taken part in (r2p:tookPartIn, inferred
    from its participation records) with the evidence, and its positions (stances)."""
    v = vocab()
    r = ref(iri)
    rows = select(
        f"PREFIX r2p: <{v}>\nPREFIX schema: <{SDO}>\n"
        "SELECT DISTINCT ?meeting ?date ?part ?role ?evidence WHERE { "
        f"{r} r2p:tookPartIn ?meeting . OPTIONAL {{ ?meeting schema:startDate ?date }} "
        f"OPTIONAL {{ ?part r2p:participant {r} ; r2p:inMeeting ?meeting . "
        "OPTIONAL { ?part r2p:participationRole ?role } "
        "OPTIONAL { ?part r2p:evidenceBasis ?evidence } } } ORDER BY ?date ?meeting"
    )
    meetings: dict[str, dict[str, Any]] = {}
    for row in rows:
        m = row["meeting"].value
        label.want(m, row.get("role", Term("", "")).value or None,
                   row.get("evidence", Term("", "")).value or None)
    label.resolve()
    for row in rows:
        m = row["meeting"].value
        entry = meetings.setdefault(m, {
            "meeting": link_for(m, label),
            "date": human_date(row["date"].value) if "date" in row else "",
            "sort": row["date"].value if "date" in row else "",
            "roles": set(), "evidence": set(), "records": [],
        })
        if "role" in row:
            entry["roles"].add(label(row["role"].value))
        if "evidence" in row:
            entry["evidence"].add(label(row["evidence"].value))
        if "part" in row and all(r.iri != row["part"].value for r in entry["records"]):
            entry["records"].append(link_for(row["part"].value, label))
    took_part = sorted(meetings.values(), key=lambda e: e["sort"])
    for entry in took_part:
        entry["roles"] = sorted(entry["roles"])
        entry["evidence"] = sorted(entry["evidence"])

    stance_rows = select(
        f"PREFIX r2p: <{v}>\nPREFIX prov: <{PROV}>\nPREFIX schema: <{SDO}>\n"
        "SELECT DISTINCT ?stance ?value ?target ?by ?via ?meeting ?date ?evidence WHERE { "
        f"{{ ?via r2p:deliveredBy {r} }} UNION {{ ?via r2p:participant {r} }} "
        "?via r2p:hasStance ?stance . ?stance r2p:stanceValue ?value . "
        "OPTIONAL { ?stance r2p:stanceTarget ?target } "
        "OPTIONAL { ?stance prov:wasAttributedTo ?by } "
        "OPTIONAL { ?stance r2p:evidenceBasis ?evidence } "
        "OPTIONAL { ?via r2p:atMeeting|r2p:inMeeting ?meeting . "
        "OPTIONAL { ?meeting schema:startDate ?date } } } ORDER BY ?date ?stance"
    )
    for row in stance_rows:
        for name in ("stance", "value", "target", "by", "via", "meeting", "evidence"):
            if name in row and row[name].is_iri:
                label.want(row[name].value)
    label.resolve()
    stances: dict[str, dict[str, Any]] = {}
    for row in stance_rows:
        s = row["stance"].value
        stances.setdefault(s, {
            "stance": link_for(s, label),
            "value": label(row["value"].value),
            "value_iri": row["value"].value,
            "target": link_for(row["target"].value, label) if "target" in row else None,
            "by": link_for(row["by"].value, label) if "by" in row else None,
            "via": link_for(row["via"].value, label),
            "meeting": link_for(row["meeting"].value, label) if "meeting" in row else None,
            "date": human_date(row["date"].value) if "date" in row else "",
            "evidence": label(row["evidence"].value) if "evidence" in row else "",
        })
    return {"took_part": took_part, "stances": list(stances.values())}


# --- concepts and schemes --------------------------------------------------------------


def concept_sections(iri: str, label: Labeller) -> dict[str, Any]:
    """The meetings where a theme, pillar, crime or situation was raised, with how often."""
    v = vocab()
    r = ref(iri)
    rows = select(
        f"PREFIX r2p: <{v}>\nPREFIX schema: <{SDO}>\nPREFIX dcterms: <{DCTERMS}>\n"
        "SELECT ?meeting ?date (COUNT(DISTINCT ?x) AS ?n) WHERE { "
        f"{{ ?x dcterms:subject|r2p:addressesTheme {r} . "
        "?x r2p:atMeeting|r2p:claimAbout ?meeting } "
        f"UNION {{ ?meeting r2p:focusPillar {r} . BIND(?meeting AS ?x) }} "
        "OPTIONAL { ?meeting schema:startDate ?date } } "
        "GROUP BY ?meeting ?date ORDER BY ?date"
    )
    label.want(*(row["meeting"].value for row in rows))
    label.resolve()
    raised = [{
        "meeting": link_for(row["meeting"].value, label),
        "date": human_date(row["date"].value) if "date" in row else "",
        "count": int(row["n"].value),
    } for row in rows]
    return {"raised": raised}


def scheme_concepts(iri: str, members: Graph, label: Labeller) -> list[dict[str, Any]]:
    """The concepts of a scheme, in notation order when they have one."""
    concepts = []
    for c in set(members.subjects()):
        if not isinstance(c, URIRef):
            continue
        label.labels.setdefault(str(c), _own_label(members, c) or fallback_label(str(c)))
        notation = members.value(c, SKOS.notation)
        definition = members.value(c, SKOS.definition)
        concepts.append({
            "link": link_for(str(c), label),
            "notation": str(notation) if notation is not None else "",
            "definition": str(definition) if definition is not None else "",
        })

    def order(entry: dict[str, Any]) -> tuple[int, float, str]:
        try:
            return (0, float(entry["notation"]), entry["link"].label.lower())
        except ValueError:
            return (1, 0.0, entry["link"].label.lower())

    concepts.sort(key=order)
    return concepts
