"""The lexical pass over SPARQL text, made before any engine sees it: :func:`analyze`.

What it learns is used twice: :mod:`r2p_graph.store.refuse` refuses what must never run,
and :mod:`r2p_graph.store.rewrite` changes a query's text (a row limit, ``SELECT *``
spelled out) where that can be done lexically.

The endpoint never runs federated queries nor updates. Engines cannot be trusted to
refuse them (pyoxigraph follows ``SERVICE`` over HTTP; rdflib follows ``SERVICE`` and,
unless told otherwise, ``FROM``), so the text is tokenized here, the way the SPARQL 1.1
grammar tokenizes it, and refused when a ``SERVICE`` keyword or an update keyword
appears as a keyword. Strings, IRIs, comments, variables (``?service``), prefixed names
(``ex:service``), blank-node labels and language tags are tokens of their own, so words
inside them are never mistaken for keywords. Because Oxigraph's parser also accepts a
keyword glued to what follows it (``SERVICE:x``), a bare word or a prefix that *contains*
``SERVICE`` is refused as well. Codepoint escapes
(``\\u0053ERVICE``), which SPARQL expands before parsing, are expanded here too, and
both the raw and the expanded text are checked.

The check is deliberately conservative: when in doubt it refuses. The worker processes
that evaluate queries are also started without network access where the OS allows it,
so this module is one of several layers, not the only one.

A request's text is checked in the serving process and again in the query worker; the
analysis of a text is remembered (a bounded LRU per process), so repeating a check costs
a dictionary lookup. The same pass also notes where the query's own top-level ``LIMIT``
and ``VALUES`` are, so an engine can cap the rows it returns by adding a ``LIMIT``
(:func:`r2p_graph.store.rewrite.with_row_limit`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal

from r2p_graph.store import QueryForm

TokenKind = Literal["IRI", "STRING", "VAR", "BNODE", "LANGTAG", "PNAME", "WORD", "NUMBER", "PUNCT"]

QUERY_FORMS: Final[frozenset[str]] = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
#: Keywords that only occur in SPARQL Update requests.
UPDATE_KEYWORDS: Final[frozenset[str]] = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)

_OPERATOR_PUNCT = frozenset("+-*/|&!^<>=")
_OPERATOR_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS"})

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# The SPARQL 1.1 terminals, approximated with Python's Unicode-aware classes.
_PN_CHARS_EXTRA = "\u00b7\u0300-\u036f\u203f\u2040"
_PN_PREFIX = rf"[^\W\d_](?:[\w\-.{_PN_CHARS_EXTRA}]*[\w\-{_PN_CHARS_EXTRA}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    rf"(?:[\w:]|{_PLX})"
    rf"(?:(?:[\w\-.:{_PN_CHARS_EXTRA}]|{_PLX})*(?:[\w\-:{_PN_CHARS_EXTRA}]|{_PLX}))?"
)
_PNAME = re.compile(rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?")
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_VAR = re.compile(rf"[?$][\w{_PN_CHARS_EXTRA}]+")
_BNODE = re.compile(
    rf"_:[\w{_PN_CHARS_EXTRA}](?:[\w\-.{_PN_CHARS_EXTRA}]*[\w\-{_PN_CHARS_EXTRA}])?"
)
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?")
_WS = re.compile(r"\s+")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*\Z")


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    offset: int


@dataclass(frozen=True)
class QueryInfo:
    """What the lexical pass learned about a request's text."""

    #: The query form, or None when the text starts with something else.
    form: QueryForm | None
    #: The first update keyword found (upper case), if any.
    update_keyword: str | None = None
    #: True when a SERVICE keyword appears anywhere.
    uses_service: bool = False
    #: True when the query has FROM or FROM NAMED clauses.
    has_dataset_clause: bool = False
    #: PREFIX declarations, in order (read-only: an analysis is shared between callers).
    prefixes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: True for ``SELECT *`` (the engine then chooses the column order).
    select_star: bool = False
    #: Variable names in order of first appearance in the text.
    variables: tuple[str, ...] = ()
    #: The query's own top-level ``LIMIT``: (value, start, end) of its number in the text.
    limit: tuple[int, int, int] | None = None
    #: Where the top-level ``LIMIT`` may go: the offset of a trailing ``VALUES`` clause, or
    #: the end of the text; None when unsure (codepoint escapes, unbalanced braces,
    #: several top-level ``LIMIT``s).
    limit_at: int | None = None
    #: The offset of the ``*`` of ``SELECT *`` (None when rewriting is unsafe).
    star_at: int | None = None
    #: The deepest nesting of ``{``, ``(`` and ``[`` together.
    depth: int = 0
    #: Operators that an engine nests into a tree as deep as their chain is long
    #: (``UNION``, ``OPTIONAL``, ``MINUS``, ``+ - * / | & ! ^ < > =``).
    operators: int = 0

    @property
    def is_update(self) -> bool:
        return self.update_keyword is not None


def is_iri(value: str) -> bool:
    """True for an absolute IRI: a scheme, a colon, and no spaces or ``<>"{}|\\^```."""
    return bool(_ABSOLUTE_IRI.match(value))


def unescape_codepoints(text: str) -> str:
    """Expand codepoint escapes (``\\u`` + 4 hex digits, ``\\U`` + 8), as SPARQL does first."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return match.group(0)

    return _CODEPOINT.sub(replace, text)


def _scan_string(text: str, pos: int) -> int:
    """End offset of the string literal starting at ``pos`` (quote char at ``pos``)."""
    quote = text[pos]
    long_quote = quote * 3
    if text.startswith(long_quote, pos):
        i = pos + 3
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text.startswith(long_quote, i):
                return i + 3
            i += 1
        return len(text)
    i = pos + 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == quote:
            return i + 1
        if char in "\r\n":
            # Short strings cannot span lines: stop here, so whatever follows is
            # still tokenized (and checked) rather than hidden in a broken string.
            return i
        i += 1
    return len(text)


def tokenize(text: str) -> Iterator[Token]:
    """Split SPARQL text into tokens; never raises, whatever the input."""
    pos = 0
    end = len(text)
    previous: Token | None = None
    while pos < end:
        char = text[pos]
        match: re.Match[str] | None
        if char.isspace():
            ws = _WS.match(text, pos)
            pos = ws.end() if ws else pos + 1
            continue
        if char == "#":
            newline = min(
                (i for i in (text.find("\n", pos), text.find("\r", pos)) if i != -1),
                default=end,
            )
            pos = newline
            continue
        token: Token
        if char in "\"'":
            stop = _scan_string(text, pos)
            token = Token("STRING", text[pos:stop], pos)
        elif char == "<" and (match := _IRIREF.match(text, pos)):
            token = Token("IRI", match.group(0), pos)
        elif char in "?$" and (match := _VAR.match(text, pos)):
            token = Token("VAR", match.group(0), pos)
        elif char == "_" and (match := _BNODE.match(text, pos)):
            token = Token("BNODE", match.group(0), pos)
        elif (
            char == "@"
            and previous is not None
            and previous.kind == "STRING"
            and (match := _LANGTAG.match(text, pos))
        ):
            token = Token("LANGTAG", match.group(0), pos)
        elif (match := _PNAME.match(text, pos)) is not None:
            token = Token("PNAME", match.group(0), pos)
        elif (match := _WORD.match(text, pos)) is not None:
            token = Token("WORD", match.group(0), pos)
        elif (match := _NUMBER.match(text, pos)) is not None:
            token = Token("NUMBER", match.group(0), pos)
        else:
            token = Token("PUNCT", char, pos)
        pos += max(len(token.text), 1)
        previous = token
        yield token


def _may_be_service(token: Token) -> bool:
    """True when an engine could read a SERVICE keyword in this token.

    Oxigraph's parser matches keywords without a word boundary, so ``SERVICE:x``,
    ``SERVICEa:b`` and ``trueSERVICE<x>`` all run a federated query there even though
    the SPARQL grammar tokenizes them as a prefixed name or an unknown word. Hence any
    bare word, and any prefix of a prefixed name, that contains ``SERVICE`` counts.
    (A prefix such as ``myservice:`` is refused too; rename it.)
    """
    if token.kind == "WORD":
        return "SERVICE" in token.text.upper()
    if token.kind == "PNAME":
        return "SERVICE" in token.text.split(":", 1)[0].upper()
    return False


def _analyze_one(text: str) -> QueryInfo:
    form: QueryForm | None = None
    update_keyword: str | None = None
    uses_service = False
    has_dataset_clause = False
    prefixes: dict[str, str] = {}
    variables: dict[str, None] = {}
    select_star = False
    in_prologue = True
    depth = 0
    max_depth = 0
    nesting = 0
    operators = 0
    star_at: int | None = None
    limits: list[tuple[int, int, int] | None] = []
    values_at: int | None = None
    tokens = list(tokenize(text))
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.text.upper() if token.kind == "WORD" else ""
        if token.kind == "PUNCT":
            if token.text in "{([":
                nesting += 1
                max_depth = max(max_depth, nesting)
            elif token.text in "})]":
                nesting -= 1
            elif token.text in _OPERATOR_PUNCT:
                operators += 1
        elif word in _OPERATOR_WORDS:
            operators += 1
        if token.kind == "PUNCT" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
        elif depth == 0 and not in_prologue and word == "LIMIT":
            number = tokens[i + 1] if i + 1 < len(tokens) else None
            limits.append(
                (int(number.text), number.offset, number.offset + len(number.text))
                if number is not None
                and number.kind == "NUMBER"
                and number.text.isdigit()
                and len(number.text) < 19
                else None
            )
        elif depth == 0 and not in_prologue and word == "VALUES" and values_at is None:
            values_at = token.offset
        if in_prologue:
            if word == "PREFIX":
                if (
                    i + 2 < len(tokens)
                    and tokens[i + 1].kind == "PNAME"
                    and tokens[i + 2].kind == "IRI"
                ):
                    name = tokens[i + 1].text
                    if name.endswith(":"):
                        prefixes[name[:-1]] = tokens[i + 2].text[1:-1]
                    i += 3
                    continue
            elif word == "BASE":
                i += 2
                continue
            elif word == "VERSION":  # SPARQL 1.2 version declaration
                i += 2
                continue
            else:
                in_prologue = False
                if word in QUERY_FORMS:
                    form = word  # type: ignore[assignment]
                    following = [t.text.upper() for t in tokens[i + 1 : i + 3]]
                    select_star = word == "SELECT" and (
                        following[:1] == ["*"]
                        or (following[:1] in (["DISTINCT"], ["REDUCED"]) and following[1:] == ["*"])
                    )
                    if select_star:
                        star = tokens[i + 1] if following[:1] == ["*"] else tokens[i + 2]
                        star_at = star.offset
        if token.kind == "VAR":
            variables.setdefault(token.text[1:], None)
        if _may_be_service(token):
            uses_service = True
        elif word in UPDATE_KEYWORDS and update_keyword is None:
            update_keyword = word
        elif word == "FROM":
            has_dataset_clause = True
        i += 1
    limit_at: int | None = None
    if depth == 0 and len(limits) <= 1 and None not in limits:
        limit_at = len(text) if values_at is None else values_at
    return QueryInfo(
        form=form,
        update_keyword=update_keyword,
        uses_service=uses_service,
        has_dataset_clause=has_dataset_clause,
        prefixes=MappingProxyType(prefixes),
        select_star=select_star,
        variables=tuple(variables),
        limit=limits[0] if limits else None,
        limit_at=limit_at,
        star_at=star_at,
        depth=max_depth,
        operators=operators,
    )


#: Texts up to this many characters are remembered, the last this many of them.
_CACHED_CHARS = 16_384
_CACHED_TEXTS = 512


def analyze(text: str) -> QueryInfo:
    """Query form, update keywords, SERVICE use, dataset clause and prefixes of ``text``.

    The text is read twice, as written and with codepoint escapes expanded; a keyword
    found in either reading counts. Analyses of texts up to 16k characters are
    remembered (the last 512), and shared: treat the result as read-only.
    """
    if len(text) <= _CACHED_CHARS:
        return _analyze_remembered(text)
    return _analyze(text)


@lru_cache(maxsize=_CACHED_TEXTS)
def _analyze_remembered(text: str) -> QueryInfo:
    return _analyze(text)


def _analyze(text: str) -> QueryInfo:
    raw = _analyze_one(text)
    expanded_text = unescape_codepoints(text)
    if expanded_text == text:
        return raw
    expanded = _analyze_one(expanded_text)
    return QueryInfo(
        form=expanded.form or raw.form,
        update_keyword=raw.update_keyword or expanded.update_keyword,
        uses_service=raw.uses_service or expanded.uses_service,
        has_dataset_clause=raw.has_dataset_clause or expanded.has_dataset_clause,
        prefixes=expanded.prefixes or raw.prefixes,
        select_star=expanded.select_star,
        variables=expanded.variables,
        # Offsets in the expanded text are not offsets in the text: no rewriting.
        limit=None,
        limit_at=None,
        star_at=None,
        depth=max(raw.depth, expanded.depth),
        operators=max(raw.operators, expanded.operators),
    )
