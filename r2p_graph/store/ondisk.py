"""The served form of a dataset snapshot: one folder, made once, shared by every worker.

::

    <root>/<key>/
        dataset.nq     the snapshot: N-Quads, every term as written (the /download dump,
                       and what the rdflib engine loads)
        store/         an Oxigraph (RocksDB) store of it; query workers open it read-only,
                       so they share the OS page cache instead of each holding a copy
        originals.nq   the data literals Oxigraph stores in another form ("58"^^xsd:nonNegative
                       Integer as 58): the worker's restore table for CONSTRUCT/DESCRIBE
        meta.json      triples per graph, whether the union of the graphs is a set, versions

A folder is made in a child process (bulk loading a million triples peaks at ~1.3 GB,
which the serving process should not keep), into a temporary folder that is renamed into
place: a folder that exists is complete, and two servers starting together race
harmlessly (one rename wins, the other folder is dropped). Later starts only read
``meta.json``.

Keys: for the project's dataset the build file's name (``dataset-<input fingerprint>``)
and a digest of its size and time, in ``served/`` beside the build; for ``r2p-graph serve
FILE...`` ``files-<digest>``, a SHA-256 of the files' paths, graphs and bytes, in
``<cache_dir>/served/``. Both digests include pyoxigraph's version and this module's
layout, so a folder is never replaced under a running server: what changed gets a new one.

A server holds a shared lock on the folder it serves for as long as it runs. When a
folder is made, the others that nobody holds are removed if they are of no further use:
a build's folder once the build file is gone, a ``files-`` folder unused for a week.

The union of the graphs is a *set* when no triple is stored in two graphs (checked once,
here: its distinct triples are as many as its quads). Workers then answer queries without
a dataset with Oxigraph's own ``use_default_graph_as_union``; otherwise (files that repeat
triples across graphs) each worker materializes the merge in memory, as SPARQL's set
semantics require.
"""

from __future__ import annotations

import fcntl
import functools
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from r2p_graph.store import formats
from r2p_graph.store.loading import (
    DatasetLoadError,
    DatasetSnapshot,
    GraphSource,
    build_snapshot,
    parse_source,
)
from r2p_graph.store.workers import child_path

#: Bump when the folder's contents or their meaning change: older folders are then remade.
LAYOUT = 1
SNAPSHOT = "dataset.nq"
STORE = "store"
ORIGINALS = "originals.nq"
META = "meta.json"
#: Temporary and replaced folders older than this are removed when a new folder is made.
_STALE_SECONDS = 24 * 3600
#: A ``files-`` folder nobody has started from for this long is removed.
_UNUSED_SECONDS = 7 * 24 * 3600
#: The folders this process serves, each held with a shared lock until the process ends.
_HELD: dict[Path, IO[bytes]] = {}
_HELD_LOCK = threading.Lock()

_CHUNK = 1 << 24
#: Distinct triples over every graph (the stored default graph included): fewer than
#: the quads when a triple is stored in two graphs. (A COUNT of a DISTINCT is ~1.5x faster
#: in Oxigraph than an ASK over a GROUP BY ... HAVING, 2.9 s vs 4.5 s at 1.6M quads.)
_DISTINCT_TRIPLES = """SELECT (COUNT(*) AS ?n) WHERE {
  SELECT DISTINCT ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }
}"""
_COUNT_NAMED = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


# --------------------------------------------------------------------------- serving side


def served_root_for_build(build: Path) -> Path:
    """Where the served folders of builds in ``build``'s folder live."""
    return build.parent / "served"


def for_build(build: Path) -> DatasetSnapshot:
    """The served folder of a ready N-Quads build (deduplicated, e.g. ``ensure_build``'s),
    made on first use: the build is hard-linked (copied across file systems), not parsed."""
    if not build.is_file():
        raise DatasetLoadError(f"{build}: no such file")
    stat = build.stat()
    source = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    recipe = {"kind": "build", "build": str(build.resolve()), "source": source}
    stamp = f"{_layout()}\n{stat.st_size}\n{stat.st_mtime_ns}".encode()
    key = f"{build.stem}.{hashlib.sha256(stamp).hexdigest()[:12]}"
    return _ensure(served_root_for_build(build), key, recipe, source)


def for_files(sources: Sequence[GraphSource], cache_dir: Path) -> DatasetSnapshot:
    """The served folder of RDF files (see :mod:`r2p_graph.store.loading`), keyed by their
    content: the same files serve again without being parsed again."""
    key = "files-" + sources_digest(sources)
    recipe = {
        "kind": "files",
        "sources": [[str(s.path.resolve()), s.graph] for s in sources],
    }
    return _ensure(cache_dir / "served", key, recipe, None)


def sources_digest(sources: Sequence[GraphSource]) -> str:
    """SHA-256 over each file's path (relative IRIs resolve against it), graph and bytes."""
    digest = hashlib.sha256(f"{_layout()}\n".encode())
    for source in sources:
        digest.update(f"{source.path.resolve()}\n{source.graph or ''}\n".encode())
        try:
            with source.path.open("rb") as stream:
                digest.update(hashlib.file_digest(stream, "sha256").digest())
        except OSError as exc:
            raise DatasetLoadError(f"{source.path}: {exc.strerror or exc}") from exc
    return digest.hexdigest()[:32]


@functools.cache
def _pyoxigraph_version() -> str:
    from importlib.metadata import version  # ~40 ms; only when a folder is made or checked

    return version("pyoxigraph")


def _layout() -> str:
    return f"r2p-served-layout={LAYOUT} pyoxigraph={_pyoxigraph_version()}"


def read_served(folder: Path, source: dict[str, int] | None = None) -> DatasetSnapshot | None:
    """The snapshot a complete served folder describes, or None when there is none to
    reuse (missing, another layout or pyoxigraph version, or made from another source)."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("layout") != LAYOUT:
        return None
    if meta.get("pyoxigraph") != _pyoxigraph_version():
        return None
    if source is not None and meta.get("source") != source:
        return None
    return DatasetSnapshot(
        path=folder / SNAPSHOT,
        graphs={str(k): int(v) for k, v in meta["graphs"].items()},
        default_graph_triples=int(meta["default_graph_triples"]),
        store=folder / STORE,
        originals=folder / ORIGINALS,
        union_is_set=bool(meta["union_is_set"]),
    )


def _ensure(
    root: Path, key: str, recipe: dict[str, Any], source: dict[str, int] | None
) -> DatasetSnapshot:
    folder = root / key
    if _hold(folder):
        snapshot = read_served(folder, source)
        if snapshot is not None:
            return snapshot
    root.mkdir(parents=True, exist_ok=True)
    # One maker per folder: servers starting together (gunicorn workers) wait for it.
    with (root / f".{key}.lock").open("ab") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        if _hold(folder):
            snapshot = read_served(folder, source)
            if snapshot is not None:
                return snapshot
        done = _run_maker(root, key, recipe)
    outcome: dict[str, Any] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines()[::-1]:
        if line.startswith("{"):
            outcome = json.loads(line)
            break
    if done.returncode != 0 or "error" in outcome:
        message = outcome.get("error") or f"the store maker exited with status {done.returncode}"
        raise DatasetLoadError(str(message))
    snapshot = read_served(folder, source) if _hold(folder) else None
    if snapshot is None:
        raise DatasetLoadError(f"{folder}: the served dataset could not be made")
    return snapshot


def _run_maker(root: Path, key: str, recipe: dict[str, Any]) -> subprocess.CompletedProcess[bytes]:

    env = dict(os.environ)
    env["PYTHONPATH"] = child_path()
    return subprocess.run(
        [sys.executable, "-S", "-m", "r2p_graph.store.ondisk", str(root), key, json.dumps(recipe)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        env=env,
        check=False,
    )


def _hold(folder: Path) -> bool:
    """Hold ``folder`` (a shared lock on its ``meta.json``, until this process ends) and
    note that it was used now; False when there is no complete folder to hold."""
    meta = folder / META
    with _HELD_LOCK:
        held = _HELD.get(folder)
        if held is not None:
            try:
                if os.fstat(held.fileno()).st_ino == meta.stat().st_ino:
                    return True
            except OSError:
                pass
            held.close()  # the folder was replaced (remade for a changed build)
            del _HELD[folder]
        try:
            handle = meta.open("rb")
        except OSError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        try:
            current = meta.stat().st_ino == os.fstat(handle.fileno()).st_ino
            if current:
                os.utime(meta)
        except OSError:
            current = False
        if not current:  # removed or replaced between the open and the lock
            handle.close()
            return False
        _HELD[folder] = handle
        return True


# --------------------------------------------------------------------------- maker side


def make(root: Path, key: str, recipe: dict[str, Any]) -> dict[str, float]:
    """Make ``root/key`` from ``recipe`` (see :func:`for_build`, :func:`for_files`);
    returns timings. Runs in a child process (``python -m r2p_graph.store.ondisk``)."""

    import pyoxigraph as ox  # the maker process only: a server opening a folder never needs it

    from r2p_graph.store.literal_forms import original_literals  # imports pyoxigraph

    _remove_stale(root)
    _remove_unused(root, keep=key)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f".{key}.", suffix=".tmp", dir=root))
    try:
        snapshot = work / SNAPSHOT
        label, fmt, written = _write_snapshot(recipe, snapshot)
        timings["snapshot"] = time.perf_counter() - started

        with ThreadPoolExecutor(max_workers=3) as pool:
            # pyoxigraph releases the GIL while it loads and queries: the literal scan
            # reads the file during the bulk load, the counts and the check run together.
            scan = pool.submit(original_literals, snapshot)
            started = time.perf_counter()
            _bulk_load(work / STORE, snapshot, fmt, label, lenient=written)
            timings["bulk_load"] = time.perf_counter() - started
            started = time.perf_counter()
            # Counted as the workers will read it: read-only (~2x faster than read-write).
            store = ox.Store.read_only(str(work / STORE))
            non_empty = len(list(store.named_graphs())) + bool(store.query("ASK { ?s ?p ?o }"))
            distinct = pool.submit(_distinct_triples, store) if non_empty > 1 else None
            named = pool.submit(_named_counts, store)
            default = _count(store.query(_COUNT_DEFAULT))
            graphs = named.result()
            quads = default + sum(graphs.values())
            union_is_set = distinct is None or distinct.result() == quads
            timings["counts"] = time.perf_counter() - started
            started = time.perf_counter()
            originals = scan.result()
            timings["literal_scan_wait"] = time.perf_counter() - started
            del named, distinct, store
        ox.serialize(originals, str(work / ORIGINALS), format=ox.RdfFormat.N_QUADS)
        meta = {
            "layout": LAYOUT,
            "pyoxigraph": _pyoxigraph_version(),
            "build": recipe.get("build"),
            "source": recipe.get("source"),
            "graphs": dict(sorted(graphs.items())),
            "default_graph_triples": default,
            "union_is_set": union_is_set,
            "original_literals": len(originals),
            "seconds": {k: round(v, 3) for k, v in timings.items()},
        }
        (work / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        work.chmod(0o755)  # mkdtemp's 0700 would hide it from servers run as other users
        _publish(work, root / key)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return timings


def _bulk_load(location: Path, snapshot: Path, fmt: Any, label: str, *, lenient: bool) -> None:
    """Load ``snapshot`` into a new on-disk store at ``location`` and close it again.

    ``lenient`` skips Oxigraph's checks of IRIs and language tags (~20% of the load) for
    a snapshot that a parser has already read: a build, or files merged by
    :func:`~r2p_graph.store.loading.build_snapshot`; never for a user's file copied as is.
    """
    import pyoxigraph as ox  # the maker process only

    store = ox.Store(str(location))
    try:
        store.bulk_load(path=str(snapshot), format=fmt, lenient=lenient)
    except SyntaxError as exc:
        raise DatasetLoadError(f"{label}: {exc}") from exc
    store.flush()
    del store
    gc.collect()  # closes the read-write store before it is opened read-only


def _write_snapshot(recipe: dict[str, Any], snapshot: Path) -> tuple[str, Any, bool]:
    """Put the snapshot at ``snapshot``; the label for errors, the format to load it in
    and whether it was written by a parser (a build, or merged files)."""
    import pyoxigraph as ox  # the maker process only

    if recipe["kind"] == "build":
        build = Path(recipe["build"])
        _link_or_copy(build, snapshot)
        return str(build), ox.RdfFormat.N_QUADS, True
    sources = [parse_source(GraphSource(Path(p), g)) for p, g in recipe["sources"]]
    if len(sources) == 1 and sources[0].graph is None and not sources[0].path.name.endswith(".gz"):
        media_type = sources[0].media_type
        if media_type in (formats.N_QUADS, formats.N_TRIPLES):
            # Already N-Quads (N-Triples lines are N-Quads lines): copied, never parsed in
            # Python. A copy, not a link: the file is the user's and may be edited in place.
            shutil.copyfile(sources[0].path, snapshot)
            fmt = ox.RdfFormat.N_QUADS if media_type == formats.N_QUADS else ox.RdfFormat.N_TRIPLES
            return str(sources[0].path), fmt, False
    built = build_snapshot(sources, snapshot.parent)
    if built.path != snapshot:  # pragma: no cover - build_snapshot writes dataset.nq
        os.replace(built.path, snapshot)
    return ", ".join(str(s.path) for s in sources), ox.RdfFormat.N_QUADS, True


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _named_counts(store: Any) -> dict[str, int]:
    return {row[0].value: int(row[1].value) for row in store.query(_COUNT_NAMED)}


def _distinct_triples(store: Any) -> int:
    return _count(store.query(_DISTINCT_TRIPLES))


def _count(solutions: Any) -> int:
    for row in solutions:
        return int(row[0].value)
    return 0  # pragma: no cover - COUNT always answers one row


def _publish(work: Path, folder: Path) -> None:
    """Rename ``work`` to ``folder``. A complete folder already there was made by another
    process for the same key: it is kept and ``work`` dropped."""
    try:
        os.rename(work, folder)
        return
    except OSError:
        if read_served(folder) is None:
            raise
    shutil.rmtree(work, ignore_errors=True)


def _source_exists(folder: Path) -> bool:
    """True when the build a folder was made from is still there, unchanged."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        stat = Path(meta["build"]).stat()
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return bool(meta.get("source") == {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns})


def _remove_stale(root: Path) -> None:
    """Remove temporary folders of makers that died, folders set aside and maker locks,
    a day old."""
    now = time.time()
    for entry in root.iterdir():
        if entry.name.startswith(".") and entry.name.endswith((".tmp", ".old", ".lock")):
            try:
                if now - entry.stat().st_mtime > _STALE_SECONDS:
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink()
            except OSError:
                pass


def _remove_unused(root: Path, *, keep: str) -> None:
    """Remove the folders no server holds that are of no further use: a build's once its
    build file is gone (the folder's hard link would keep the file's space taken), a
    ``files-`` folder nobody started from for a week."""
    now = time.time()
    for entry in root.iterdir():
        if entry.name.startswith(".") or entry.name == keep:
            continue
        meta = entry / META
        try:
            idle = now - meta.stat().st_mtime
        except OSError:
            continue
        if entry.name.startswith("files-"):
            useless = idle > _UNUSED_SECONDS
        else:
            useless = not _source_exists(entry)
        if not useless:
            continue
        try:
            with meta.open("rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                aside = root / f".{entry.name}.{os.getpid()}.{time.time_ns()}.old"
                os.rename(entry, aside)
            shutil.rmtree(aside, ignore_errors=True)
        except OSError:
            continue  # in use (locked), or gone already


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    """``python -m r2p_graph.store.ondisk ROOT KEY RECIPE_JSON``: make one served folder.
    Prints one JSON line: the timings, or ``{"error": ...}`` (exit status 2)."""
    root, key, recipe = (argv if argv is not None else sys.argv[1:])[:3]
    try:
        timings = make(Path(root), key, json.loads(recipe))
    except DatasetLoadError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2
    except OSError as exc:
        print(json.dumps({"error": f"{root}/{key}: {exc}"}), flush=True)
        return 2
    print(json.dumps({"seconds": timings}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
