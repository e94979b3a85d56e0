"""Time a cold build of the project's own pipeline, phase by phase.

    python bench/coldbuild.py DATA_DIR CACHE_DIR

Runs exactly what ``r2p-graph serve`` runs on a cache miss (``r2p_graph.pipeline.build.build``, the
atomic N-Quads write of ``ensure_build`` and the served on-disk store it makes):
pyoxigraph parses, pySHACL validates over an Oxigraph store (split across processes above
``R2P_PARALLEL_VALIDATION_QUADS``), the OWL 2 RL rules run in the store. Prints one JSON
line: the cached file, the phase timings, ``conforms``, and the number of validation
processes. Exit 1 on a violation.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from r2p_graph.config import Settings  # noqa: E402
from r2p_graph.pipeline.build import (  # noqa: E402
    ValidationFailed,
    atomic_write_bytes,
    build,
    cached_build_path,
    write_dataset,
)
from r2p_graph.pipeline.validate import validation_workers  # noqa: E402
from r2p_graph.store.ondisk import for_build  # noqa: E402


def main(argv: list[str]) -> int:
    """Build ``argv[0]`` into the cache ``argv[1]`` and print the timings."""
    data_dir, cache_dir = Path(argv[0]), Path(argv[1])
    settings = Settings.from_env().replace(data_dir=data_dir, cache_dir=cache_dir)
    started = time.perf_counter()
    try:
        result = build(settings)
    except ValidationFailed as failed:
        print(json.dumps({"conforms": False, "violations": len(failed.outcome.violations)}))
        return 1
    write_started = time.perf_counter()
    target = cached_build_path(settings)
    write_dataset(result.quads, target, "nquads")
    atomic_write_bytes(cache_dir / "last-good", target.name.encode())
    store_started = time.perf_counter()
    for_build(target)  # the served on-disk store, as ensure_build makes it
    timings = {
        **result.timings,
        "write": store_started - write_started,
        "store": time.perf_counter() - store_started,
    }
    quads = len(result.quads)
    validated = sum(n for g, n in result.counts().items() if not g.endswith("/inferred"))
    print(
        json.dumps(
            {
                "path": str(target),
                "conforms": True,
                "seconds": time.perf_counter() - started,
                "timings": timings,
                "quads": quads,
                "validation_processes": validation_workers(settings, validated),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
