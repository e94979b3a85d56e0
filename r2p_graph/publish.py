"""``r2p-graph publish --to URL``: load the validated, inferred dataset into a SPARQL store.

Readers never see half a dataset. The build is first written into staging graphs
(``{base}graph/staging/{fingerprint}/{name}``) with plain SPARQL 1.1 Update requests, in
chunks; only when every chunk is in does one update request move the staging graphs onto
the live names and record the live version in ``{base}graph/meta``. Stores that run each
update request as one transaction (Oxigraph, Jena Fuseki with TDB2, GraphDB) make that
switch atomic; a publish interrupted before it leaves the previous version untouched, and
the next publish clears the orphaned staging graphs.

Blank nodes are skolemized (``{base}.well-known/genid/…``) so that chunks sent in separate
requests still refer to the same nodes.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import requests

from . import vocab
from .config import Settings
from .pipeline.build import ensure_build, input_fingerprint
from .store.remote import GRAPH_PATH, META_GRAPH

OWL_VERSION_INFO = f"<{vocab.OWL}versionInfo>"
DCT_MODIFIED = f"<{vocab.DCTERMS}modified>"
XSD_DATETIME = f"<{vocab.XSD}dateTime>"

#: Triples per INSERT DATA request.
DEFAULT_CHUNK = 20_000


class PublishError(Exception):
    """The store refused or could not take the data; the live version is unchanged."""


class SwitchUnconfirmed(PublishError):
    """The request that switches the new version live was sent, but no answer came back:
    the store may still apply it (Oxigraph does, after the client has given up)."""


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote."""

    version: str
    graphs: dict[str, int]
    seconds: float


def publish(
    settings: Settings,
    update_url: str,
    *,
    source: Path | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    session: requests.Session | None = None,
    timeout: float = 300.0,
    on_chunk: Callable[[int], None] | None = None,
) -> PublishResult:
    """Publish the build (or ``source``, an N-Quads file) through the SPARQL Update endpoint."""
    started = time.monotonic()
    version = input_fingerprint(settings) if source is None else _file_version(source)
    path = source or ensure_build(settings)
    http = session or requests.Session()
    base = settings.base_iri
    staging_root = f"{base}{GRAPH_PATH}staging/"
    staging_prefix = f"{staging_root}{version}/"

    by_graph = _read_quads(path, base)
    live_names = sorted(by_graph)
    for name in live_names:
        if not name.startswith(base + GRAPH_PATH) or name.startswith(staging_root):
            raise PublishError(f"graph {name} is not a publishable graph under {base}{GRAPH_PATH}")

    _update(http, update_url, _drop_staging(staging_root), timeout)
    sent = 0
    for name in live_names:
        staging = staging_prefix + name[len(base + GRAPH_PATH) :]
        for chunk in _chunks(by_graph[name], chunk_size):
            body = "\n".join(chunk)
            _update(
                http, update_url, f"INSERT DATA {{ GRAPH <{staging}> {{\n{body}\n}} }}", timeout
            )
            sent += len(chunk)
            if on_chunk is not None:
                on_chunk(sent)

    switch = []
    for name in live_names:
        staging = staging_prefix + name[len(base + GRAPH_PATH) :]
        switch.append(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{name}>")
    meta = base + META_GRAPH
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    switch.append(f"DROP SILENT GRAPH <{meta}>")
    switch.append(
        f"INSERT DATA {{ GRAPH <{meta}> {{ <{base}dataset> "
        f'{OWL_VERSION_INFO} "{version}" ; {DCT_MODIFIED} "{now}"^^{XSD_DATETIME} . }} }}'
    )
    try:
        _update(http, update_url, " ;\n".join(switch), timeout)
    except PublishError as exc:
        if isinstance(exc.__cause__, requests.Timeout | requests.ConnectionError):
            raise SwitchUnconfirmed(
                f"the switch to version {version} was sent but not confirmed ({exc.__cause__}); "
                f"the store may still apply it: the live version is the owl:versionInfo of "
                f"<{base}dataset> in <{meta}>"
            ) from exc
        raise
    return PublishResult(
        version=version,
        graphs={name: len(triples) for name, triples in by_graph.items()},
        seconds=time.monotonic() - started,
    )


def live_version(query_url: str, settings: Settings, *, timeout: float = 10.0) -> str | None:
    """The version recorded by the last complete publish, or None."""
    meta = settings.base_iri + META_GRAPH
    response = requests.post(
        query_url,
        data={
            "query": f"SELECT ?v WHERE {{ GRAPH <{meta}> {{ ?d {OWL_VERSION_INFO} ?v }} }}"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=timeout,
    )
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    return rows[0]["v"]["value"] if rows else None


def _read_quads(path: Path, base: str) -> dict[str, list[str]]:
    genid = f"{base}.well-known/genid/"
    by_graph: dict[str, list[str]] = defaultdict(list)
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            raise PublishError(
                "the build has triples in the default graph; nothing to name them by"
            )
        terms = [_skolem(t, genid) for t in (quad.subject, quad.predicate, quad.object)]
        by_graph[quad.graph_name.value].append(" ".join(str(t) for t in terms) + " .")
    return dict(by_graph)


def _skolem(term: ox.NamedNode | ox.BlankNode | ox.Literal, genid: str) -> object:
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(genid + term.value)
    return term


def _chunks(lines: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(lines), size):
        yield lines[start : start + size]


def _drop_staging(staging_root: str) -> str:
    # DELETE WHERE over GRAPH ?g cannot drop graphs by prefix in every store; a
    # DELETE with a FILTER on the graph name can, in one standard request.
    return (
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{staging_root}")) }}'
    )


def _update(http: requests.Session, url: str, text: str, timeout: float) -> None:
    try:
        response = http.post(
            url,
            data=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            timeout=timeout,
        )
    except requests.RequestException as exc:
        raise PublishError(f"cannot reach the store at {url}: {exc}") from exc
    if response.status_code >= 300:
        raise PublishError(
            f"the store at {url} refused an update ({response.status_code}): "
            f"{' '.join(response.text.split())[:300]}"
        )


def _file_version(path: Path) -> str:

    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:24]
