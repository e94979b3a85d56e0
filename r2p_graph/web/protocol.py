"""The SPARQL 1.1 Protocol at ``/sparql``: read the request, ask the store, answer.

Only the :class:`~r2p_graph.store.Store` interface is used here; engines never appear.

* ``GET /sparql?query=...``, ``POST`` form-encoded (``query=...``), ``POST`` with
  ``Content-Type: application/sparql-query``. ``GET /sparql`` without a query returns
  the service description.
* ``default-graph-uri`` / ``named-graph-uri`` (repeatable) choose graphs of the dataset;
  they replace the query's FROM / FROM NAMED.
* ``timeout`` (seconds, e.g. ``2.5``, ``2.5s`` or ``500ms``) asks for a shorter deadline
  than the server's; a longer one is cut to the server's.
* ``format`` (``json``, ``xml``, ``csv``, ``tsv`` / ``turtle``, ``nt``, ``jsonld``,
  ``rdfxml`` or a media type) overrides the Accept header.

Status codes: 400 malformed request or query (with the error position), a query nested
or chained too deep (refused before evaluation) or one that needed more memory than a
query may use; 403 updates, ``LOAD`` and ``SERVICE`` (refused, never run); 406 no
acceptable format; 413 body or POSTed query too long; 414 query too long in a GET; 503
deadline passed, store not ready, or the query outgrew the fast lane while the heavy lane
was full (with ``Retry-After``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from urllib.parse import parse_qsl

from flask import Blueprint, Response, g, request

from r2p_graph.config import Settings
from r2p_graph.store import (
    HeavyLaneFull,
    QueryFailed,
    QueryRefused,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooBig,
    QueryTooComplex,
    StoreError,
    StoreUnavailable,
    formats,
    query_text,
    refuse,
)
from r2p_graph.store import results as res
from r2p_graph.web import negotiation
from r2p_graph.web.context import endpoint_url, public_base, web_context
from r2p_graph.web.discovery import service_description
from r2p_graph.web.errors import ApiError

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_MAX_FIELDS = 1000

Params = list[tuple[str, str]]


def _values(params: Params, name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _check_charset() -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ApiError(
            400,
            f"The request body must be UTF-8 (the SPARQL Protocol requires it), not {charset}.",
            kind="encoding",
        )


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(
            400,
            f"The {what} is not valid UTF-8 (byte {exc.start}); send UTF-8 text.",
            kind="encoding",
        ) from None


def _parse_params(text: str, what: str) -> Params:
    try:
        return list(
            parse_qsl(
                text,
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=_MAX_FIELDS,
            )
        )
    except UnicodeDecodeError:
        raise ApiError(
            400, f"The {what} has percent-encoded bytes that are not UTF-8.", kind="encoding"
        ) from None
    except ValueError:
        raise ApiError(400, f"The {what} has too many parameters.", kind="params") from None


def _url_params(settings: Settings) -> Params:
    raw = request.query_string
    # Percent-encoding can triple a query's length; anything longer is refused unread.
    if len(raw) > settings.max_query_chars * 3 + 8192:
        raise ApiError(414, _too_long(settings), kind="too-long")
    return _parse_params(_decode(raw, "URL query string"), "URL query string")


def _too_long(settings: Settings) -> str:
    return f"The query is longer than this server accepts ({settings.max_query_chars} characters)."


def _body(settings: Settings) -> bytes:
    length = request.content_length
    if length is not None and length > settings.max_body_bytes:
        raise ApiError(
            413,
            f"The request body ({length} bytes) is larger than this server accepts "
            f"({settings.max_body_bytes} bytes).",
            kind="too-large",
        )
    return request.get_data(cache=False)


def _refuse_update(message: str = refuse.UPDATE_REFUSAL) -> ApiError:
    return ApiError(403, message, kind="refused")


def _timeout(values: Sequence[str], settings: Settings) -> float:
    if not values:
        return settings.query_timeout
    if len(values) > 1:
        raise ApiError(400, "Give the timeout parameter at most once.", kind="params")
    raw = values[0].strip().lower()
    scale = 1.0
    if raw.endswith("ms"):
        raw, scale = raw[:-2], 0.001
    elif raw.endswith("s"):
        raw = raw[:-1]
    try:
        seconds = float(raw) * scale
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ApiError(
            400,
            f"timeout={values[0]!r} is not a positive number of seconds "
            "(e.g. timeout=2.5, 2.5s or 500ms).",
            kind="params",
        )
    return min(seconds, settings.query_timeout)


def _graph_iris(params: Params, name: str) -> tuple[str, ...]:
    iris = _values(params, name)
    for iri in iris:
        if not query_text.is_iri(iri):
            raise ApiError(400, f"{name}={iri!r} is not an absolute IRI.", kind="params")
    return tuple(iris)


def _read_request(settings: Settings) -> tuple[Params, str | None]:
    """All protocol parameters (URL + form body) and the query of a direct POST."""
    params = _url_params(settings)
    if request.method != "POST":
        return params, None
    mimetype = request.mimetype.lower()
    if mimetype == SPARQL_UPDATE:
        raise _refuse_update()
    if not mimetype:
        raise ApiError(
            400,
            f"A POST needs a Content-Type: {FORM} (with query=...) or {SPARQL_QUERY} "
            "(with the query as the body).",
            kind="media-type",
        )
    if mimetype not in (FORM, SPARQL_QUERY):
        raise ApiError(
            400,
            f"Unsupported Content-Type {mimetype!r}: POST the query as {FORM} "
            f"(query=...) or as {SPARQL_QUERY}.",
            kind="media-type",
        )
    _check_charset()
    body = _body(settings)
    if mimetype == FORM:
        return params + _parse_params(_decode(body, "request body"), "request body"), None
    return params, _decode(body, "request body")


def syntax_message(text: str, error: QuerySyntaxError) -> str:
    """A syntax error for humans: where it is, what was expected, and the line itself."""
    if not error.position:
        return f"Syntax error in the query: {error}"
    line, column = error.position
    message = f"Syntax error in the query at line {line}, column {column}: {error}"
    lines = text.splitlines() or [""]
    if 1 <= line <= len(lines):
        source = lines[line - 1]
        if len(source) > 200:  # show the neighbourhood of a very long line only
            start = max(0, column - 100)
            source, column = source[start : start + 200], column - start
        caret = " " * max(0, column - 1) + "^"
        message += f"\n\n    {source}\n    {caret}"
    return message


def _browser_wants_html(params: Params) -> bool:
    """True for a GET that names text/html in its Accept header, above every RDF type, and
    asks for no ?format= (a browser's navigation, never an RDF client's */*)."""
    if _values(params, "format"):
        return False
    # RDF first: a tie (``*/*``, no Accept header) goes to the service description.
    return negotiation.best([*formats.GRAPH_TYPES, negotiation.HTML], []) == negotiation.HTML


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    ctx = web_context()
    settings = ctx.settings
    params, direct_query = _read_request(settings)
    if _values(params, "update"):
        raise _refuse_update()

    queries = _values(params, "query") + ([direct_query] if direct_query is not None else [])
    if not queries:
        if request.method == "GET":
            if _browser_wants_html(params):
                # A person who opens /sparql in a browser gets the query page, not a
                # download of the service description (which RDF clients still get).
                response = Response(status=303)
                response.headers["Location"] = f"{public_base()}/query"
                response.headers["Vary"] = "Accept"
                return response
            return service_description()
        raise ApiError(
            400,
            "No query: send query=... (URL or form-encoded body) or POST the query as "
            f"{SPARQL_QUERY}.",
            kind="missing-query",
        )
    if len(queries) > 1:
        raise ApiError(400, "Give exactly one query; this request has several.", kind="params")
    text = queries[0]
    if not text.strip():
        raise ApiError(400, "The query is empty.", kind="missing-query")
    if len(text) > settings.max_query_chars:
        raise ApiError(
            414 if request.method == "GET" else 413, _too_long(settings), kind="too-long"
        )

    default_graphs = _graph_iris(params, "default-graph-uri")
    named_graphs = _graph_iris(params, "named-graph-uri")
    timeout = _timeout(_values(params, "timeout"), settings)

    info = query_text.analyze(text)
    if info.update_keyword == "LOAD":
        raise _refuse_update(refuse.LOAD_REFUSAL)
    if info.is_update:
        raise _refuse_update()
    if info.uses_service:
        raise ApiError(403, refuse.SERVICE_REFUSAL, kind="refused")
    try:
        refuse.check_complexity(info, settings.max_query_depth, settings.max_query_operators)
    except QueryTooComplex as exc:
        raise ApiError(400, str(exc), kind="too-complex") from None
    media_type = negotiation.choose(
        formats.types_for_form(info.form), _values(params, "format")
    )
    g.r2p_form = info.form

    query_request = QueryRequest(
        text=text,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        media_type=media_type,
        timeout=timeout,
        max_rows=settings.max_rows,
        base_iri=endpoint_url(),
        max_depth=settings.max_query_depth,
        max_operators=settings.max_query_operators,
        max_bytes=settings.max_answer_bytes,
        client=request.remote_addr or "",
        stream_after=settings.stream_after_bytes,
    )
    started = time.perf_counter()
    try:
        result = ctx.store.query(query_request)
    except QuerySyntaxError as exc:
        raise ApiError(400, syntax_message(text, exc), kind="syntax") from None
    except QueryRefused as exc:
        raise ApiError(403, str(exc), kind="refused") from None
    except QueryTooComplex as exc:
        raise ApiError(400, str(exc), kind="too-complex") from None
    except (QueryTimeout, StoreUnavailable, HeavyLaneFull, QueryTooBig):
        raise  # 503 / 400, by the app's handlers (errors.py)
    except QueryFailed as exc:
        raise ApiError(400, f"The query could not be evaluated: {exc}", kind="failed") from None
    except StoreError as exc:
        raise ApiError(400, f"The query could not be evaluated: {exc}", kind="failed") from None
    finally:
        g.r2p_query_ms = (time.perf_counter() - started) * 1000

    g.r2p_form = result.form
    headers = [
        ("Content-Type", formats.content_type(result.media_type)),
        ("Vary", "Accept"),
    ]
    if result.rest is not None:
        # Streamed: how it ends is not known yet; a cut is announced in the body.
        headers.append(("X-R2P-Streamed", "notice-in-body"))
        return Response(_relay(result), status=200, headers=headers)
    g.r2p_result_size = result.size
    g.r2p_truncated = result.truncated
    headers.append(("X-R2P-Result-Size", str(result.size)))
    if result.truncated and result.form in ("CONSTRUCT", "DESCRIBE"):
        headers.append(("X-R2P-Results-Truncated", f"max_bytes={settings.max_answer_bytes}"))
    elif result.truncated:
        headers.append(("X-R2P-Results-Truncated", f"max_rows={settings.max_rows}"))
    return Response(result.body, status=200, headers=headers)


def _relay(result: QueryResult) -> Iterator[bytes]:
    """The body of a streamed answer: its chunks as they come, the last one held back so
    that a cut can be announced after it (:func:`results.cut_notice`). Closing this
    generator (the client went away) closes the stream, which frees the worker."""
    stream = result.rest
    assert stream is not None
    held = result.body
    try:
        for chunk in stream:
            if held:
                yield held
            held = chunk
        if stream.cut and stream.cut != "closed":
            held = res.cut_notice(result.media_type, held, stream.cut)
        if held:
            yield held
    finally:
        stream.close()
