"""Error responses: always a short, plain-text explanation; never a stack trace.

Handlers raise :class:`ApiError` for anything the client did wrong or the server
refuses. A store that is down, a query past its deadline or refused by a full heavy lane
is answered here, once for every handler: ``503`` (with ``Retry-After`` when the store is
not ready or the heavy lane is full); a query that needed more memory than allowed, 400. Werkzeug's
own HTTP errors (404, 405, 413, ...) and any unexpected exception are turned into the
same plain-text shape here, so even a bug answers a readable 500 without internals (the
traceback goes to the server log only).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask, Response, g
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from r2p_graph.store import HeavyLaneFull, QueryTimeout, QueryTooBig, StoreUnavailable

log = logging.getLogger("r2p_graph.web")


class ApiError(Exception):
    """An error answer: HTTP status, a message for humans, optional extra headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        kind: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        #: A short machine-readable label for the access log (e.g. "timeout").
        self.kind = kind or str(status)


def text_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    body = message.rstrip("\n") + "\n"
    response = Response(body, status=status, mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _api_error(error: ApiError) -> Response:
    g.r2p_error = error.kind
    return text_response(error.status, error.message, error.headers)


def _store_unavailable(error: StoreUnavailable) -> Response:
    return _api_error(ApiError(503, str(error), headers={"Retry-After": "5"}, kind="unavailable"))


def _query_timeout(error: QueryTimeout) -> Response:
    return _api_error(ApiError(503, str(error), kind="timeout"))


def _heavy_lane_full(error: HeavyLaneFull) -> Response:
    return _api_error(
        ApiError(503, str(error), headers={"Retry-After": str(error.retry_after)}, kind="busy")
    )


def _query_too_big(error: QueryTooBig) -> Response:
    return _api_error(ApiError(400, str(error), kind="memory"))


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    g.r2p_error = str(status)
    description = error.description or ""
    if status == 413:
        description = "The request body is larger than this server accepts."
    message = f"{status} {error.name}" + (f": {description}" if description else "")
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return text_response(status, _strip_html(message), headers)


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unexpected error while answering a request")
    g.r2p_error = "internal"
    return text_response(
        500, "500 Internal Server Error: something went wrong on our side; it was logged."
    )


def _strip_html(text: str) -> str:
    """Werkzeug descriptions contain a little HTML; plain text wants none."""
    for tag in ("<p>", "</p>", "<code>", "</code>", "<br>"):
        text = text.replace(tag, "")
    return " ".join(text.split())


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(StoreUnavailable, _store_unavailable)
    app.register_error_handler(QueryTimeout, _query_timeout)
    app.register_error_handler(HeavyLaneFull, _heavy_lane_full)
    app.register_error_handler(QueryTooBig, _query_too_big)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
