"""Readers for the W3C SPARQL 1.1 test manifests (protocol, result formats) and result
comparison helpers: results are compared as data, not as bytes."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
XSD = "http://www.w3.org/2001/XMLSchema#"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def _manifest(path: Path) -> tuple[Graph, list[Node]]:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    assert manifest is not None, f"no mf:Manifest in {path}"
    entries = graph.value(manifest, MF.entries)
    assert entries is not None
    return graph, list(Collection(graph, entries))


def local_name(node: Node) -> str:
    return str(node).rsplit("#", 1)[-1]


# --------------------------------------------------------------------------- protocol


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    #: Leading digits of acceptable statuses, e.g. {"2", "3"}.
    statuses: set[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[HttpRequest]
    #: (file, graph IRI) pairs the test needs loaded.
    graph_data: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def is_update_test(self) -> bool:
        return "update" in self.name


def protocol_tests(manifest: Path) -> list[ProtocolTest]:
    graph, entries = _manifest(manifest)
    tests = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        requests: list[HttpRequest] = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers: dict[str, str] = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(
                        graph.value(header, HT.fieldValue)
                    )
            body: bytes | None = None
            body_node = graph.value(req, HT.body)
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            resp = graph.value(req, HT.resp)
            statuses = {
                local_name(s).removeprefix("StatusCode")[0]
                for s in graph.objects(resp, MF.expectedStatus)
            }
            fmt = graph.value(resp, MF.expectedFormat)
            boolean = graph.value(resp, MF.expectedBoolean)
            requests.append(
                HttpRequest(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    expected_format=str(fmt) if fmt is not None else None,
                    expected_boolean=bool(boolean.toPython()) if boolean is not None else None,
                )
            )
        graph_data = []
        for data in graph.objects(entry, UT.graphData):
            file_iri = graph.value(data, UT.graph)
            label = graph.value(data, RDFS.label)
            assert isinstance(file_iri, URIRef) and label is not None
            graph_data.append((Path(file_iri.removeprefix("file://")), str(label)))
        tests.append(
            ProtocolTest(
                name=local_name(entry),
                title=str(graph.value(entry, MF.name)),
                requests=requests,
                graph_data=graph_data,
            )
        )
    return tests


# --------------------------------------------------------------------------- result formats


@dataclass
class ResultFormatTest:
    name: str
    query: Path
    data: Path
    result: Path


def result_format_tests(manifest: Path) -> list[ResultFormatTest]:
    graph, entries = _manifest(manifest)
    tests = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        query = graph.value(action, QT.query)
        data = graph.value(action, QT.data)
        result = graph.value(entry, MF.result)
        tests.append(
            ResultFormatTest(
                name=local_name(entry),
                query=Path(str(query).removeprefix("file://")),
                data=Path(str(data).removeprefix("file://")),
                result=Path(str(result).removeprefix("file://")),
            )
        )
    return tests


# --------------------------------------------------------------------------- comparison

Term = tuple[Any, ...]
Row = tuple[Term | None, ...]


def _bnodes_canonical(rows: list[Row]) -> list[Row]:
    """Relabel blank nodes by order of first appearance (rows in their given order)."""
    labels: dict[str, str] = {}

    def canon(term: Term | None) -> Term | None:
        if term is not None and term[0] == "bnode":
            return ("bnode", labels.setdefault(term[1], f"b{len(labels)}"))
        return term

    return [tuple(canon(t) for t in row) for row in rows]


@dataclass
class Table:
    variables: list[str]
    rows: list[Row]
    boolean: bool | None = None

    def same_as(
        self, other: Table, *, ordered: bool, key: Callable[[Term | None], Any] | None = None
    ) -> bool:
        """Same variables and rows (blank nodes up to renaming); ``key`` maps each term
        to what must be equal (by default the term itself)."""
        if self.boolean is not None or other.boolean is not None:
            return self.boolean == other.boolean
        if self.variables != other.variables:
            return False
        mine, theirs = _bnodes_canonical(self.rows), _bnodes_canonical(other.rows)
        if key is not None:
            mine = [tuple(key(t) for t in row) for row in mine]
            theirs = [tuple(key(t) for t in row) for row in theirs]
        if ordered:
            return mine == theirs
        return Counter(mine) == Counter(theirs)


def _json_term(value: dict[str, Any]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return ("uri", value["value"])
    if kind == "bnode":
        return ("bnode", value["value"])
    datatype = value.get("datatype")
    if datatype == XSD + "string":
        datatype = None
    return ("literal", value["value"], datatype, value.get("xml:lang"))


def parse_srj(body: bytes) -> Table:
    doc = json.loads(body)
    if "boolean" in doc:
        return Table([], [], bool(doc["boolean"]))
    variables = list(doc["head"]["vars"])
    rows = [
        tuple(_json_term(b[v]) if v in b else None for v in variables)
        for b in doc["results"]["bindings"]
    ]
    return Table(variables, rows)


def parse_srx(body: bytes) -> Table:
    root = ET.fromstring(body)
    boolean = root.find(f"{SRX}boolean")
    if boolean is not None:
        return Table([], [], (boolean.text or "").strip() == "true")
    variables = [v.attrib["name"] for v in root.iter(f"{SRX}variable")]
    rows = []
    for result in root.iter(f"{SRX}result"):
        values: dict[str, Term] = {}
        for binding in result.iter(f"{SRX}binding"):
            (node,) = list(binding)
            tag = node.tag.removeprefix(SRX)
            if tag == "literal":
                datatype = node.attrib.get("datatype")
                lang = node.attrib.get("{http://www.w3.org/XML/1998/namespace}lang")
                values[binding.attrib["name"]] = (
                    "literal",
                    node.text or "",
                    None if datatype == XSD + "string" else datatype,
                    lang,
                )
            else:
                values[binding.attrib["name"]] = (tag, node.text or "")
        rows.append(tuple(values.get(v) for v in variables))
    return Table(variables, rows)


def parse_csv(body: bytes) -> Table:
    """CSV loses types: terms become ("csv", text) or ("bnode", label)."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    records = list(reader)
    variables = records[0]
    rows: list[Row] = []
    for record in records[1:]:
        row: list[Term | None] = []
        for cell in record:
            if cell.startswith("_:"):
                row.append(("bnode", cell[2:]))
            else:
                row.append(("csv", cell) if cell else None)
        rows.append(tuple(row))
    return Table(variables, rows)


_TSV_LITERAL = re.compile(
    r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?\Z', re.DOTALL
)
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\", "'": "'"}


def _tsv_term(cell: str) -> Term | None:
    if cell == "":
        return None
    if cell.startswith("<") and cell.endswith(">"):
        return ("uri", cell[1:-1])
    if cell.startswith("_:"):
        return ("bnode", cell[2:])
    match = _TSV_LITERAL.match(cell)
    if match:
        text = re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), m.group(1)), match.group(1))
        datatype = match.group(3)
        return ("literal", text, None if datatype == XSD + "string" else datatype, match.group(2))
    if cell in ("true", "false"):
        return ("literal", cell, XSD + "boolean", None)
    if re.fullmatch(r"[+-]?[0-9]+", cell):
        return ("literal", cell, XSD + "integer", None)
    if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", cell):
        return ("literal", cell, XSD + "decimal", None)
    return ("literal", cell, XSD + "double", None)


def _value_key(term: Term | None) -> Term | None:
    """Numbers compare by value: 1.0E6 and 1.0e6 are the same double."""
    if term is None or term[0] != "literal":
        return term
    datatype = term[2]
    if datatype in (XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float"):
        try:
            return ("number", datatype, Decimal(term[1]))
        except InvalidOperation:
            return term
    return term


INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger "
        "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
}


def by_value(term: Term | None) -> Any:
    """Oxigraph's view of a term: numbers by value, every integer subtype an integer.

    Oxigraph stores numeric literals by value (oxigraph/oxigraph#526), so its SELECT
    answers give ``"-3"^^xsd:integer`` for ``"-3"^^xsd:negativeInteger`` and ``1000000``
    for ``1.0E6``: the same values, not the same terms. CSV cells that are numbers
    compare by value too.
    """
    if term is None:
        return None
    if term[0] == "csv":
        try:
            return ("number", Decimal(term[1]))
        except InvalidOperation:
            return term
    if term[0] == "number":
        return ("number", term[2])
    if term[0] == "literal" and (term[2] in INTEGER_TYPES or _value_key(term) != term):
        try:
            return ("number", Decimal(term[1]))
        except InvalidOperation:
            return term
    return term


def parse_tsv(body: bytes) -> Table:
    lines = body.decode("utf-8").replace("\r\n", "\n").rstrip("\n").split("\n")
    variables = [v.removeprefix("?") for v in lines[0].split("\t")]
    rows = [tuple(_value_key(_tsv_term(cell)) for cell in line.split("\t")) for line in lines[1:]]
    return Table(variables, rows)


def parse_results(body: bytes, media_type: str) -> Table:
    media_type = media_type.split(";", 1)[0].strip()
    if media_type == "application/sparql-results+json":
        return parse_srj(body)
    if media_type == "application/sparql-results+xml":
        return parse_srx(body)
    if media_type == "text/csv":
        return parse_csv(body)
    if media_type == "text/tab-separated-values":
        return parse_tsv(body)
    raise AssertionError(f"not a results media type: {media_type}")
