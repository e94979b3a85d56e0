"""The pipeline end to end: load -> validate -> infer, and the cached build the server loads.

A build is keyed by a fingerprint of everything that shapes it (ontology, shapes, rules,
data, and the versions of the tools that validate and infer), so validation and inference
run once per change of the inputs. A build is written atomically and a failed build never
replaces the last good one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import vocab
from ..config import Settings
from .files import discover, discover_rules

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from .validate import ValidationOutcome

# The cached path (a server start from an existing build) imports only the above: rdflib,
# pyoxigraph, pySHACL and the pipeline's modules load when something is really built.

#: Output formats of ``r2p-graph build``, by file extension.
DATASET_FORMATS = {".trig": "trig", ".nq": "nquads", ".nquads": "nquads"}

_LAST_GOOD = "last-good"


class ValidationFailed(Exception):
    """The asserted data has SHACL violations; nothing was built."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        self.outcome = outcome
        super().__init__(f"{len(outcome.violations)} SHACL violation(s)")


@dataclass
class BuildResult:
    """A built dataset, with what it took to build it."""

    #: Ontology, asserted and inferred named graphs as an ``ox.Dataset``: the ontology and
    #: the data exactly as written, the inferred graph as the reasoner derived it.
    quads: Any
    validation: ValidationOutcome
    timings: dict[str, float] = field(default_factory=dict)
    base_iri: str = vocab.DEFAULT_BASE

    @cached_property
    def dataset(self) -> Dataset:
        """The same dataset as an rdflib ``Dataset`` (converted on first use)."""
        import pyoxigraph as ox  # start-up: a cached build imports no RDF library
        from rdflib import Dataset  # start-up: a cached build imports no RDF library

        text = ox.serialize(self.quads, format=ox.RdfFormat.N_QUADS) or b""
        return Dataset().parse(data=text, format="nquads")

    def graph(self, role: str) -> Graph:
        """One named graph (``ontology``, ``asserted`` or ``inferred``) as an rdflib graph."""
        from rdflib import URIRef  # start-up: a cached build imports no RDF library

        from ..ids import Minter  # start-up: a cached build imports no RDF library

        return self.dataset.graph(URIRef(Minter(self.base_iri).graph(role)))

    def counts(self) -> dict[str, int]:
        """Triples per named graph."""
        counts: dict[str, int] = {}
        for quad in self.quads:
            name = getattr(quad.graph_name, "value", None)
            if name:
                counts[name] = counts.get(name, 0) + 1
        return counts


def build(settings: Settings, data_paths: Sequence[Path] | None = None) -> BuildResult:
    """Load, validate and infer. Raises :class:`ValidationFailed` on SHACL violations,
    :class:`~r2p_graph.pipeline.files.SourceError` on unreadable input and
    :class:`~r2p_graph.pipeline.infer.InferenceError` when the data contradicts the ontology."""
    import pyoxigraph as ox  # start-up: a cached build imports no RDF library

    from ..ids import INFERRED_GRAPH  # start-up: a cached build imports no RDF library

    # start-up: a cached build imports no RDF library
    from .infer import infer_into, materialize_quads
    from .load import load_shapes, read_sources  # start-up: a cached build imports no RDF library
    from .validate import validate_sources  # start-up: a cached build imports no RDF library

    timings: dict[str, float] = {}
    started = time.perf_counter()
    sources = read_sources(settings, data_paths)
    store = sources.store()
    shapes = load_shapes(settings)
    timings["load"] = time.perf_counter() - started

    started = time.perf_counter()
    outcome = validate_sources(
        sources, store, shapes=shapes, settings=settings, data_paths=data_paths
    )
    timings["validate"] = time.perf_counter() - started
    if not outcome.conforms:
        raise ValidationFailed(outcome)

    started = time.perf_counter()
    inferred = ox.NamedNode(sources.minter.graph(INFERRED_GRAPH))
    rules = [r.read_text("utf-8") for r in discover_rules(settings.ontology_dir / "rules")]
    if settings.reasoner == "oxigraph":
        infer_into(store, inferred, rules=rules, checker=sources.checker)
        for quad in store.quads_for_pattern(None, None, None, inferred):
            sources.dataset.add(quad)
    else:
        materialize_quads(sources, inferred, settings=settings)
    timings["infer"] = time.perf_counter() - started
    return BuildResult(
        quads=sources.dataset, validation=outcome, timings=timings, base_iri=settings.base_iri
    )


def write_dataset(
    dataset: Any, out: Path, fmt: str | None = None, *, base_iri: str | None = None
) -> Path:
    """Serialize ``dataset`` (an ``ox.Dataset`` or an rdflib ``Dataset``) to ``out``
    atomically (temporary file, fsync, rename). TriG from an ``ox.Dataset`` declares the
    data's prefixes (:mod:`r2p_graph.vocab`), with ``r2p`` under ``base_iri`` when given.

    ``fmt`` is ``trig`` or ``nquads``; by default it follows the file extension.
    """
    fmt = fmt or DATASET_FORMATS.get(out.suffix.lower())
    if fmt not in ("trig", "nquads"):
        raise ValueError(f"cannot tell the format of {out}: use .trig or .nq, or --format")
    if hasattr(dataset, "serialize"):
        data = dataset.serialize(format=fmt, encoding="utf-8")
    else:
        import pyoxigraph as ox  # start-up: a cached build imports no RDF library

        if fmt == "trig":
            prefixes = (
                vocab.prefixes(base_iri) if base_iri is not None else dict(vocab.DATA_PREFIXES)
            )
            data = ox.serialize(dataset, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
        else:
            data = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b""
    atomic_write_bytes(out, data)
    return out


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def input_fingerprint(settings: Settings) -> str:
    """SHA-256 over every input of a build and the versions of the tools that make it."""
    digest = hashlib.sha256()
    inputs = [settings.ontology_file]
    inputs += discover([settings.shapes_dir]) if settings.shapes_dir.is_dir() else []
    inputs += discover_rules(settings.ontology_dir / "rules")
    inputs += discover([settings.data_dir])
    for path in inputs:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    digest.update(settings.base_iri.encode())
    digest.update(f"reasoner={settings.reasoner}".encode())
    for package in ("r2p-graph", "rdflib", "pyshacl", "owlrl", "pyoxigraph"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(f"{package}=?".encode())
    return digest.hexdigest()[:24]


def cached_build_path(settings: Settings) -> Path:
    """Where the build for the current inputs is (or will be) cached."""
    return settings.cache_dir / f"dataset-{input_fingerprint(settings)}.nq"


def ensure_build(settings: Settings) -> Path:
    """Return an N-Quads file holding the validated, inferred dataset for the current inputs.

    Builds it only when the inputs changed since the last build. A failed build raises
    and leaves the cache (and :func:`last_good_build`) as it was.
    """
    target = cached_build_path(settings)
    if target.is_file():
        return target
    result = build(settings)
    write_dataset(result.quads, target, "nquads")
    atomic_write_bytes(settings.cache_dir / _LAST_GOOD, target.name.encode())
    # The served folder (an on-disk Oxigraph store of this build) is made by the store
    # when it first opens the build (r2p_graph.store.ondisk.for_build), and kept, so a
    # later start from a cached build only opens it (1-2 s at 1M quads, not ~30 s).
    return target


def last_good_build(settings: Settings) -> Path | None:
    """The most recent build that succeeded, whatever the inputs are now."""
    marker = settings.cache_dir / _LAST_GOOD
    if not marker.is_file():
        return None
    candidate = settings.cache_dir / marker.read_text(encoding="utf-8").strip()
    return candidate if candidate.is_file() else None


def build_failure(exc: BaseException) -> str:
    """What went wrong with a build, for people: the violations themselves for SHACL."""
    if isinstance(exc, ValidationFailed):
        from .validate import format_text  # start-up: a cached build imports no pySHACL

        return f"{exc}:\n{format_text(exc.outcome).rstrip()}"
    return f"{type(exc).__name__}: {exc}"


class BuildFailed(Exception):
    """The data did not build, in the build's own process: ``str()`` says so in a line,
    :attr:`details` in full (:func:`build_failure`)."""

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.details = details


def ensure_build_apart(settings: Settings) -> Path:
    """:func:`ensure_build`, the building done in a process of its own (:mod:`.child`):
    validation changes pySHACL's classes and rdflib's query parser while it runs, which
    the threads of a server must never see. A cached build is found without one."""
    target = cached_build_path(settings)
    if target.is_file():
        return target
    from . import child  # start-up: only when something is really built

    answer = json.loads(
        child.start("r2p_graph.pipeline.build:build_main", settings, {},
                    label="the build process").finish()
    )
    if "path" in answer:
        return Path(answer["path"])
    if answer["kind"] == "ImportError":  # the pipeline's libraries are not installed
        raise ImportError(answer["message"])
    raise BuildFailed(answer["message"], answer["details"])


def build_main() -> int:
    """Entry point of the build process (:func:`ensure_build_apart`): settings on stdin,
    ``{"path": ...}`` or what went wrong (``kind``, ``message``, ``details``) as JSON on
    stdout."""
    from . import child  # start-up: only when something is really built

    settings, _task = child.read_task()
    answer_to, sys.stdout = sys.stdout, sys.stderr  # what a library prints is not the answer
    try:
        answer = {"path": str(ensure_build(settings))}
    except Exception as exc:  # any failure of the data to build goes back to the server
        answer = {"kind": type(exc).__name__, "message": str(exc), "details": build_failure(exc)}
    answer_to.write(json.dumps(answer))
    answer_to.flush()
    return 0


class ServedBuild:
    """The build a server serves: :func:`ensure_build_apart`, or, when the data no longer
    builds, the last good build with a loud warning (``strict``: no fallback, the error).

    Call it (in the store's loading thread) for the N-Quads file to serve; afterwards
    :attr:`warning` says whether (and why) the server runs on an older build.
    """

    def __init__(self, settings: Settings, *, strict: bool = False) -> None:
        self.settings = settings
        self.strict = strict
        #: None while the data builds; else one line saying what is served, and why.
        self.warning: str | None = None
        #: The full build error (the SHACL violations, a file and line), when there is one.
        self.error: str | None = None

    def __call__(self) -> Path:
        log = logging.getLogger("r2p_graph.build")
        try:
            path = ensure_build_apart(self.settings)
        except Exception as exc:  # any failure of the data to build: fall back, loudly
            self.error = exc.details if isinstance(exc, BuildFailed) else build_failure(exc)
            last = None if self.strict else last_good_build(self.settings)
            if last is None:
                raise
            built = time.strftime("%Y-%m-%d %H:%M", time.localtime(last.stat().st_mtime))
            self.warning = (
                f"The data in {self.settings.data_dir} does not build ({exc}); this server "
                f"serves the last good build, made {built}, until it does."
            )
            rule = "!" * 78
            log.warning(
                "\n%s\n%s\n\n%s\n\nServing the last good build: %s\n%s",
                rule, self.warning, self.error, last, rule,
            )
            return last
        self.warning = self.error = None
        return path
