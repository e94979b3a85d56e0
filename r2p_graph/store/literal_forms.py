"""Oxigraph's literal forms, and how the store gives back the literals as written.

Oxigraph stores numbers, booleans and date-times by value: it answers with their
canonical lexical form and turns every integer subtype into ``xsd:integer``
(``"58"^^xsd:nonNegativeInteger`` comes back as ``"58"^^xsd:integer``; upstream issue
oxigraph#526). The data says ``xsd:nonNegativeInteger`` on purpose (counts of states), so
rather than change the data to suit one engine, the store side compensates, here only:

* :func:`original_literals`: when a served folder is made (:mod:`.ondisk`), the quads of
  a snapshot whose literal Oxigraph would store in another form (``originals.nq``);
* :func:`originals_table` and :func:`restore`: the query engine (:mod:`.oxigraph`) puts
  those literals back into CONSTRUCT and DESCRIBE answers.

SELECT answers show the canonical terms; the snapshot, the dumps and the rdflib engine
keep every term exactly. (The pipeline, which must validate and infer over the data as
written, has its own side of this: :mod:`r2p_graph.pipeline.pyshacl_adapter` re-checks
the subjects whose literals the store rewrites, and
:class:`r2p_graph.pipeline.terms.LiteralChecker` catches ill-typed literals before a
store can make them valid.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from r2p_graph import vocab

_XSD = vocab.XSD
_XSD_LITERAL = b'"^^<http://www.w3.org/2001/XMLSchema#'
_CHUNK = 1 << 24
_SCRATCH = ox.NamedNode("urn:r2p:scratch:p")


def original_literals(snapshot: Path) -> list[Any]:
    """The quads of ``snapshot`` whose object is a literal Oxigraph stores in another form
    (an integer subtype as ``xsd:integer``, a number or date in canonical form).

    Reads the file as bytes: only lines with an XSD-typed literal are looked at, each
    distinct (lexical form, datatype) is put through an in-memory Oxigraph store once to
    see what it becomes, and only the lines whose literal changes are parsed.
    """
    seen: dict[tuple[str, str], None] = {}
    for _, key in _typed_lines(snapshot):
        seen.setdefault(key, None)
    if not seen:
        return []
    keys = list(seen)
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:r2p:scratch:p")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:r2p:scratch:{i}"), predicate, ox.Literal(lex, datatype=dt))
        for i, (lex, dt) in enumerate(_literal_terms(keys))
    )
    changed: set[tuple[str, str]] = set()
    for quad in scratch.quads_for_pattern(None, predicate, None, None):
        obj, subject = quad.object, quad.subject
        assert isinstance(subject, ox.NamedNode)
        index = int(subject.value.rsplit(":", 1)[1])
        lexical, datatype = keys[index]
        if not isinstance(obj, ox.Literal) or (obj.value, obj.datatype.value) != (
            lexical,
            datatype,
        ):
            changed.add(keys[index])
    if not changed:
        return []
    lines = [line for line, key in _typed_lines(snapshot) if key in changed]
    return list(ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_QUADS))


def _literal_terms(keys: list[tuple[str, str]]) -> Iterator[tuple[str, Any]]:
    for lexical, datatype in keys:
        yield lexical, ox.NamedNode(datatype)


def _typed_lines(snapshot: Path) -> Iterator[tuple[bytes, tuple[str, str]]]:
    """Every N-Quads line whose object is an XSD-typed literal (not ``xsd:string``), with
    that literal's (lexical form, datatype IRI)."""
    with snapshot.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            chunk += stream.readline()
            for line in chunk.split(b"\n"):
                if _XSD_LITERAL in line:
                    key = _object_literal(line)
                    if key is not None and key[1] != _XSD + "string":
                        yield line, key


def _object_literal(line: bytes) -> tuple[str, str] | None:
    """(lexical form, datatype) of the line's object when it is an XSD-typed literal.

    The common shape ``<s> <p> "lexical"^^<xsd:...> [<g>] .`` with a plain lexical form is
    cut out of the bytes; anything else (escapes, triple terms, a quote in a string that
    only looks like a datatype) is parsed.
    """
    end = line.rfind(_XSD_LITERAL)
    start = line.find(b'"')
    close = line.find(b">", end + 4)
    if 0 < start < end and close > 0:
        lexical = line[start + 1 : end]
        rest = line[close + 1 :].strip()
        head = line[:start]
        graph = rest[:-2] if rest.endswith(b" .") else None
        if (
            b"\\" not in lexical
            and b'"' not in lexical
            and head.endswith(b" ")
            and b"<<" not in head
            and (rest == b"." or (graph is not None and not graph.count(b" ") + graph.count(b'"')))
        ):
            datatype = line[end + 4 : close]
            if datatype[len(_XSD) :].isalnum():
                return lexical.decode("utf-8", "replace"), datatype.decode("ascii", "replace")
    return _parsed_literal(line)


def _parsed_literal(line: bytes) -> tuple[str, str] | None:
    try:
        quads = list(ox.parse(line + b"\n", format=ox.RdfFormat.N_QUADS))
    except SyntaxError:
        return None
    if len(quads) != 1 or not isinstance(quads[0].object, ox.Literal):
        return None
    literal = quads[0].object
    if literal.language is not None or not literal.datatype.value.startswith(_XSD):
        return None
    return literal.value, literal.datatype.value


def originals_table(
    quads: Iterable[ox.Quad],
) -> dict[tuple[Any, Any, Any], ox.Literal | None]:
    """(subject, predicate, literal as Oxigraph stores it) -> literal as written, for the
    data literals among ``quads`` that Oxigraph rewrites. Ambiguous keys (two originals
    folded into one stored term) map to None and stay canonical."""
    candidates = [
        quad
        for quad in quads
        if isinstance(quad.object, ox.Literal)
        and quad.object.datatype.value.startswith(_XSD)
        and quad.object.datatype.value != _XSD + "string"
    ]
    if not candidates:
        return {}
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:r2p:scratch:{i}"), _SCRATCH, quad.object)
        for i, quad in enumerate(candidates)
    )
    stored: dict[int, Any] = {}
    for quad in scratch.quads_for_pattern(None, _SCRATCH, None, None):
        if isinstance(quad.subject, ox.NamedNode):
            stored[int(quad.subject.value.rsplit(":", 1)[1])] = quad.object
    table: dict[tuple[Any, Any, Any], ox.Literal | None] = {}
    for i, quad in enumerate(candidates):
        canonical, original = stored.get(i), quad.object
        if canonical is None or canonical == original or not isinstance(original, ox.Literal):
            continue
        key = (quad.subject, quad.predicate, canonical)
        if key in table and table[key] != original:
            table[key] = None
        else:
            table[key] = original
    return table


def restore(table: dict[tuple[Any, Any, Any], ox.Literal | None], triple: ox.Triple) -> ox.Triple:
    """``triple`` with its object as written in the data, by :func:`originals_table`."""
    obj = triple.object
    if isinstance(obj, ox.Literal):
        original = table.get((triple.subject, triple.predicate, obj))
        if original is not None:
            return ox.Triple(triple.subject, triple.predicate, original)
    return triple
