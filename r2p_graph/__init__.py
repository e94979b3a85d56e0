"""r2p-graph: what states say about the Responsibility to Protect at the UN, as linked data.

The data flows through one module per step::

    data/ + ontology/  ->  sources (load)  ->  validation (SHACL)  ->  inference (OWL RL)
                       ->  build (cache)   ->  store (SPARQL engine)  ->  web (HTTP)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("r2p-graph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
