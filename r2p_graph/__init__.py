"""r2p-graph: what states say about the Responsibility to Protect at the UN, as linked data.

The data flows through one package per step (see ARCHITECTURE.md)::

    data/ + ontology/  ->  pipeline (load -> validate -> infer -> build)  ->  store  ->  web
"""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # Looked up on first use: importlib.metadata costs ~40 ms in every process that
    # imports the package (the server and each query worker), most of which never ask.
    if name != "__version__":
        raise AttributeError(f"module 'r2p_graph' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # ~40 ms, in every process

    try:
        found = version("r2p-graph")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
