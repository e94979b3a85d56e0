"""The r2p-graph web server.

``python server.py`` serves the project's dataset (the graph built from data/) on
http://127.0.0.1:8000/sparql (override with ``R2P_HOST`` / ``R2P_PORT``).

In production run the same (``R2P_HOST=0.0.0.0 python server.py``): it serves with
waitress set up for many slow clients (poll(), ``R2P_CONNECTION_LIMIT`` connections, a
deadline on receiving a request; see ``r2p_graph/web/http_server.py``). A bare
``waitress-serve --call server:create_app`` would get waitress' defaults (100
connections, select(), no request deadline), which 100 trickling clients take down.

Query evaluation runs in ``R2P_QUERY_WORKERS`` fast-lane processes plus
``R2P_HEAVY_LANE`` heavy-lane ones per app, each of which can be killed at a query's
deadline (see ``r2p_graph/store/lanes.py``).

Settings come from ``R2P_*`` environment variables (see ``r2p_graph/config.py``); set
``R2P_PUBLIC_URL`` behind a proxy so the service description names the public endpoint.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """``server.create_app`` is :func:`r2p_graph.web.app.create_app`, imported on first
    use: ``python server.py`` starts its query workers before the web app is imported,
    so that the two happen together."""
    if name == "create_app":
        from r2p_graph.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    import sys

    from r2p_graph.config import Settings
    from r2p_graph.web.serve import run_serve

    sys.exit(run_serve(Settings.from_env(), []))
