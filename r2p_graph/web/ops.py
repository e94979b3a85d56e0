"""Operations: ``/health``, ``/ready``, the JSON access log, CORS and the security headers
of every response (Content-Security-Policy, frame-ancestors, Referrer-Policy)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import re
import sys
import time
from datetime import UTC, datetime
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Flask, Response, g, request
from werkzeug.datastructures import Headers

from r2p_graph.config import Settings
from r2p_graph.web.context import data_warning, web_context
from r2p_graph.web.errors import text_response

bp = Blueprint("ops", __name__)

ACCESS_LOGGER = "r2p_graph.access"
_EXPOSED = (
    "X-R2P-Result-Size, X-R2P-Results-Truncated, X-R2P-Streamed, X-R2P-Build, Retry-After, Link"
)


def _json(status: int, data: dict[str, object]) -> Response:
    response = Response(json.dumps(data) + "\n", status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/health", methods=["GET"])
def health() -> Response:
    """Liveness: the process answers HTTP (whether or not the data is loaded). When the
    data does not build and the last good build is served, it says so."""
    warning = data_warning()
    if warning is None:
        return _json(200, {"status": "ok"})
    return _json(200, {"status": "ok", "build": "last-good", "warning": warning})


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
    return _check_url() or _check_host()


def host_allowed(host_header: str, allowed: str) -> bool:
    """True when the host name of ``host_header`` (``name[:port]``, ``[v6]:port``) is in
    the comma-separated ``allowed`` (``*``: any)."""
    names = {name.strip().lower().strip("[]") for name in allowed.split(",") if name.strip()}
    if "*" in names:
        return True
    host = host_header.strip().lower()
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return bool(name) and name in names


def _check_host() -> Response | None:
    """Without a configured public URL, links are built from the Host header: refuse
    the hosts that are not ours (a forged Host would otherwise write its links)."""
    settings = web_context().settings
    if settings.public_url.strip() or request.path in ("/health", "/ready"):
        return None  # links come from the public URL; probes build no links
    host = request.environ.get("HTTP_HOST") or request.environ.get("SERVER_NAME", "")
    if host_allowed(host, settings.allowed_hosts):
        return None
    g.r2p_error = "host"
    return text_response(
        400,
        f"400 Bad Request: this server does not answer for the host {host[:100]!r}. "
        "Its operator can set R2P_PUBLIC_URL (the URL clients use) or add the name to "
        "R2P_ALLOWED_HOSTS.",
    )


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
    security_headers(headers, settings)
    if data_warning() is not None:
        headers["X-R2P-Build"] = "last-good (the data does not build; see /health)"
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


#: The Content-Security-Policy of every response: everything from this origin only, no
#: inline script, no <style> elements, no plugins, no framing. Inline style *attributes*
#: are allowed (``style-src-attr``): the bars of a tally page set their width so, and so
#: do YASGUI and the pyLODE page; they cannot run script. A response may set its own
#: policy (the ontology page allows its one <style> block by hash); see the README.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'{connect}; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def content_security_policy(settings: Settings, *, style_hashes: tuple[str, ...] = ()) -> str:
    """The site's policy; ``style_hashes`` (``sha256-...``) allow those inline styles."""
    public = settings.public_url.strip().rstrip("/")
    connect = ""
    if public:
        origin = "/".join(public.split("/")[:3])  # scheme://host[:port]
        connect = f" {origin}"
    policy = CSP.format(connect=connect)
    if style_hashes:
        allowed = " ".join(f"'{h}'" for h in style_hashes)
        policy = policy.replace("style-src 'self'", f"style-src 'self' {allowed}")
    return policy


def inline_style_hashes(html: str) -> tuple[str, ...]:
    """``sha256-...`` of every ``<style>`` block of ``html``, for a page that has some."""
    return tuple(
        "sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode()
        for block in _STYLE_BLOCK.findall(html)
    )


def security_headers(headers: Headers, settings: Settings) -> None:
    """Content-Security-Policy, framing and referrer rules, unless the response set its own."""
    headers.setdefault("Content-Security-Policy", content_security_policy(settings))
    headers.setdefault("X-Frame-Options", "DENY")
    # Query URLs carry the query: never send them to another site.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")


def _rounded(value: object) -> float | None:
    return round(value, 2) if isinstance(value, float) else None


def register(app: Flask) -> None:
    """Install ``/health``, ``/ready``, CORS, safety headers and the access log."""
    app.register_blueprint(bp)
    app.before_request(_start_timer)
    app.after_request(_finish)
