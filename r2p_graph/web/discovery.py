"""Discovery: the SPARQL 1.1 Service Description, the VoID description, dataset dumps.

* ``GET /sparql`` without a query: a Service Description (Turtle by default; also
  N-Triples, JSON-LD, RDF/XML) whose ``sd:endpoint`` is the public URL. Features are
  stated honestly: ``sd:UnionDefaultGraph`` only when the default graph is the union,
  and no ``sd:BasicFederatedQuery`` (SERVICE is refused).
* ``GET /.well-known/void``: VoID with triple, entity (distinct subject), property and
  class counts, class and property partitions, one subset per named graph, and links
  to the dumps. The statistics are computed once, with SPARQL through the store.
* ``GET /download/dataset.nq`` and ``/download/dataset.trig``: the whole dataset.

rdflib is used here only to build and serialize these small description graphs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, request
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID

from r2p_graph import vocab as namespaces
from r2p_graph.store import (
    HeavyLaneFull,
    QueryRequest,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    formats,
)
from r2p_graph.web import sparql_client
from r2p_graph.web.context import endpoint_url, public_base, web_context
from r2p_graph.web.downloads import STORE_DUMPS
from r2p_graph.web.errors import ApiError
from r2p_graph.web.negotiation import choose

bp = Blueprint("discovery", __name__)

SD = Namespace(namespaces.SD)
FORMATS = Namespace(namespaces.FORMATS)
ENTAILMENT = Namespace(namespaces.ENTAILMENT)

_RDFLIB_FORMAT = {
    formats.TURTLE: "turtle",
    formats.N_TRIPLES: "nt",
    formats.JSON_LD: "json-ld",
    formats.RDF_XML: "xml",
}
_RESULT_FORMAT_IRIS = (
    FORMATS.SPARQL_Results_JSON,
    FORMATS.SPARQL_Results_XML,
    FORMATS.SPARQL_Results_CSV,
    FORMATS.SPARQL_Results_TSV,
    FORMATS.Turtle,
    FORMATS["N-Triples"],
    FORMATS["JSON-LD"],
    FORMATS.RDF_XML,
)
_DUMP_FORMAT_IRIS = {formats.N_QUADS: FORMATS["N-Quads"], formats.TRIG: FORMATS.TriG}

# The VoID statistics (queries/service/void-*.rq): over the merge of every graph, whatever
# the default-graph mode.
_STATS_ROWS = 1_000_000


def _negotiated(graph: Graph, format_values: list[str]) -> Response:
    media_type = choose(formats.GRAPH_TYPES, format_values)
    body = graph.serialize(format=_RDFLIB_FORMAT[media_type], encoding="utf-8")
    response = Response(body, status=200)
    response.headers["Content-Type"] = formats.content_type(media_type)
    response.headers["Vary"] = "Accept"
    return response


def _format_values() -> list[str]:

    return request.args.getlist("format")


def service_description() -> Response:
    """The Service Description of this endpoint, negotiated."""
    ctx = web_context()
    settings = ctx.settings
    store = ctx.store
    endpoint = endpoint_url()
    base = public_base()

    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    graph.bind("dcterms", DCTERMS)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for iri in _RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, iri))
    union = bool(getattr(store, "union_default_graph", False))
    if union:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, DCTERMS.title, Literal("r2p-graph SPARQL endpoint")))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only SPARQL 1.1 Query endpoint. SERVICE (federation), LOAD and every "
                "update are refused with 403 and never run. FROM / FROM NAMED and "
                "default-graph-uri / named-graph-uri select graphs of this dataset only. "
                f"Each query has a deadline of {settings.query_timeout:g} s (ask for less "
                f"with the timeout parameter) and SELECT answers stop at "
                f"{settings.max_rows} rows."
                + (
                    " A query without a dataset sees the merge of all graphs as its default graph."
                    if union
                    else ""
                ),
                lang="en",
            ),
        )
    )
    graph.add((service, RDFS.seeAlso, URIRef(f"{base}/.well-known/void")))

    stats = store.stats()
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    if not union:
        graph.add(
            (
                default_graph,
                VOID.triples,
                Literal(stats.default_graph_triples, datatype=XSD.integer),
            )
        )
    for index, (name, count) in enumerate(sorted(stats.graphs.items())):
        named = BNode(f"named-graph-{index}")
        described = BNode(f"graph-{index}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(count, datatype=XSD.integer)))

    response = _negotiated(graph, _format_values())
    response.headers["Link"] = f'<{base}/.well-known/void>; rel="describedby"'
    return response


@dataclass
class VoidStats:
    triples: int = 0
    subjects: int = 0
    properties: int = 0
    objects: int = 0
    classes: list[tuple[str, int]] = field(default_factory=list)
    property_counts: list[tuple[str, int]] = field(default_factory=list)


def _select(text: str, timeout: float) -> list[dict[str, Any]]:
    store = web_context().store
    result = store.query(
        QueryRequest(
            text=text,
            media_type=formats.SPARQL_JSON,
            timeout=timeout,
            max_rows=_STATS_ROWS,
        )
    )
    rows = json.loads(result.body)["results"]["bindings"]
    assert isinstance(rows, list)
    return rows


def _int(row: dict[str, Any], name: str) -> int:
    return int(row[name]["value"]) if name in row else 0


def _compute_stats() -> VoidStats:
    settings = web_context().settings
    timeout = max(settings.query_timeout, 60.0)
    counts = _select(sparql_client.query_file("service/void-counts"), timeout)
    row = counts[0] if counts else {}
    stats = VoidStats(
        triples=_int(row, "triples"),
        subjects=_int(row, "subjects"),
        properties=_int(row, "properties"),
        objects=_int(row, "objects"),
    )
    for item in _select(sparql_client.query_file("service/void-classes"), timeout):
        if item.get("class", {}).get("type") == "uri":
            stats.classes.append((item["class"]["value"], _int(item, "n")))
    for item in _select(sparql_client.query_file("service/void-properties"), timeout):
        if item.get("p", {}).get("type") == "uri":
            stats.property_counts.append((item["p"]["value"], _int(item, "n")))
    return stats


def void_stats() -> VoidStats:
    """The VoID statistics, computed on first use and kept for the app's lifetime."""
    ctx = web_context()
    if ctx.void_stats is None:
        with ctx.lock:
            if ctx.void_stats is None:
                ctx.void_stats = _compute_stats()
    assert isinstance(ctx.void_stats, VoidStats)
    return ctx.void_stats


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    store = web_context().store
    try:
        stats = void_stats()
    except (QueryTimeout, StoreUnavailable, HeavyLaneFull):
        raise  # 503, by the app's handlers (errors.py)
    except StoreError as exc:
        raise ApiError(503, f"The dataset statistics could not be computed: {exc}") from None
    base = public_base()
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("sd", SD)
    graph.bind("dcterms", DCTERMS)
    graph.bind("formats", FORMATS)
    dataset = URIRef(f"{base}/.well-known/void#dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("r2p-graph dataset", lang="en")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint_url())))
    if hasattr(store, "dump"):
        for name, media_type in STORE_DUMPS.items():
            graph.add((dataset, VOID.dataDump, URIRef(f"{base}/download/{name}")))
            graph.add((dataset, VOID.feature, _DUMP_FORMAT_IRIS[media_type]))
    # Turtle and JSON-LD dumps are made by web/downloads.py when it is on.
    for name, endpoint in (
        ("dataset.ttl", "downloads.download_turtle"),
        ("dataset.jsonld", "downloads.download_jsonld"),
    ):
        if endpoint in current_app.view_functions:
            graph.add((dataset, VOID.dataDump, URIRef(f"{base}/download/{name}")))
    integer = XSD.integer
    graph.add((dataset, VOID.triples, Literal(stats.triples, datatype=integer)))
    graph.add((dataset, VOID.entities, Literal(stats.subjects, datatype=integer)))
    graph.add((dataset, VOID.distinctSubjects, Literal(stats.subjects, datatype=integer)))
    graph.add((dataset, VOID.distinctObjects, Literal(stats.objects, datatype=integer)))
    graph.add((dataset, VOID.properties, Literal(stats.properties, datatype=integer)))
    graph.add((dataset, VOID.classes, Literal(len(stats.classes), datatype=integer)))
    for index, (cls, count) in enumerate(stats.classes):
        part = BNode(f"class-{index}")
        graph.add((dataset, VOID.classPartition, part))
        graph.add((part, VOID["class"], URIRef(cls)))
        graph.add((part, VOID.entities, Literal(count, datatype=integer)))
    for index, (prop, count) in enumerate(stats.property_counts):
        part = BNode(f"property-{index}")
        graph.add((dataset, VOID.propertyPartition, part))
        graph.add((part, VOID.property, URIRef(prop)))
        graph.add((part, VOID.triples, Literal(count, datatype=integer)))
    for index, (name, count) in enumerate(sorted(store.stats().graphs.items())):
        subset = BNode(f"graph-{index}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(name)))
        graph.add((subset, VOID.triples, Literal(count, datatype=integer)))
    return _negotiated(graph, _format_values())
