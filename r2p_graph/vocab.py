"""Every namespace and prefix the package writes or reads, in one place.

Plain strings, no RDF library: the store and the cached start import this module too.
The project's own vocabulary sits under the configurable base IRI
(``Settings.base_iri``), so it is a function of it (:func:`r2p`, :func:`prefixes`);
IRIs of individual resources are minted by :mod:`r2p_graph.ids`.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

#: The base IRI the project mints under unless ``Settings.base_iri`` says otherwise (the
#: ``.rq`` files and the curated data are written with it).
DEFAULT_BASE: Final = "https://w3id.org/r2p/"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
ORG: Final = "http://www.w3.org/ns/org#"
SCHEMA: Final = "https://schema.org/"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
VOID: Final = "http://rdfs.org/ns/void#"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
FORMATS: Final = "http://www.w3.org/ns/formats/"
ENTAILMENT: Final = "http://www.w3.org/ns/entailment/"
SPARQL_RESULTS: Final = "http://www.w3.org/2005/sparql-results#"
WIKIDATA_ENTITY: Final = "http://www.wikidata.org/entity/"

#: The prefixes of the core RDF vocabularies (what a bare dump declares).
CORE_PREFIXES: Final = MappingProxyType({"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD})
#: Prefixes of the vocabularies the data uses: Turtle/TriG output, pages, queries.
DATA_PREFIXES: Final = MappingProxyType(
    {
        **CORE_PREFIXES,
        "skos": SKOS,
        "dcterms": DCTERMS,
        "prov": PROV,
        "schema": SCHEMA,
        "org": ORG,
    }
)
#: Prefixes for pages and their queries: the data's, and the ones pages show.
PAGE_PREFIXES: Final = MappingProxyType({**DATA_PREFIXES, "foaf": FOAF, "void": VOID})


def r2p(base_iri: str) -> str:
    """The namespace of the r2p ontology's terms under ``base_iri``: ``{base}def#``."""
    return f"{base_iri}def#"


def prefixes(base_iri: str, table: MappingProxyType[str, str] = DATA_PREFIXES) -> dict[str, str]:
    """``r2p`` (under ``base_iri``) followed by ``table``."""
    return {"r2p": r2p(base_iri), **table}
