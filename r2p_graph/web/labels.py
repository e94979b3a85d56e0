"""IRIs and their names: the mapping between IRIs under ``Settings.base_iri`` and this
server's URLs (:func:`local_href`, :func:`iri_for_path`), and label lookup
(:func:`fetch_labels`, :class:`Labeller`) for pages and charts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS

from r2p_graph import vocab as namespaces
from r2p_graph.ids import Minter
from r2p_graph.web.context import public_base, web_context
from r2p_graph.web.sparql_client import PREFIXES, VALUES_CHUNK, page_query, safe_iri, select

SDO = Namespace(namespaces.SCHEMA)
ORG = Namespace(namespaces.ORG)
VOID = Namespace(namespaces.VOID)

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
    namespaces.SD + "Graph": "Graph",
    str(VOID.Dataset): "Dataset",
    str(VOID.triples): "triples",
    str(VOID.dataDump): "data dump",
}


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


def lang_rank(lang: str) -> int:
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
    for start in range(0, len(wanted), VALUES_CHUNK):
        chunk = wanted[start : start + VALUES_CHUNK]
        rows = select(page_query("labels", x=chunk, property=LABEL_PROPERTIES))
        for row in rows:
            x, p, label = row["x"].value, row["property"].value, row["label"]
            rank = (LABEL_PROPERTIES.index(URIRef(p)), lang_rank(label.lang), label.value)
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
        # Asked for and found without a label: never asked again for this page.
        self._unlabeled: set[str] = set()

    def want(self, *iris: str | URIRef | None) -> None:
        for iri in iris:
            key = str(iri) if iri is not None else ""
            if key and key not in self.labels and key not in self._unlabeled:
                self._wanted.add(key)

    def resolve(self) -> None:
        todo = self._wanted - set(self.labels)
        self._wanted.clear()
        if not todo:
            return
        self.labels.update(fetch_labels(todo))
        unlabeled = {iri for iri in todo if iri not in self.labels and is_local(iri)}
        if unlabeled:
            self.labels.update(composed_labels(unlabeled))
        self._unlabeled |= todo - set(self.labels)

    def __call__(self, iri: str | URIRef) -> str:
        key = str(iri)
        if key not in self.labels and key not in self._unlabeled:
            self.want(key)
            self.resolve()
        return self.labels.get(key) or fallback_label(key)


def composed_labels(iris: Iterable[str]) -> dict[str, str]:
    """Labels for unlabeled records, from what they are about:
    "United Kingdom at <meeting>", "“quoted words”", "supportive (principle)", ..."""
    wanted = sorted(iri for iri in iris if safe_iri(iri))
    if not wanted:
        return {}
    facts: dict[str, dict[str, str]] = defaultdict(dict)
    objects: set[str] = set()
    for start in range(0, len(wanted), VALUES_CHUNK):
        chunk = wanted[start : start + VALUES_CHUNK]
        for row in select(page_query("composed-label-facts", x=chunk)):
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
                out[iri] = f"{kind[:1].upper()}{kind[1:]}: “{clip(f['hasQuote'], 90)}”"
            else:
                about = f" about {name(f.get('claimAbout'))}" if f.get("claimAbout") else ""
                out[iri] = f"Claim ({kind.lower()}){about}"
        elif "member" in f:
            out[iri] = f"{name(f['member'])} in {name(f.get('organization'))}"
    return out


def clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def graph_label(data: Graph, subject: URIRef) -> str:
    """The best label ``data`` gives ``subject`` (as :func:`fetch_labels` ranks them)."""
    best: tuple[int, int, str] | None = None
    for index, prop in enumerate(LABEL_PROPERTIES):
        for o in data.objects(subject, prop):
            if isinstance(o, Literal):
                rank = (index, lang_rank(o.language or ""), str(o))
                if best is None or rank < best:
                    best = rank
    return best[2] if best else ""
