"""Engine-neutral SPARQL result serializers (JSON, XML, CSV, TSV).

Engines convert their own terms into small tuples and hand rows to these functions, so
every engine answers byte-for-byte alike, and the row cap is applied before anything is
serialized. Terms are:

* ``("uri", iri)``
* ``("bnode", label)``
* ``("literal", lexical_form, datatype_iri_or_None, language_or_None, direction_or_None)``
  (``datatype`` is ``None`` for simple literals and language-tagged strings)
* ``("triple", subject, predicate, object)`` (RDF 1.2 triple terms)
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from r2p_graph import vocab
from r2p_graph.store import QueryForm, QueryResult, formats

Term = tuple[Any, ...]
Row = Sequence[Term | None]

XSD = vocab.XSD
XSD_STRING = XSD + "string"
RDF_LANG_STRING = vocab.RDF + "langString"
RDF_DIR_LANG_STRING = vocab.RDF + "dirLangString"
SPARQL_RESULTS_NS = vocab.SPARQL_RESULTS

_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+\Z")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z")
_BARE_NUMBER = {XSD + "integer": _INTEGER, XSD + "decimal": _DECIMAL, XSD + "double": _DOUBLE}


def uri(value: str) -> Term:
    return ("uri", value)


def bnode(label: str) -> Term:
    return ("bnode", label)


def literal(
    lexical: str,
    datatype: str | None = None,
    language: str | None = None,
    direction: str | None = None,
) -> Term:
    """A literal term; ``xsd:string`` and ``rdf:langString`` datatypes are dropped."""
    if datatype in (XSD_STRING, RDF_LANG_STRING, RDF_DIR_LANG_STRING) or language:
        datatype = None
    return ("literal", lexical, datatype, language or None, direction or None)


def triple(subject: Term, predicate: Term, obj: Term) -> Term:
    return ("triple", subject, predicate, obj)


# ---------------------------------------------------------------------------- SELECT


def serialize_select(variables: Sequence[str], rows: Iterable[Row], media_type: str) -> bytes:
    """Serialize solutions (one tuple per row, aligned with ``variables``)."""
    if media_type == formats.SPARQL_JSON:
        return _select_json(variables, rows)
    if media_type == formats.SPARQL_XML:
        return _select_xml(variables, rows)
    if media_type == formats.CSV:
        return _select_csv(variables, rows)
    if media_type == formats.TSV:
        return _select_tsv(variables, rows)
    raise ValueError(f"no SELECT serializer for {media_type}")


def serialize_boolean(value: bool, media_type: str) -> bytes:
    """Serialize an ASK answer."""
    if media_type == formats.SPARQL_JSON:
        return json.dumps({"head": {}, "boolean": bool(value)}).encode()
    if media_type == formats.SPARQL_XML:
        return (
            '<?xml version="1.0"?>\n'
            f'<sparql xmlns="{SPARQL_RESULTS_NS}"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    if media_type in (formats.CSV, formats.TSV):
        # No standard exists; like Oxigraph, the bare word.
        return b"true" if value else b"false"
    raise ValueError(f"no ASK serializer for {media_type}")


def escape(data: str) -> str:
    """``&``, ``<`` and ``>`` escaped (``xml.sax.saxutils.escape``, whose module imports
    ``urllib.request``: a fifth of a query worker's start-up)."""
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(data: str) -> str:
    """``data`` as a quoted XML attribute value (``xml.sax.saxutils.quoteattr``)."""
    data = escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in data:
        if "'" in data:
            return '"{}"'.format(data.replace('"', "&quot;"))
        return f"'{data}'"
    return f'"{data}"'


def _json_term(term: Term) -> dict[str, Any]:
    kind = term[0]
    if kind == "uri":
        return {"type": "uri", "value": term[1]}
    if kind == "bnode":
        return {"type": "bnode", "value": term[1]}
    if kind == "literal":
        out: dict[str, Any] = {"type": "literal", "value": term[1]}
        if term[3]:
            out["xml:lang"] = term[3]
            if term[4]:
                out["its:dir"] = term[4]
        elif term[2]:
            out["datatype"] = term[2]
        return out
    if kind == "triple":
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term[1]),
                "predicate": _json_term(term[2]),
                "object": _json_term(term[3]),
            },
        }
    raise ValueError(f"unknown term kind {kind!r}")


def _select_json(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    bindings = []
    for row in rows:
        binding = {}
        for var, term in zip(variables, row, strict=True):
            if term is not None:
                binding[var] = _json_term(term)
        bindings.append(binding)
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term: Term) -> str:
    kind = term[0]
    if kind == "uri":
        return f"<uri>{escape(term[1])}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(term[1])}</bnode>"
    if kind == "literal":
        attrs = ""
        if term[3]:
            attrs = f" xml:lang={quoteattr(term[3])}"
            if term[4]:
                attrs += f" its:dir={quoteattr(term[4])}"
        elif term[2]:
            attrs = f" datatype={quoteattr(term[2])}"
        return f"<literal{attrs}>{escape(term[1])}</literal>"
    if kind == "triple":
        return (
            f"<triple><subject>{_xml_term(term[1])}</subject>"
            f"<predicate>{_xml_term(term[2])}</predicate>"
            f"<object>{_xml_term(term[3])}</object></triple>"
        )
    raise ValueError(f"unknown term kind {kind!r}")


def _select_xml(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0"?>\n')
    out.write(
        f'<sparql xmlns="{SPARQL_RESULTS_NS}" xmlns:its="http://www.w3.org/2005/11/its"><head>'
    )
    for var in variables:
        out.write(f"<variable name={quoteattr(var)}/>")
    out.write("</head><results>")
    for row in rows:
        out.write("<result>")
        for var, term in zip(variables, row, strict=True):
            if term is not None:
                out.write(f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
        out.write("</result>")
    out.write("</results></sparql>\n")
    return out.getvalue().encode("utf-8")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    kind = term[0]
    if kind == "uri":
        return str(term[1])
    if kind == "bnode":
        return f"_:{term[1]}"
    if kind == "literal":
        return str(term[1])
    return _tsv_value(term)


def _select_csv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(term) for term in row])
    return out.getvalue().encode("utf-8")


def _escape_string(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def _tsv_value(term: Term | None) -> str:
    """A term in SPARQL/Turtle syntax, as the TSV format wants."""
    if term is None:
        return ""
    kind = term[0]
    if kind == "uri":
        return f"<{term[1]}>"
    if kind == "bnode":
        return f"_:{term[1]}"
    if kind == "literal":
        lexical, datatype, language, direction = term[1], term[2], term[3], term[4]
        if language:
            return f'"{_escape_string(lexical)}"@{language}' + (
                f"--{direction}" if direction else ""
            )
        if datatype is None:
            return f'"{_escape_string(lexical)}"'
        pattern = _BARE_NUMBER.get(datatype)
        if pattern is not None and pattern.match(lexical):
            return str(lexical)
        if datatype == XSD + "boolean" and lexical in ("true", "false"):
            return str(lexical)
        return f'"{_escape_string(lexical)}"^^<{datatype}>'
    if kind == "triple":
        return f"<<( {_tsv_value(term[1])} {_tsv_value(term[2])} {_tsv_value(term[3])} )>>"
    raise ValueError(f"unknown term kind {kind!r}")


def _select_tsv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    lines = ["\t".join(f"?{var}" for var in variables)]
    for row in rows:
        lines.append("\t".join(_tsv_value(term) for term in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------- streaming

#: Where a chunk of a streamed graph answer may end, so that a cut (deadline, byte cap)
#: leaves whole statements: a line of N-Triples, a Turtle statement.
_STATEMENT_END = {formats.N_TRIPLES: b"\n", formats.TURTLE: b" .\n"}
#: Bytes a streamed answer is sent in (at most two of them wait in the worker's pipe).
CHUNK = 64 * 1024

Message = tuple[Any, ...]
#: How a worker sends a message to the serving process.
Send = Callable[[Message], None]


class Relay:
    """A file-like sink for a serializer running in a query worker.

    It holds what it is given until ``stream_after`` bytes (0: never stream): an answer
    that ends before then is returned whole by :meth:`finish`. Past them, it sends
    ``("head", QueryResult(form, first_bytes, media_type))`` with ``send``, then
    ``("chunk", bytes)`` messages of about :data:`CHUNK` bytes, each ending on a
    statement (N-Triples, Turtle). ``send`` blocks while the pipe is full, so a client
    that stops reading stops the worker (which its deadline then kills).
    """

    def __init__(
        self,
        send: Send | None,
        stream_after: int,
        form: QueryForm,
        media_type: str,
    ) -> None:
        self._send = send
        self._threshold = stream_after if send is not None and stream_after > 0 else 0
        self._form = form
        self._media_type = media_type
        self._end = _STATEMENT_END.get(media_type, b"")
        self._buffer = bytearray()
        self.streaming = False

    def write(self, data: bytes) -> int:
        self._buffer += data
        if self._threshold:
            limit = CHUNK if self.streaming else self._threshold
            if len(self._buffer) >= limit:
                self._push(final=False)
        return len(data)

    def flush(self) -> None:
        pass

    def _push(self, final: bool) -> None:
        cut = len(self._buffer)
        if self._end and not final:
            end = self._buffer.rfind(self._end)
            if end < 0:
                return  # one statement longer than a chunk: wait for its end
            cut = end + len(self._end)
        part = bytes(self._buffer[:cut])
        del self._buffer[:cut]
        assert self._send is not None
        if self.streaming:
            self._send(("chunk", part))
        else:
            self.streaming = True
            self._send(("head", QueryResult(self._form, part, self._media_type)))

    def finish(self) -> bytes:
        """The whole answer when it never streamed; else b"" (the rest was sent)."""
        if not self.streaming:
            body = bytes(self._buffer)
            self._buffer.clear()
            return body
        if self._buffer:
            self._push(final=True)
        return b""


def cut_notice(media_type: str, tail: bytes, reason: str) -> bytes:
    """``tail`` (the last bytes of a streamed graph answer) with a notice that the answer
    was cut, for ``reason`` (e.g. ``max_bytes=16000000``), in a form the format allows:

    * N-Triples, Turtle: a final comment line ``# truncated: REASON``;
    * RDF/XML: a final comment ``<!-- truncated: REASON -->`` (allowed after the root);
    * JSON-LD: a last element ``{"@truncated": "REASON"}`` in the top-level array. A key
      of the form of a keyword is ignored by JSON-LD 1.1 processors, so the graph is the
      same; when the array was never closed (a deadline), the object is appended as is.
    """
    if media_type == formats.JSON_LD:
        notice = json.dumps({"@truncated": reason}).encode()
        stripped = tail.rstrip()
        if stripped.endswith(b"]"):
            body = stripped[:-1].rstrip()
            separator = b"" if body.endswith(b"[") else b","
            return body + separator + notice + b"]\n"
        return tail + b"\n" + notice + b"\n"
    if media_type == formats.RDF_XML:
        return tail + f"\n<!-- truncated: {escape(reason)} -->\n".encode()
    newline = b"" if not tail or tail.endswith(b"\n") else b"\n"
    return tail + newline + f"# truncated: {reason}\n".encode()
