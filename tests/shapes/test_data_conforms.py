"""The real data/ folder conforms to the shapes (no Violation; Warnings are allowed).

Every *.ttl and *.trig under data/ is parsed into one graph (named graphs merged) and
validated the way the project validates: ontology as ont_graph, no inference.
"""

from __future__ import annotations

from rdflib import SH, Dataset, Graph

from .shapes_support import DATA_DIR, load_ontology, load_shapes, project_validate, results


def _load_data() -> tuple[Graph, list[str]]:
    files = sorted([*DATA_DIR.rglob("*.ttl"), *DATA_DIR.rglob("*.trig")])
    merged = Graph()
    for path in files:
        if path.suffix == ".trig":
            dataset = Dataset()
            dataset.parse(path, format="trig")
            for s, p, o, _g in dataset.quads((None, None, None, None)):
                merged.add((s, p, o))
        else:
            merged.parse(path, format="turtle")
    return merged, [str(p.relative_to(DATA_DIR)) for p in files]


def test_data_folder_conforms() -> None:
    data, files = _load_data()
    assert files, f"no data files under {DATA_DIR}"
    conforms, report, text = project_validate(data, load_shapes(), load_ontology())
    violations = [r for r in results(report) if r.severity == SH.Violation]
    assert conforms and not violations, (
        f"data/ ({len(files)} files, {len(data)} triples) does not conform:\n{text}"
    )
