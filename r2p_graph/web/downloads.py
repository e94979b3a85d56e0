"""``/download``: the whole dataset, as files, stamped with the package version, a
fingerprint of the data (SHA-256 of its N-Quads) and the date.

* ``/download/dataset.nq`` and ``/download/dataset.trig``: streamed from the store's own
  dump (every triple with its named graph);
* ``/download/dataset.ttl`` (every graph merged) and ``/download/dataset.jsonld`` (with its
  named graphs): made once per application from the N-Quads dump and cached by content in
  the build cache;
* ``/download``: the page listing them, with sizes and checksums.

A store that is down answers 503 through :mod:`r2p_graph.web.errors`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template

from r2p_graph import vocab
from r2p_graph.store import formats
from r2p_graph.web.context import html_page, package_version, public_base, web_context
from r2p_graph.web.errors import ApiError

bp = Blueprint("downloads", __name__)

#: The downloads the store dumps itself, streamed as they come.
STORE_DUMPS = {"dataset.nq": formats.N_QUADS, "dataset.trig": formats.TRIG}
_STATE_KEY = "r2p_graph.downloads"


@dataclass
class DumpFile:
    name: str
    label: str
    media_type: str
    description: str
    path: Path | None = None  # None: streamed from the store (download_from_store)

    @property
    def size(self) -> int | None:
        return self.path.stat().st_size if self.path and self.path.is_file() else None

    @property
    def sha256(self) -> str:
        if not self.path or not self.path.is_file():
            return ""
        digest = hashlib.sha256()
        with self.path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()


@dataclass
class DumpSet:
    fingerprint: str
    generated: str
    version: str
    files: dict[str, DumpFile]

    @property
    def stamp(self) -> str:
        return f"{self.version}+{self.fingerprint}"


_dump_lock = threading.Lock()


def _state() -> dict[str, Any]:
    state = current_app.extensions.setdefault(_STATE_KEY, {})
    assert isinstance(state, dict)
    return state


def dumps() -> DumpSet:
    """The dataset's downloads, made once per application from the store's N-Quads dump
    (the store is read-only, so they never go stale) and cached by content in the build
    cache."""
    state = _state()
    existing = state.get("dumps")
    if isinstance(existing, DumpSet):
        return existing
    with _dump_lock:
        existing = state.get("dumps")
        if isinstance(existing, DumpSet):
            return existing
        made = _make_dumps()
        state["dumps"] = made
        return made


def _make_dumps() -> DumpSet:
    import pyoxigraph as ox

    settings = web_context().settings
    store = web_context().store
    nquads = b"".join(store.dump(formats.N_QUADS))  # StoreUnavailable: 503 (errors.py)
    fingerprint = hashlib.sha256(nquads).hexdigest()[:16]
    generated = datetime.now(UTC).strftime("%Y-%m-%d")
    pkg = package_version()
    folder = settings.cache_dir / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    prefixes = vocab.prefixes(settings.base_iri)

    ttl = folder / f"r2p-{fingerprint}.ttl"
    if not ttl.is_file():
        seen: set[Any] = set()
        triples = []
        for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
            triple = quad.triple
            if triple not in seen:
                seen.add(triple)
                triples.append(triple)
        header = (
            f"# r2p-graph dataset, version {pkg}+{fingerprint} (data fingerprint: the first\n"
            "# 16 hex digits of the SHA-256 of its N-Quads dump). Every graph (ontology,\n"
            "# asserted, inferred) merged into one, each triple once; the N-Quads, TriG and\n"
            f"# JSON-LD downloads keep the graph names. Licence: CC BY 4.0. Made {generated}.\n"
        ).encode()
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        _atomic_write(ttl, header + (body or b""))
    jsonld = folder / f"r2p-{fingerprint}.jsonld"
    if not jsonld.is_file():
        quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
        body = ox.serialize(quads, format=ox.RdfFormat.JSON_LD)
        _atomic_write(jsonld, body or b"[]")
    _forget_old_dumps(folder, keep=fingerprint)
    files = {
        "dataset.ttl": DumpFile(
            "dataset.ttl", "Turtle", formats.TURTLE,
            "Every graph merged into one graph (no graph names), each triple once.", ttl,
        ),
        "dataset.nq": DumpFile(
            "dataset.nq", "N-Quads", formats.N_QUADS,
            "Every triple with its named graph (ontology, asserted, inferred); one per line.",
        ),
        "dataset.jsonld": DumpFile(
            "dataset.jsonld", "JSON-LD", formats.JSON_LD,
            "Expanded JSON-LD, one @graph per named graph.", jsonld,
        ),
        "dataset.trig": DumpFile(
            "dataset.trig", "TriG", formats.TRIG,
            "Turtle with named graphs.",
        ),
    }
    return DumpSet(fingerprint=fingerprint, generated=generated, version=pkg, files=files)


def _forget_old_dumps(folder: Path, keep: str, max_age_days: float = 7.0) -> None:
    """Remove dumps of other data versions not used for a week (the cache would grow with
    every change of the data otherwise; another server may still be serving a recent one)."""
    cutoff = datetime.now(UTC).timestamp() - max_age_days * 86_400
    for old in folder.glob("r2p-*.*"):
        try:
            if keep not in old.name and old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:  # another process got there first
            continue


def _atomic_write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


@bp.route("/download", methods=["GET"])
@bp.route("/download/", methods=["GET"])
def downloads_page() -> Response:
    made = dumps()
    root = public_base()
    files = [
        {"file": f, "href": f"{root}/download/{f.name}", "size": f.size, "sha256": f.sha256}
        for f in made.files.values()
    ]
    stats = web_context().store.stats()
    return html_page(
        render_template(
            "downloads.html", dumps=made, files=files, triples=stats.triples,
            graphs=sorted(stats.graphs.items()), void_href=f"{root}/.well-known/void",
        )
    )


def _send_dump(name: str) -> Response:
    made = dumps()
    entry = made.files[name]
    assert entry.path is not None
    path = entry.path

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 16):
                yield chunk

    response = Response(chunks(), status=200)
    response.headers["Content-Type"] = formats.content_type(entry.media_type)
    response.headers["Content-Length"] = str(path.stat().st_size)
    extension = name.rsplit(".", 1)[-1]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="r2p-{made.stamp}.{extension}"'
    )
    response.headers["X-R2P-Data-Version"] = made.stamp
    return response


@bp.route("/download/dataset.ttl", methods=["GET"])
def download_turtle() -> Response:
    return _send_dump("dataset.ttl")


@bp.route("/download/dataset.jsonld", methods=["GET"])
def download_jsonld() -> Response:
    return _send_dump("dataset.jsonld")


@bp.route("/download/<name>", methods=["GET"])
def download_from_store(name: str) -> Response:
    store = web_context().store
    media_type = STORE_DUMPS.get(name)
    if media_type is None or not hasattr(store, "dump"):
        raise ApiError(
            404, f"No such download; available: {', '.join(sorted(STORE_DUMPS))}.", kind="404"
        )
    chunks: Iterator[bytes] = store.dump(media_type)  # StoreUnavailable: 503 (errors.py)
    g.r2p_result_size = store.stats().triples
    response = Response(chunks, status=200)
    response.headers["Content-Type"] = formats.content_type(media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="r2p-{name}"'
    return response
