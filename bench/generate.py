"""Generate R2P-shaped data at benchmark sizes, with the project's own ontology and vocabularies.

    python bench/generate.py [--sizes real,100k,1m] [--out bench/out] [--seed 2012]

Each size is a data folder ``bench/out/<size>/data`` that ``r2p-graph`` builds like
``data/``: the real record (reference states, groups, documents, vocabularies and every
real meeting) plus synthetic General Assembly meetings across the years 1990-2025, each
with statements by member states (themes, pillars, situations, cited documents, short
quotes, a stance assessment), participation records, participant tallies and claims, in
the patterns the real files use and valid against the SHACL shapes. ``real`` is the real
data alone. The numbers are asserted triples, approximately (the real record included).

Deterministic for a given seed, so every run of the benchmark sees the same graph.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BASE = "https://w3id.org/r2p/"
ID = BASE + "id/"
R2P = BASE + "def#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

SIZES = {"real": 0, "100k": 100_000, "1m": 1_000_000}

PREFIXES = f"""@prefix r2p: <{R2P}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix id: <{ID}> .

"""

WORDS = (
    "responsibility protect prevention sovereignty atrocity crimes genocide civilians "
    "accountability early warning assistance capacity building timely decisive response "
    "collective action council veto restraint dialogue mediation peacekeeping protection "
    "populations international community states commitment implementation principle "
    "pillar regional partners humanitarian justice impunity inclusive cooperation"
).split()


@dataclass
class Vocab:
    """IRIs the generated data points at, read from the real data."""

    states: list[tuple[str, str]]  # (IRI, English name)
    schemes: dict[str, list[str]]  # scheme slug -> concept IRIs
    situations: list[str]
    reports: list[str]
    documents: list[str]


def read_vocab() -> Vocab:
    store = ox.Store()
    for path in sorted(DATA.rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)

    def select(query: str) -> list[ox.QuerySolution]:
        result = store.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    states = [
        (r["s"].value, r["name"].value)  # type: ignore[union-attr]
        for r in select(
            f"SELECT ?s ?name WHERE {{ ?s a <{R2P}MemberState> ; <{SKOS}prefLabel> ?name "
            "FILTER(LANG(?name) = 'en') } ORDER BY ?s"
        )
    ]
    schemes: dict[str, list[str]] = defaultdict(list)
    for r in select(
        f"SELECT ?c ?scheme WHERE {{ ?c <{SKOS}inScheme> ?scheme }} ORDER BY ?scheme ?c"
    ):
        schemes[r["scheme"].value.rsplit("/", 1)[1]].append(r["c"].value)  # type: ignore[union-attr]
    situations = [
        r["s"].value  # type: ignore[union-attr]
        for r in select(f"SELECT ?s WHERE {{ ?s a <{R2P}Situation> }} ORDER BY ?s")
    ]
    reports = [
        r["d"].value  # type: ignore[union-attr]
        for r in select(f"SELECT ?d WHERE {{ ?d a <{R2P}SecretaryGeneralReport> }} ORDER BY ?d")
    ]
    documents = [
        r["d"].value  # type: ignore[union-attr]
        for r in select(
            f"SELECT DISTINCT ?d WHERE {{ ?d a ?c . VALUES ?c {{ <{R2P}SecretaryGeneralReport> "
            f"<{R2P}SecurityCouncilResolution> <{R2P}GAResolution> }} }} ORDER BY ?d"
        )
    ]
    return Vocab(states, dict(schemes), situations, reports, documents)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class MeetingWriter:
    """Writes one synthetic meeting as Turtle and counts its triples."""

    def __init__(self, vocab: Vocab, rng: random.Random) -> None:
        self.v = vocab
        self.rng = rng

    def concept(self, scheme: str, slug: str | None = None) -> str:
        options = self.v.schemes[scheme]
        if slug:
            wanted = f"{ID}{scheme}/{slug}"
            if wanted in options:
                return wanted
        return self.rng.choice(options)

    def quote(self) -> str:
        n = self.rng.randint(6, 14)
        return " ".join(self.rng.choice(WORDS) for _ in range(n)).capitalize()

    def meeting(self, day: date, ordinal: int, speakers: int) -> tuple[str, int]:
        rng, v = self.rng, self.v
        mid = f"ga-{day.isoformat()}-bench"
        m = f"<{ID}meeting/{mid}>"
        source = f"<https://example.org/bench/source/{mid}>"
        out: list[str] = []
        triples = 0

        def node(subject: str, pairs: list[tuple[str, str]]) -> None:
            nonlocal triples
            body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
            out.append(f"{subject} {body} .\n")
            triples += len(pairs)

        chosen = rng.sample(v.states, min(speakers, len(v.states)))
        participations = []
        for iso_iri, name in chosen:
            code = iso_iri.rsplit("/", 1)[1]
            st = f"<{ID}statement/{mid}/{code}>"
            state = f"<{iso_iri}>"
            quotes = [f"<{ID}statement/{mid}/{code}-quote-{i}>" for i in (1, 2)][
                : rng.randint(1, 2)
            ]
            stance = f"<{ID}statement/{mid}/{code}-stance>"
            pairs = [
                ("a", "r2p:Statement"),
                ("rdfs:label", _lit(f"Statement of {name}, {day:%d %B %Y}") + "@en"),
                ("r2p:deliveredBy", state),
                ("r2p:atMeeting", m),
                ("r2p:addressesTheme", f"<{self.concept('theme')}>"),
                ("r2p:hasStance", stance),
                ("dcterms:language", '"en"'),
                ("dcterms:source", source),
            ]
            pairs += [("r2p:hasQuote", q) for q in quotes]
            if rng.random() < 0.6:
                pairs.append(("r2p:addressesPillar", f"<{self.concept('pillar')}>"))
            if rng.random() < 0.4:
                pairs.append(("r2p:addressesTheme", f"<{self.concept('theme')}>"))
            for sit in rng.sample(v.situations, rng.randint(0, 2)):
                pairs.append(("r2p:mentionsSituation", f"<{sit}>"))
            if rng.random() < 0.3:
                pairs.append(("r2p:citesDocument", f"<{rng.choice(v.documents)}>"))
            if rng.random() < 0.2:
                pairs.append(("r2p:mentionsCrime", f"<{self.concept('crime')}>"))
            node(st, pairs)
            for q in quotes:
                node(
                    q,
                    [
                        ("a", "r2p:Quote"),
                        ("r2p:quotedText", _lit(self.quote())),
                        ("r2p:quotedFrom", source),
                        ("r2p:saidBy", state),
                        ("dcterms:source", source),
                    ],
                )
            node(
                stance,
                [
                    ("a", "r2p:StanceAssessment"),
                    ("r2p:stanceValue", f"<{self.concept('stance')}>"),
                    ("r2p:stanceTarget", f"<{self.concept('theme', 'principle-r2p')}>"),
                    ("r2p:evidenceBasis", f"<{self.concept('evidence', 'direct-statement')}>"),
                    ("prov:wasAttributedTo", f"<{ID}agent/r2p-graph-editors>"),
                    ("prov:wasDerivedFrom", quotes[0]),
                    ("dcterms:source", source),
                ],
            )
            part = f"<{ID}meeting/{mid}/participation-{code}>"
            participations.append(part)
            node(
                part,
                [
                    ("a", "r2p:Participation"),
                    ("dcterms:source", source),
                    ("r2p:evidenceBasis", f"<{self.concept('evidence', 'direct-statement')}>"),
                    ("r2p:inMeeting", m),
                    ("r2p:participant", state),
                    (
                        "r2p:participationRole",
                        f"<{self.concept('participation-role', 'speaker')}>",
                    ),
                ],
            )
            node(state, [("r2p:tookPartIn", m)])

        tally = f"<{ID}meeting/{mid}/tally-member-state>"
        complete = rng.random() < 0.5
        reported = len(participations) if complete else len(participations) + rng.randint(1, 30)
        node(
            tally,
            [
                ("a", "r2p:ParticipantTally"),
                ("dcterms:source", source),
                (
                    "r2p:listCompleteness",
                    f"<{ID}completeness/{'complete' if complete else 'partial'}>",
                ),
                ("r2p:participantKind", f"<{ID}participant-kind/member-state>"),
                ("r2p:reportedCount", f'"{reported}"^^xsd:nonNegativeInteger'),
            ]
            + [("r2p:listedParticipation", p) for p in participations],
        )
        ro_tally = f"<{ID}meeting/{mid}/tally-regional-organization>"
        node(
            ro_tally,
            [
                ("a", "r2p:ParticipantTally"),
                ("dcterms:source", source),
                ("r2p:listCompleteness", f"<{ID}completeness/count-only>"),
                ("r2p:participantKind", f"<{ID}participant-kind/regional-organization>"),
                ("r2p:reportedCount", f'"{rng.randint(1, 4)}"^^xsd:nonNegativeInteger'),
            ],
        )
        claims = []
        for i in range(rng.randint(2, 5)):
            claim = f"<{ID}meeting/{mid}/claim-{i}>"
            claims.append(claim)
            named = rng.sample(chosen, min(len(chosen), rng.randint(0, 6)))
            cquote = f"<{ID}meeting/{mid}/claim-{i}-quote-1>"
            pairs = [
                ("a", "r2p:MeetingClaim"),
                ("rdfs:label", _lit(f"Claim {i} about the meeting of {day:%d %B %Y}") + "@en"),
                ("r2p:claimAbout", m),
                ("r2p:claimKind", f"<{self.concept('claim-kind')}>"),
                ("r2p:addressesTheme", f"<{self.concept('theme')}>"),
                ("r2p:hasQuote", cquote),
                ("prov:wasAttributedTo", f"<{ID}org/gcr2p>"),
                ("dcterms:source", source),
            ]
            if named:
                pairs += [
                    ("r2p:listCompleteness", f"<{ID}completeness/complete>"),
                    ("r2p:reportedCount", f'"{len(named)}"^^xsd:nonNegativeInteger'),
                    ("r2p:quantifier", f"<{self.concept('quantifier')}>"),
                ]
                pairs += [("r2p:namesActor", f"<{iri}>") for iri, _ in named]
            else:
                pairs += [("r2p:listCompleteness", f"<{ID}completeness/count-only>")]
            for sit in rng.sample(v.situations, rng.randint(0, 2)):
                pairs.append(("r2p:mentionsSituation", f"<{sit}>"))
            node(claim, pairs)
            node(
                cquote,
                [
                    ("a", "r2p:Quote"),
                    ("r2p:quotedText", _lit(self.quote())),
                    ("r2p:quotedFrom", source),
                    ("r2p:saidBy", f"<{ID}org/gcr2p>"),
                    ("dcterms:source", source),
                ],
            )
        node(
            m,
            [
                ("a", "r2p:Meeting"),
                (
                    "rdfs:label",
                    _lit(f"Synthetic General Assembly dialogue on R2P, {day:%d %B %Y}") + "@en",
                ),
                ("dcterms:source", source),
                ("schema:organizer", f"<{ID}org/un-general-assembly>"),
                ("schema:startDate", f'"{day.isoformat()}"^^xsd:date'),
                ("r2p:meetingType", f"<{self.concept('meeting-type')}>"),
                ("r2p:ordinal", f'"{ordinal}"^^xsd:positiveInteger'),
                ("r2p:gaSession", f'"{day.year - 1945}"^^xsd:positiveInteger'),
                ("r2p:theme", _lit(" ".join(rng.sample(WORDS, 4))) + "@en"),
                ("r2p:focusPillar", f"<{self.concept('pillar')}>"),
                ("r2p:discussesReport", f"<{rng.choice(v.reports)}>"),
                ("r2p:hasTally", tally),
                ("r2p:hasTally", ro_tally),
            ],
        )
        return "".join(out), triples


def count_triples(folder: Path) -> int:
    total = 0
    for path in sorted(folder.rglob("*.ttl")):
        total += sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return total


def parse_size(size: str) -> int:
    """``real``, ``100k``, ``1m`` or any ``<n>k`` / ``<n>m`` / number of triples."""
    if size in SIZES:
        return SIZES[size]
    scale = {"k": 1_000, "m": 1_000_000}.get(size[-1:].lower(), 1)
    return int(float(size.rstrip("kKmM")) * scale)


def generate(size: str, out: Path, seed: int) -> tuple[Path, int]:
    """Write ``out/<size>/data`` and return it with its number of asserted triples."""
    target = parse_size(size)
    folder = out / size / "data"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DATA, folder)
    real = count_triples(DATA)
    if target <= real:
        return folder, real
    rng = random.Random(f"{seed}-{size}")
    writer = MeetingWriter(read_vocab(), rng)
    synthetic = folder / "meetings" / "synthetic"
    synthetic.mkdir(parents=True)
    total, ordinal = real, 0
    # Meetings spread over 1990-2025, so "per year" groupings have many rows.
    per_year: dict[int, list[str]] = defaultdict(list)
    expected_meetings = max(1, (target - real) // 2400)
    step = max(2, (36 * 365) // expected_meetings)
    day = date(1990, 1, 8)
    while total < target:
        ordinal += 1
        text, n = writer.meeting(day, ordinal, speakers=rng.randint(20, 120))
        per_year[day.year].append(text)
        total += n
        day += timedelta(days=rng.randint(max(1, step // 2), step * 3 // 2))
    for year, texts in sorted(per_year.items()):
        (synthetic / f"{year}.ttl").write_text(PREFIXES + "\n".join(texts), encoding="utf-8")
    return folder, count_triples(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,100k,1m")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--seed", type=int, default=2012)
    args = parser.parse_args(argv)
    for size in args.sizes.split(","):
        try:
            parse_size(size)
        except ValueError:
            parser.error(f"unknown size {size!r} (real, 100k, 1m, or a number like 20k)")
        folder, n = generate(size, args.out, args.seed)
        print(f"{size}: {n} asserted triples in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
