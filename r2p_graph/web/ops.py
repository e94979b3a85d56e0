"""Operations: ``/health``, ``/ready``, the JSON access log, CORS and safety headers."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from datetime import UTC, datetime
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Flask, Response, g, request

from r2p_graph.web.context import web_context
from r2p_graph.web.errors import text_response

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


def _start_timer() -> Response | None:
    g.r2p_started = time.perf_counter()
    return _check_url()


def _check_url() -> Response | None:
    """400 for a URL whose percent-encoded bytes are not UTF-8, on every route (Werkzeug
    would decode them as U+FFFD and let a page look up a name nobody wrote)."""
    environ = request.environ
    for key, what in (("PATH_INFO", "path"), ("QUERY_STRING", "query string")):
        raw = environ.get(key, "")
        try:
            unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            g.r2p_error = "encoding"
            return text_response(
                400,
                f"400 Bad Request: the URL {what} has percent-encoded bytes that are not "
                "UTF-8. Encode the URL as UTF-8.",
            )
    return None


def _finish(response: Response) -> Response:
    settings = web_context().settings
    req = request._get_current_object()  # type: ignore[attr-defined]
    headers = response.headers
    if settings.cors:
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = _EXPOSED
        if req.method == "OPTIONS":
            headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            requested = req.headers.get("Access-Control-Request-Headers")
            headers["Access-Control-Allow-Headers"] = requested or "Accept, Content-Type"
            headers["Access-Control-Max-Age"] = "86400"
    if "X-Content-Type-Options" not in headers:
        headers.add("X-Content-Type-Options", "nosniff")
    if settings.access_log:
        state = g._get_current_object()
        started = getattr(state, "r2p_started", None)
        record = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": req.method,
            "path": req.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "query_ms": _rounded(getattr(state, "r2p_query_ms", None)),
            "form": getattr(state, "r2p_form", None),
            "result_size": getattr(state, "r2p_result_size", None),
            "truncated": getattr(state, "r2p_truncated", None) or None,
            "bytes": response.content_length,
            "error": getattr(state, "r2p_error", None),
        }
        _log_access(json.dumps({k: v for k, v in record.items() if v is not None}))
    return response


def _log_access(line: str) -> None:
    """Log one access line. With the logger as set up here (its own stream handler, no
    filters), the line is written straight to the stream, without a LogRecord."""
    logger = _access_logger()
    handlers = logger.handlers
    if (
        len(handlers) == 1
        and getattr(handlers[0], "_r2p_access", False)
        and not logger.filters
        and not handlers[0].filters
        and logger.isEnabledFor(logging.INFO)
        and isinstance(handlers[0], logging.StreamHandler)
    ):
        handler = handlers[0]
        with handler.lock or contextlib.nullcontext():
            handler.stream.write(line + "\n")
            handler.stream.flush()
        return
    logger.info(line)


def _rounded(value: object) -> float | None:
    return round(value, 2) if isinstance(value, float) else None


def register(app: Flask) -> None:
    """Install ``/health``, ``/ready``, CORS, safety headers and the access log."""
    app.register_blueprint(bp)
    app.before_request(_start_timer)
    app.after_request(_finish)
