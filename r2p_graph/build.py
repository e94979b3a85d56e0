"""The pipeline end to end: load -> validate -> infer, and the cached build the server loads.

A build is keyed by a fingerprint of everything that shapes it (ontology, shapes, rules,
data, and the versions of the tools that validate and infer), so validation and inference
run once per change of the inputs. A build is written atomically and a failed build never
replaces the last good one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rdflib import Dataset, URIRef

from .config import Settings
from .ids import INFERRED_GRAPH
from .inference import discover_rules, materialize
from .sources import LoadedSources, discover, load_shapes, load_sources
from .validation import ValidationOutcome, validate_graph

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

    sources: LoadedSources
    validation: ValidationOutcome
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def dataset(self) -> Dataset:
        """Ontology, asserted and inferred named graphs."""
        return self.sources.dataset

    def counts(self) -> dict[str, int]:
        """Triples per named graph."""
        return {
            str(g.identifier): len(g)
            for g in self.dataset.graphs()
            if len(g) and str(g.identifier) != "urn:x-rdflib:default"
        }


def build(settings: Settings, data_paths: Sequence[Path] | None = None) -> BuildResult:
    """Load, validate and infer. Raises :class:`ValidationFailed` on SHACL violations and
    :class:`~r2p_graph.sources.SourceError` on unreadable input."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sources = load_sources(settings, data_paths)
    shapes = load_shapes(settings)
    timings["load"] = time.perf_counter() - started

    started = time.perf_counter()
    outcome = validate_graph(
        sources.asserted, shapes=shapes, ontology=sources.ontology, origin=sources.origin
    )
    timings["validate"] = time.perf_counter() - started
    if not outcome.conforms:
        raise ValidationFailed(outcome)

    started = time.perf_counter()
    materialize(
        sources.dataset,
        inferred_graph=URIRef(sources.minter.graph(INFERRED_GRAPH)),
        asserted=sources.asserted,
        ontology=sources.ontology,
        rules_dir=settings.ontology_dir / "rules",
        reasoner=settings.reasoner,
    )
    timings["infer"] = time.perf_counter() - started
    return BuildResult(sources=sources, validation=outcome, timings=timings)


def write_dataset(dataset: Dataset, out: Path, fmt: str | None = None) -> Path:
    """Serialize ``dataset`` to ``out`` atomically (temporary file, fsync, rename).

    ``fmt`` is ``trig`` or ``nquads``; by default it follows the file extension.
    """
    fmt = fmt or DATASET_FORMATS.get(out.suffix.lower())
    if fmt not in ("trig", "nquads"):
        raise ValueError(f"cannot tell the format of {out}: use .trig or .nq, or --format")
    data = dataset.serialize(format=fmt, encoding="utf-8")
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
    write_dataset(result.dataset, target, "nquads")
    atomic_write_bytes(settings.cache_dir / _LAST_GOOD, target.name.encode())
    return target


def last_good_build(settings: Settings) -> Path | None:
    """The most recent build that succeeded, whatever the inputs are now."""
    marker = settings.cache_dir / _LAST_GOOD
    if not marker.is_file():
        return None
    candidate = settings.cache_dir / marker.read_text(encoding="utf-8").strip()
    return candidate if candidate.is_file() else None
