"""The HTTP layer: SPARQL 1.1 Protocol, discovery and operations, over a Store.

Handlers only see :class:`r2p_graph.store.Store`; the app comes from
:func:`r2p_graph.web.app.create_app`.
"""

from r2p_graph.web.app import create_app

__all__ = ["create_app"]
