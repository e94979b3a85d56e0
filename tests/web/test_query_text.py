"""The lexical pass over SPARQL text: what is refused (SERVICE, updates) and what is rewritten."""

from __future__ import annotations

import pytest

from r2p_graph.store import QueryRefused, rewrite
from r2p_graph.store.query_text import analyze, is_iri, tokenize, unescape_codepoints
from r2p_graph.store.refuse import LOAD_REFUSAL, SERVICE_REFUSAL, UPDATE_REFUSAL, check_query

SERVICE_QUERIES = [
    "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
    "SELECT * { SERVICE SILENT <http://x/> { ?s ?p ?o } }",
    "select * { service <http://x/> { } }",
    "SELECT * { sErViCe <http://x/> { } }",
    "SELECT * { SERVICE<http://x/> { } }",
    "SELECT * { SERVICE ?endpoint { } }",
    "SELECT * { SERVICE?endpoint { } }",
    "SELECT * { SERVICE # comment\n <http://x/> { } }",
    "SELECT * { OPTIONAL { SERVICE <http://x/> { } } }",
    "SELECT * { { SELECT * { SERVICE <http://x/> { } } } }",
    "SELECT * { ?s ?p ?o MINUS { SERVICE <http://x/> { } } }",
    "SELECT * { FILTER EXISTS { SERVICE <http://x/> { } } }",
    "ASK { SERVICE <http://x/> { } }",
    "CONSTRUCT WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    # Oxigraph's parser reads a keyword glued to what follows:
    "PREFIX : <http://x/> SELECT * { SERVICE:x { } }",
    "PREFIX : <http://x/> SELECT * { SERVICE:{ } }",
    "PREFIX a: <http://x/> SELECT * { SERVICEa:b { } }",
    "SELECT * { SERVICESILENT<http://x/> { } }",
    "SELECT * { ?s ?p true.trueSERVICE<http://x/> { } }",
    "PREFIX service: <http://x/> SELECT * { service:x { } }",
    # Codepoint escapes, which SPARQL expands before parsing:
    "SELECT * { \\u0053ERVICE <http://x/> { } }",
    "SELECT * { \\U00000053ERVICE <http://x/> { } }",
    # A short string cannot hide what follows a line break:
    'SELECT * { ?s ?p "unterminated\nSERVICE <http://x/> { } }',
    # A language tag without a string before it is not a language tag:
    "SELECT * { @en SERVICE <http://x/> { } }",
]

INNOCENT_QUERIES = [
    "SELECT ?service WHERE { ?service ?p ?o }",
    "SELECT $service WHERE { $service ?p ?o }",
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:service ?o }",
    "PREFIX ex: <http://example.org/> SELECT * { ex:SERVICE ex:a.service ex:b }",
    "SELECT * { ?s ?p 'SERVICE <http://x/> { }' }",
    'SELECT * { ?s ?p """multi\nline SERVICE <http://x/> { }""" }',
    "SELECT * { ?s ?p <http://example.org/SERVICE> }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/> { }",
    "SELECT * { _:service ?p ?o }",
    'SELECT * { ?s ?p "x"@service }',
    "SELECT * { ?s <http://example.org/p> ?o FILTER(?o < 3) }",
]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
def test_service_is_found(query: str) -> None:
    assert analyze(query).uses_service
    with pytest.raises(QueryRefused) as refused:
        check_query(query)
    assert str(refused.value) == SERVICE_REFUSAL


@pytest.mark.parametrize("query", INNOCENT_QUERIES)
def test_the_word_service_elsewhere_is_fine(query: str) -> None:
    info = check_query(query)
    assert not info.uses_service
    assert info.form == "SELECT"


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <a:g>", "DROP"),
        ("CREATE GRAPH <a:g>", "CREATE"),
        ("ADD DEFAULT TO <a:g>", "ADD"),
        ("MOVE <a:g> TO <a:h>", "MOVE"),
        ("COPY <a:g> TO <a:h>", "COPY"),
        ("WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }", "INSERT"),
        ("SELECT * { ?s ?p ?o } ; DROP ALL", "DROP"),
    ],
)
def test_updates_are_found(text: str, keyword: str) -> None:
    info = analyze(text)
    assert info.update_keyword == keyword
    with pytest.raises(QueryRefused) as refused:
        check_query(text)
    assert str(refused.value) == UPDATE_REFUSAL


def test_load_has_its_own_message() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("LOAD <http://example.org/data.ttl> INTO GRAPH <a:g>")
    assert str(refused.value) == LOAD_REFUSAL


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * {}", "SELECT"),
        ("ask {}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://x/>", "DESCRIBE"),
        ("BASE <http://b/> PREFIX a: <http://a/> PREFIX : <http://c/> SELECT * {}", "SELECT"),
        ("# a comment\n  PREFIX a: <http://a/>\nASK {}", "ASK"),
        ('VERSION "1.2" SELECT * {}', "SELECT"),
        ("nonsense", None),
        ("", None),
    ],
)
def test_query_form(text: str, form: str | None) -> None:
    assert analyze(text).form == form


def test_prefixes_dataset_clause_and_columns() -> None:
    info = analyze(
        "PREFIX ex: <http://example.org/> PREFIX : <http://d/>\n"
        "SELECT * FROM <http://g/> WHERE { ?z ex:p ?a . ?a ex:q ?m }"
    )
    assert info.prefixes == {"ex": "http://example.org/", "": "http://d/"}
    assert info.has_dataset_clause
    assert info.select_star
    assert rewrite.column_order(info, ["a", "m", "z"]) == ["z", "a", "m"]
    projected = analyze("SELECT ?m ?z WHERE { ?z ?p ?m }")
    assert not projected.select_star
    assert rewrite.column_order(projected, ["m", "z"]) == ["m", "z"]
    assert rewrite.column_order(analyze("SELECT DISTINCT * { ?b ?a ?c }"), ["a", "b", "c"]) == [
        "b",
        "a",
        "c",
    ]


def test_tokenizer_never_fails_on_garbage() -> None:
    garbage = "\x00<<>>\"'''\\u12\\UZZ ?$ _: @ ^^ {{{ \ud7ff \u2040 ;;" * 20
    tokens = list(tokenize(garbage))
    assert tokens
    assert "".join(t.text for t in tokens).replace(" ", "") != ""


def test_unescape_codepoints() -> None:
    assert unescape_codepoints("\\u0041\\U00000042c") == "ABc"
    assert unescape_codepoints("\\uZZZZ") == "\\uZZZZ"
    assert unescape_codepoints("\\UFFFFFFFF") == "\\UFFFFFFFF"  # out of range: left alone


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("http://example.org/g", True),
        ("urn:x:y", True),
        ("file:///etc/passwd", True),  # a valid IRI; it simply names no loaded graph
        ("relative/path", False),
        ("http://exa mple.org/", False),
        ("<http://example.org/>", False),
        ("", False),
    ],
)
def test_is_iri(value: str, ok: bool) -> None:
    assert is_iri(value) is ok


# --------------------------------------------------------------------------- remembered


def test_analyses_are_remembered_and_still_refuse() -> None:
    text = "SELECT * { ?s ?p ?o } # asked twice"
    assert analyze(text) is analyze(text)
    long = "ASK {} # " + "x" * 20_000  # too long to remember: analyzed again, alike
    assert analyze(long) == analyze(long)
    for _ in range(3):
        for refused, message in (
            (SERVICE_QUERIES[0], SERVICE_REFUSAL),
            ("LOAD <http://example.org/data.ttl>", LOAD_REFUSAL),
            ("DROP ALL", UPDATE_REFUSAL),
            ("INSERT DATA { <a:b> <a:c> <a:d> } # " + "x" * 20_000, UPDATE_REFUSAL),
        ):
            with pytest.raises(QueryRefused) as error:
                check_query(refused)
            assert str(error.value) == message


def test_a_remembered_analysis_cannot_be_changed() -> None:
    info = analyze("PREFIX ex: <http://example.org/> SELECT * {}")
    with pytest.raises(TypeError):
        info.prefixes["ex"] = "http://elsewhere/"  # type: ignore[index]
    assert analyze("PREFIX ex: <http://example.org/> SELECT * {}").prefixes == {
        "ex": "http://example.org/"
    }


# --------------------------------------------------------------------------- row limit

ALL = "SELECT * { ?s ?p ?o }"


@pytest.mark.parametrize(
    ("text", "expected", "changed"),
    [
        (ALL, ALL + "\nLIMIT 11\n", True),
        (ALL + " # ends in a comment", ALL + " # ends in a comment\nLIMIT 11\n", True),
        (ALL + " ORDER BY ?s OFFSET 5", ALL + " ORDER BY ?s OFFSET 5\nLIMIT 11\n", True),
        (ALL + " LIMIT 5", ALL + " LIMIT 5", False),
        (ALL + " LIMIT 11", ALL + " LIMIT 11", False),
        (ALL + " limit 500 OFFSET 2", ALL + " limit 11 OFFSET 2", True),
        (ALL + " OFFSET 2 LIMIT 500", ALL + " OFFSET 2 LIMIT 11", True),
        (
            "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 500 } }",
            "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 500 } }\nLIMIT 11\n",
            True,
        ),
        (
            "SELECT ?s { ?s ?p ?o } VALUES ?s { <http://x/> }",
            "SELECT ?s { ?s ?p ?o } \nLIMIT 11\nVALUES ?s { <http://x/> }",
            True,
        ),
        (
            "SELECT ?s { VALUES ?s { <http://x/> } ?s ?p ?o }",
            "SELECT ?s { VALUES ?s { <http://x/> } ?s ?p ?o }\nLIMIT 11\n",
            True,
        ),
        (
            "SELECT ?s { ?s ?p 'LIMIT 3' FILTER EXISTS { ?s ?q ?r } } GROUP BY ?s",
            "SELECT ?s { ?s ?p 'LIMIT 3' FILTER EXISTS { ?s ?q ?r } } GROUP BY ?s\nLIMIT 11\n",
            True,
        ),
    ],
)
def test_a_row_limit_is_added_at_the_top_level(text: str, expected: str, changed: bool) -> None:
    assert rewrite.with_row_limit(analyze(text), text, 11) == (expected, changed)


@pytest.mark.parametrize(
    "text",
    [
        "ASK { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        ALL + " LIMIT 1 LIMIT 2",  # not SPARQL: left for the engine to refuse
        ALL + " LIMIT ?n",
        "SELECT * { ?s ?p ?o",
        "SELECT * { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o } \\u004CIMIT 500",  # escapes: offsets would not match
    ],
)
def test_no_row_limit_where_the_text_cannot_take_one(text: str) -> None:
    assert rewrite.with_row_limit(analyze(text), text, 11) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT ?s ?p ?o { ?s ?p ?o }"),
        ("select distinct * { ?s ?p ?o }", "select distinct ?s ?p ?o { ?s ?p ?o }"),
        ("BASE <http://a/> SELECT REDUCED * {}", "BASE <http://a/> SELECT REDUCED ?s ?p ?o {}"),
        ("SELECT ?s { ?s ?p ?o }", None),
        ("SELECT \\u002A { ?s ?p ?o }", None),
    ],
)
def test_select_star_can_be_spelled_out(text: str, expected: str | None) -> None:
    assert rewrite.with_projection(analyze(text), text, ["s", "p", "o"]) == expected
