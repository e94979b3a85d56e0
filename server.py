"""The r2p-graph web server.

``python server.py`` serves the project's dataset (the graph built from data/) on
http://127.0.0.1:8000/sparql (override with ``R2P_HOST`` / ``R2P_PORT``).

In production, point a WSGI server at the app factory; waitress is a dependency::

    waitress-serve --host 0.0.0.0 --port 8000 --threads 8 --call server:create_app

Query evaluation runs in ``R2P_QUERY_WORKERS`` processes per app (default 2), each of
which can be killed at a query's deadline. With gunicorn, every gunicorn worker builds
its own app and pool (do not use ``--preload``)::

    gunicorn --workers 2 --threads 8 "server:create_app()"

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
