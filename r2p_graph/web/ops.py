"""Operations: ``/health``, ``/ready``, the JSON access log, CORS and safety headers."""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, g, request

from r2p_graph.web.context import web_context

bp = Blueprint("ops", __name__)

ACCESS_LOGGER = "r2p_graph.access"
_EXPOSED = "X-R2P-Result-Size, X-R2P-Results-Truncated, Retry-After, Link"


def _json(status: int, data: dict[str, object]) -> Response:
    response = Response(json.dumps(data) + "\n", status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/health", methods=["GET"])
def health() -> Response:
    """Liveness: the process answers HTTP (whether or not the data is loaded)."""
    return _json(200, {"status": "ok"})


@bp.route("/ready", methods=["GET"])
def ready() -> Response:
    """Readiness: the store can answer queries now."""
    store = web_context().store
    if store.ready():
        stats = store.stats()
        return _json(
            200,
            {
                "status": "ready",
                "engine": web_context().settings.engine,
                "quads": stats.triples,
                "named_graphs": len(stats.graphs),
            },
        )
    failed = getattr(store, "load_error", None) is not None
    response = _json(503, {"status": "failed" if failed else "loading"})
    response.headers["Retry-After"] = "5"
    return response


def _access_logger() -> logging.Logger:
    """The access logger, writing bare JSON lines to stderr (set up once per process)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(getattr(h, "_r2p_access", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._r2p_access = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def _start_timer() -> None:
    g.r2p_started = time.perf_counter()


def _finish(response: Response) -> Response:
    settings = web_context().settings
    if settings.cors:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = _EXPOSED
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            requested = request.headers.get("Access-Control-Request-Headers")
            response.headers["Access-Control-Allow-Headers"] = requested or "Accept, Content-Type"
            response.headers["Access-Control-Max-Age"] = "86400"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if settings.access_log:
        started = g.get("r2p_started")
        record = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "query_ms": _rounded(g.get("r2p_query_ms")),
            "form": g.get("r2p_form"),
            "result_size": g.get("r2p_result_size"),
            "truncated": g.get("r2p_truncated") or None,
            "bytes": response.content_length,
            "error": g.get("r2p_error"),
        }
        _access_logger().info(json.dumps({k: v for k, v in record.items() if v is not None}))
    return response


def _rounded(value: object) -> float | None:
    return round(value, 2) if isinstance(value, float) else None


def register(app: Flask) -> None:
    """Install ``/health``, ``/ready``, CORS, safety headers and the access log."""
    app.register_blueprint(bp)
    app.before_request(_start_timer)
    app.after_request(_finish)
