"""Dereferenceable IRIs: every IRI minted under ``Settings.base_iri`` answers on this server.

The base is mapped onto the server's root: ``{base}id/state/GBR`` is served at
``{server}/id/state/GBR``, ``{base}def`` (the ontology, and ``{base}def#Term`` with it) at
``{server}/def``, ``{base}graph/asserted`` at ``{server}/graph/asserted``. Links on pages
point at this server (``Settings.public_url`` when set, else the request's own root).

One URL, many representations: ``200`` with ``Vary: Accept`` (no 303 hop). The format is
``?format=html|ttl|jsonld|nt|rdf`` when given, else the best match for the Accept header
(:mod:`r2p_graph.web.negotiation`, as for ``/sparql``) among HTML, Turtle,
JSON-LD, N-Triples and RDF/XML; ``*/*`` or no Accept header at all gets Turtle (browsers
always ask for ``text/html`` by name), nothing acceptable gets ``406``. Every answer
carries ``Content-Location`` (the URL of the representation sent) and one
``Link: <...?format=...>; rel="alternate"; type="..."`` per other representation. An IRI
the dataset does not know gets ``404`` (an HTML page or plain text, as negotiated).

The data for a resource is fetched through the Store with a CONSTRUCT: its triples as
subject in every graph (each once), the triples of anonymous resources it links to, and the
labels of the resources it links to. A concept scheme comes with its concepts, the ontology
IRI with the ontology graph, a named-graph IRI with a short VoID description of the graph.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, VOID, XSD

from r2p_graph import vocab as namespaces
from r2p_graph.ids import ONTOLOGY_GRAPH, Minter
from r2p_graph.ontology_docs import ontology_html
from r2p_graph.store import formats
from r2p_graph.web import labels, negotiation, ops, sparql_client
from r2p_graph.web.context import public_base, web_context
from r2p_graph.web.negotiation import HTML
from r2p_graph.web.views import resource as resource_view

bp = Blueprint("linked_data", __name__)

#: What an IRI can be answered with; on a tie (``*/*``) the first wins.
OFFERS: tuple[str, ...] = (
    formats.TURTLE,
    HTML,
    formats.JSON_LD,
    formats.N_TRIPLES,
    formats.RDF_XML,
)
#: The short name of each representation (in ``?format=`` links).
SHORT: dict[str, str] = {
    HTML: "html",
    formats.TURTLE: "ttl",
    formats.JSON_LD: "jsonld",
    formats.N_TRIPLES: "nt",
    formats.RDF_XML: "rdf",
}
NAMES: dict[str, str] = {
    HTML: "HTML",
    formats.TURTLE: "Turtle",
    formats.JSON_LD: "JSON-LD",
    formats.N_TRIPLES: "N-Triples",
    formats.RDF_XML: "RDF/XML",
}
_RDFLIB = {
    formats.TURTLE: "turtle",
    formats.JSON_LD: "json-ld",
    formats.N_TRIPLES: "nt",
    formats.RDF_XML: "xml",
}
SD = namespaces.SD
#: How many triples that point at a resource its RDF carries (as LodView and Pubby do):
#: enough for a crawler to go from a meeting to its statements; past it, a note says so.
INCOMING_LIMIT = 500


def choose_format() -> str | None:
    """The representation to send, or None (406)."""
    return negotiation.best(OFFERS, request.args.getlist("format"))


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(name, media type, URL) of every representation of the resource at ``path``."""
    root = public_base()
    return [(NAMES[m], m, f"{root}{path}?format={SHORT[m]}") for m in OFFERS]


def _link_header(path: str, current: str | None) -> str:
    return ", ".join(
        f'<{href}>; rel="alternate"; type="{media}"'
        for _, media, href in alternates(path)
        if media != current
    )


def _finish(response: Response, path: str, media: str | None) -> Response:
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = _link_header(path, media)
    if media is not None:
        response.headers["Content-Location"] = f"{public_base()}{path}?format={SHORT[media]}"
    return response


def not_acceptable(path: str) -> Response:
    wanted = request.args.get("format") or request.headers.get("Accept", "")
    body = (
        f"406 Not Acceptable: cannot answer {wanted!r}. This resource is available as "
        + ", ".join(f"{NAMES[m]} ({m}, ?format={SHORT[m]})" for m in OFFERS)
        + ".\n"
    )
    response = Response(body, status=406, mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return _finish(response, path, None)


def not_found(iri: str, path: str, media: str) -> Response:
    if media == HTML:
        body = render_template("not_found.html", iri=iri, path=path)
        response = Response(body, status=404, mimetype=HTML)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    else:
        response = Response(
            f"404 Not Found: the dataset says nothing about <{iri}>.\n",
            status=404,
            mimetype="text/plain",
        )
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return response


def rdf_response(graph: Graph, media: str, path: str) -> Response:
    if media == formats.JSON_LD:
        body = resource_view.jsonld_text(graph).encode("utf-8")
    else:
        body = graph.serialize(format=_RDFLIB[media], encoding="utf-8")
    response = Response(body, status=200)
    response.headers["Content-Type"] = formats.content_type(media)
    return _finish(response, path, media)


def html_response(html: str, path: str) -> Response:
    response = Response(html, status=200)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return _finish(response, path, HTML)


def malformed(path: str) -> Response:
    """404 for a path that cannot stand for an IRI (a stray ``%``, a space, ``<`` ...):
    no resource has that name, and no query is sent to find out."""
    body = (
        f"404 Not Found: {path!a} names no resource: an IRI cannot be written so "
        "(every % must start a percent-encoded UTF-8 byte, %XX; no spaces, <, >, \", {, }, "
        "|, ^ or `).\n"
    )
    response = Response(body, status=404, mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


def serve_resource(iri: str, path: str) -> Response:
    """The negotiated answer for one IRI of the dataset."""
    if not sparql_client.safe_iri(iri):
        return malformed(path)
    media = choose_format()
    if media is None:
        return not_acceptable(path)
    data = resource_view.describe(iri)
    if not len(data):
        data = resource_view.describe_inverse(iri)
        if not len(data):
            return not_found(iri, path, media)
    extra: Graph | None = None
    if (URIRef(iri), RDF.type, SKOS.ConceptScheme) in data:
        extra = resource_view.describe_scheme_members(iri)
    if media == HTML:
        page = resource_view.build_page(iri, data, alternates(path), extra=extra)
        return html_response(render_template("resource.html", page=page), path)
    graph = data if extra is None else data + extra
    return rdf_response(with_incoming(graph, iri), media, path)


def with_incoming(graph: Graph, iri: str) -> Graph:
    """``graph`` and the triples that point at ``iri`` (with their subjects' labels), up to
    :data:`INCOMING_LIMIT`; when there are more, an ``rdfs:comment`` says so and
    ``rdfs:seeAlso`` links the query that lists them all."""
    incoming = resource_view.describe_inverse(iri)
    node = URIRef(iri)
    pointing = list(incoming.subject_predicates(node))
    if len(pointing) > INCOMING_LIMIT:
        for s, p in pointing[INCOMING_LIMIT:]:
            incoming.remove((s, p, node))
        query = sparql_client.page_query("incoming", resource=iri)
        graph.add((node, RDFS.comment, Literal(
            f"Only {INCOMING_LIMIT} of the triples that point at this resource are included "
            "here; the query linked with rdfs:seeAlso lists them all.", lang="en")))
        graph.add((node, RDFS.seeAlso,
                   URIRef(f"{public_base()}/sparql?{urlencode({'query': query})}")))
    return graph + incoming


@bp.route("/id/<path:rest>", methods=["GET"])
def resource(rest: str) -> Response:
    path = f"/id/{rest}"
    return serve_resource(labels.iri_for_path(path), path)


# --- the ontology ----------------------------------------------------------------------


def ontology_graph() -> Graph:
    """The ontology through the Store: its named graph when there is one, else every
    triple about the ontology IRI and the terms of its namespace."""
    ctx = web_context()
    minter = Minter(ctx.settings.base_iri)
    graph_iri = minter.graph(ONTOLOGY_GRAPH)
    if graph_iri in ctx.store.graph_names():
        return sparql_client.construct(
            sparql_client.page_query("whole-graph"), default_graphs=(graph_iri,)
        )
    return sparql_client.construct(sparql_client.page_query("ontology"))


@bp.route("/def", methods=["GET"])
@bp.route("/def/", methods=["GET"])
def ontology() -> Response:
    path = "/def"
    media = choose_format()
    if media is None:
        return not_acceptable(path)
    if media == HTML:
        try:
            page = ontology_html(web_context().settings, public_base())
        except OSError:  # pyLODE could not make it (ontology_docs logs why, once)
            minter = Minter(web_context().settings.base_iri)
            data = ontology_graph()
            page_model = resource_view.build_page(minter.ontology, data, alternates(path))
            return html_response(render_template("resource.html", page=page_model), path)
        response = html_response(page, path)
        # pyLODE's page carries its stylesheet inline: allowed by hash, nothing else.
        response.headers["Content-Security-Policy"] = ops.content_security_policy(
            web_context().settings, style_hashes=ops.inline_style_hashes(page)
        )
        return response
    return rdf_response(ontology_graph(), media, path)


@bp.route("/def/<path:rest>", methods=["GET"])
def ontology_version(rest: str) -> Response:
    """``{base}def/0.1.0`` (the version IRI) is the ontology too; anything else under
    ``def/`` is looked up like any other IRI."""
    path = f"/def/{rest}"
    iri = labels.iri_for_path(path)
    if not sparql_client.safe_iri(iri):
        return malformed(path)
    if sparql_client.ask(sparql_client.page_query("is-ontology-version", version=iri)):
        return ontology()
    return serve_resource(iri, path)


# --- named graphs ----------------------------------------------------------------------


@bp.route("/graph/<path:name>", methods=["GET"])
def named_graph(name: str) -> Response:
    """A named graph of the dataset: what it is, how big, where to get it."""
    path = f"/graph/{name}"
    iri = labels.iri_for_path(path)
    if not sparql_client.safe_iri(iri):
        return malformed(path)
    media = choose_format()
    if media is None:
        return not_acceptable(path)
    store = web_context().store
    counts = store.stats().graphs
    if iri not in counts:
        return serve_resource(iri, path)
    root = public_base()
    graph = resource_view.describe(iri)
    node = URIRef(iri)
    void = VOID
    graph.add((node, RDF.type, URIRef(f"{SD}Graph")))
    graph.add((node, RDF.type, void.Dataset))
    graph.add((node, RDFS.label, Literal(f"The {name} graph of the r2p dataset", lang="en")))
    graph.add((node, void.triples, Literal(counts[iri], datatype=XSD.integer)))
    graph.add((node, void.sparqlEndpoint, URIRef(f"{root}/sparql")))
    graph.add((node, void.dataDump, URIRef(f"{root}/download/dataset.nq")))
    graph.add((node, RDFS.seeAlso, URIRef(f"{root}/.well-known/void")))
    if media == HTML:
        page = resource_view.build_page(iri, graph, alternates(path))
        return html_response(render_template("resource.html", page=page), path)
    return rdf_response(graph, media, path)

