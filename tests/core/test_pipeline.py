"""load -> validate -> infer, the cached build, and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import DCTERMS, OWL, PROV, RDF, Dataset, Graph, URIRef

from r2p_graph.config import Settings
from r2p_graph.pipeline.build import (
    ValidationFailed,
    atomic_write_bytes,
    build,
    cached_build_path,
    ensure_build,
    input_fingerprint,
    last_good_build,
    write_dataset,
)
from r2p_graph.pipeline.infer import inferred_predicate_counts
from r2p_graph.pipeline.load import load_shapes, load_sources
from r2p_graph.pipeline.validate import validate_graph
from tests.r2p_terms import R2P

STATEMENT_UK = URIRef("https://w3id.org/r2p/id/statement/ga-2012-09-05/GBR")
INFERRED = URIRef("https://w3id.org/r2p/graph/inferred")
ASSERTED = URIRef("https://w3id.org/r2p/graph/asserted")


def test_build_has_three_named_graphs(built) -> None:  # type: ignore[no-untyped-def]
    counts = built.counts()
    assert set(counts) == {
        "https://w3id.org/r2p/graph/ontology",
        "https://w3id.org/r2p/graph/asserted",
        "https://w3id.org/r2p/graph/inferred",
    }
    assert all(n > 0 for n in counts.values())
    assert built.validation.conforms


def test_inference_adds_what_generic_consumers_query(built) -> None:  # type: ignore[no-untyped-def]
    """dcterms:subject and prov:Agent answer only once the closure is in."""
    asserted = built.dataset.graph(ASSERTED)
    inferred = built.dataset.graph(INFERRED)
    pillar3 = URIRef("https://w3id.org/r2p/id/pillar/3")
    sg_statement = URIRef("https://w3id.org/r2p/id/statement/ga-2012-09-05/un-secretary-general")
    gbr = URIRef("https://w3id.org/r2p/id/state/GBR")
    # Asserted: narrow properties and classes only.
    assert (sg_statement, DCTERMS.subject, pillar3) not in asserted
    assert (gbr, RDF.type, PROV.Agent) not in asserted
    # Inferred: the standard super-properties and super-classes.
    assert (sg_statement, DCTERMS.subject, pillar3) in inferred
    assert (gbr, RDF.type, PROV.Agent) in inferred
    assert (STATEMENT_UK, DCTERMS.creator, gbr) in inferred
    # The project's rule and owl:inverseOf together give both shortcuts.
    meeting = URIRef("https://w3id.org/r2p/id/meeting/ga-2012-09-05")
    assert (gbr, R2P.tookPartIn, meeting) in inferred
    assert (meeting, R2P.hadParticipant, gbr) in inferred


def test_inferred_graph_holds_no_trivia(built) -> None:  # type: ignore[no-untyped-def]
    inferred = built.dataset.graph(INFERRED)
    asserted = built.dataset.graph(ASSERTED)
    for s, p, o in inferred:
        assert not (p == OWL.sameAs and s == o)
        assert not (p == RDF.type and o == OWL.Thing)
        assert (s, p, o) not in asserted
    counts = inferred_predicate_counts(inferred)
    # A blow-up (e.g. sameAs copying every triple) would show here first.
    assert sum(counts.values()) < 3 * len(asserted)


def test_validation_memo_gives_the_same_findings(settings: Settings, data_copy: Path) -> None:
    """Reusing parsed SHACL-SPARQL queries changes speed, not results."""
    import pyshacl

    (data_copy / "meetings" / "2012.ttl").write_text(
        (data_copy / "meetings" / "2012.ttl")
        .read_text(encoding="utf-8")
        .replace("r2p:reportedCount 58 ;", "r2p:reportedCount 5 ;"),
        encoding="utf-8",
    )
    sources = load_sources(settings, [data_copy])
    shapes = load_shapes(settings)
    ours = validate_graph(sources.asserted, shapes=shapes, ontology=sources.ontology)
    conforms, report, _ = pyshacl.validate(
        sources.asserted,
        shacl_graph=shapes,
        ont_graph=sources.ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    assert not ours.conforms and not conforms
    from rdflib import SH

    theirs = {
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    mine = {(f.focus_node.strip("<>"), f.component.replace("sh:", str(SH))) for f in ours.findings}
    assert mine == theirs


def test_removed_required_triple_fails_validation(settings: Settings, data_copy: Path) -> None:
    path = data_copy / "meetings" / "2012.ttl"
    text = path.read_text(encoding="utf-8")
    assert '    schema:startDate "2012-09-05"^^xsd:date ;\n' in text
    path.write_text(
        text.replace('    schema:startDate "2012-09-05"^^xsd:date ;\n', ""), encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as caught:
        build(settings.replace(data_dir=data_copy))
    focus = {f.focus_node for f in caught.value.outcome.violations}
    assert "<https://w3id.org/r2p/id/meeting/ga-2012-09-05>" in focus
    files = {f.file for f in caught.value.outcome.violations}
    assert str(path) in files


def test_cache_is_keyed_by_inputs(settings: Settings, data_copy: Path, tmp_path: Path) -> None:
    local = settings.replace(data_dir=data_copy, cache_dir=tmp_path / "cache")
    first = ensure_build(local)
    assert first.is_file() and last_good_build(local) == first
    mtime = first.stat().st_mtime_ns
    assert ensure_build(local) == first and first.stat().st_mtime_ns == mtime  # reused, not rebuilt

    # A change to the data gives a new key and a new build.
    extra = data_copy / "extra.ttl"
    extra.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/r2p/id/theme/prevention> skos:altLabel "atrocity prevention"@en .\n',
        encoding="utf-8",
    )
    assert cached_build_path(local) != first
    second = ensure_build(local)
    assert second != first and last_good_build(local) == second

    # A broken input raises and never replaces the last good build.
    extra.write_text("this is not turtle", encoding="utf-8")
    from r2p_graph.pipeline.load import SourceError

    with pytest.raises(SourceError):
        ensure_build(local)
    assert last_good_build(local) == second
    ds = Dataset()
    ds.parse(second, format="nquads")
    assert sum(len(g) for g in ds.graphs()) > 1000


def test_fingerprint_covers_shapes_and_ontology(settings: Settings, tmp_path: Path) -> None:
    import shutil

    onto = tmp_path / "ontology"
    shutil.copytree(settings.ontology_dir, onto)
    local = settings.replace(ontology_dir=onto)
    before = input_fingerprint(local)
    shape_file = sorted((onto / "shapes").glob("*.ttl"))[0]
    shape_file.write_text(
        shape_file.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
    )
    assert input_fingerprint(local) != before


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.nq"
    target.write_bytes(b"old\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nq"]  # no temporary left behind


def test_write_dataset_formats(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    trig = write_dataset(built.dataset, tmp_path / "d.trig")
    ds = Dataset()
    ds.parse(trig, format="trig")
    assert sum(len(g) for g in ds.graphs()) == sum(built.counts().values())
    with pytest.raises(ValueError):
        write_dataset(built.dataset, tmp_path / "d.txt")
    assert isinstance(Graph().parse(trig, format="trig"), Graph)


def test_write_dataset_from_the_build_keeps_literals_as_written(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The build writes from pyoxigraph; the data's own datatypes survive (an Oxigraph
    store would turn xsd:nonNegativeInteger into xsd:integer)."""
    from rdflib import XSD, Literal

    for name in ("d.trig", "d.nq"):
        out = write_dataset(built.quads, tmp_path / name)
        ds = Dataset()
        ds.parse(out, format="trig" if name.endswith("trig") else "nquads")
        asserted = ds.graph(ASSERTED)
        assert len(asserted) == built.counts()[str(ASSERTED)]
        counts = set(asserted.objects(None, R2P.reportedCount))
        assert Literal("58", datatype=XSD.nonNegativeInteger) in counts


def test_build_equals_the_rdflib_reference_pipeline(built, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """pyoxigraph loading + validation over a store + the in-store reasoner give exactly the
    dataset that rdflib loading + the reasoner over rdflib graphs give."""
    import pyoxigraph as ox

    from r2p_graph.pipeline.infer import materialize

    sources = load_sources(settings)
    materialize(
        sources.dataset,
        inferred_graph=INFERRED,
        asserted=sources.asserted,
        ontology=sources.ontology,
        rules_dir=settings.ontology_dir / "rules",
    )
    reference = {
        str(q)
        for q in ox.parse(
            sources.dataset.serialize(format="nquads", encoding="utf-8"),
            format=ox.RdfFormat.N_QUADS,
        )
    }
    ours = {str(q) for q in built.quads}
    assert len(ours) > 9000
    assert ours == reference


def _break_in_two_files(data_copy: Path) -> None:
    meeting = data_copy / "meetings" / "2012.ttl"
    meeting.write_text(
        meeting.read_text(encoding="utf-8")
        .replace('    schema:startDate "2012-09-05"^^xsd:date ;\n', "")
        .replace("r2p:reportedCount 58 ;", "r2p:reportedCount 5 ;"),
        encoding="utf-8",
    )
    states = data_copy / "reference" / "states.ttl"
    text = states.read_text(encoding="utf-8")
    assert 'r2p:countryCode "FRA"' in text
    states.write_text(
        text.replace('r2p:countryCode "FRA"', 'r2p:countryCode "FRX"'), encoding="utf-8"
    )


def test_parallel_validation_finds_what_one_process_finds(
    settings: Settings, data_copy: Path
) -> None:
    """Split across processes (each a share of the focus nodes), validation reports the
    same findings, with the same files, as one process."""
    from r2p_graph.pipeline.load import read_sources
    from r2p_graph.pipeline.validate import validate_sources

    _break_in_two_files(data_copy)
    outcomes = []
    for workers in (1, 2, 3):
        local = settings.replace(data_dir=data_copy, validation_workers=workers)
        sources = read_sources(local)
        outcomes.append(
            validate_sources(sources, sources.store(), shapes=load_shapes(local), settings=local)
        )
    single = outcomes[0]
    assert not single.conforms
    files = {f.file for f in single.violations}
    assert str(data_copy / "meetings" / "2012.ttl") in files
    assert any(f.value == "FRX" for f in single.violations)
    for split in outcomes[1:]:
        assert split.findings == single.findings
        heads = list(
            split.report.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#ValidationReport"))
        )
        assert len(heads) == 1  # one merged report, as the Turtle/JUnit formats expect


def test_cached_build_path_imports_no_rdf_library(settings: Settings) -> None:
    """A server start from a cached build only hashes the inputs: it must not pay for
    importing rdflib, pySHACL or pyoxigraph."""
    import subprocess
    import sys

    ensure_build(settings)
    code = "\n".join(
        [
            "import sys",
            "from pathlib import Path",
            "from r2p_graph.config import Settings",
            "from r2p_graph.pipeline.build import ensure_build",
            f"path = ensure_build(Settings().replace(cache_dir=Path({str(settings.cache_dir)!r})))",
            "assert path.is_file(), path",
            "heavy = ('rdflib', 'pyshacl', 'pyoxigraph', 'owlrl')",
            "print(sorted(m for m in heavy if m in sys.modules))",
        ]
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_failed_validation_process_is_a_readable_error() -> None:
    """A share of a parallel validation that dies (e.g. a file changed under it) fails the
    build with the process's own message, not with a half-merged report."""
    import subprocess
    import sys

    from r2p_graph.pipeline import child

    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stderr.write('data/x.ttl:3: boom'); sys.exit(3)"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with pytest.raises(RuntimeError, match=r"a validation process failed: data/x\.ttl:3: boom"):
        child.Child(process, "a validation process").finish()


def test_a_build_process_without_the_pipeline_s_libraries_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's build runs in a child: a child that cannot import pySHACL comes back
    as the ImportError it met (``serve`` names it), not as a data error or a crash."""
    from r2p_graph.pipeline.build import ensure_build_apart

    shadow = tmp_path / "shadow" / "pyshacl"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named pyshacl (test)')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow.parent))
    settings = Settings.from_env(cache_dir=tmp_path / "cache")
    with pytest.raises(ImportError, match="No module named pyshacl"):
        ensure_build_apart(settings)
    assert not list((tmp_path / "cache").glob("dataset-*.nq"))
