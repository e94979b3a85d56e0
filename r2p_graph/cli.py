"""The ``r2p-graph`` command line: validate, build, query, stats, serve.

Exit codes: 0 success; 1 the data does not conform (validate) or the query failed;
2 unusable input (a missing file, a syntax error, a bad option).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__, vocab
from .config import Settings, default_root
from .pipeline.build import DATASET_FORMATS, ValidationFailed, build, ensure_build, write_dataset
from .pipeline.files import SourceError, discover

# pySHACL, rdflib and pyoxigraph load inside the commands that use them: `r2p-graph serve`
# from a cached build should not pay ~0.3 s of imports it never uses.

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2
#: ``validate --format`` choices: the keys of ``r2p_graph.pipeline.validate.FORMATTERS``.
REPORT_FORMATS = ("json", "junit", "text", "turtle")
#: The folders of a data folder that every meeting file may cite.
BACKGROUND_FOLDERS = ("vocabularies", "reference", "sources")
_DATA_HELP = (
    "the data folder (also R2P_DATA_DIR); default: ./data when the working folder is an "
    "r2p-graph checkout, else the dataset bundled with the package"
)


class _VersionAction(argparse.Action):
    """``--version``: the package version and which data folder a command would use."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        settings = Settings.from_env()
        print(f"r2p-graph {__version__}\ndata: {settings.data_origin()}")
        print(f"ontology: {settings.ontology_dir}")
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``r2p-graph`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    data = getattr(args, "data", None) or getattr(args, "data_dir", None)
    if data:
        settings = settings.replace(data_dir=Path(data))
    try:
        return int(args.run(args, settings))
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except ValidationFailed as exc:
        # start-up: only the command that runs imports its modules
        from .pipeline.validate import format_text

        sys.stderr.write(format_text(exc.outcome))
        print(f"error: {exc}; nothing was built", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if "r2p_graph.pipeline.infer" in sys.modules:  # only a build can raise InferenceError
            # start-up: only the command that runs imports its modules
            from .pipeline.infer import InferenceError

            if isinstance(exc, InferenceError):
                print(f"error: inference: {exc}; nothing was built", file=sys.stderr)
                return EXIT_FAILED
        raise


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="r2p-graph",
        description="What states say about R2P at the UN, as linked data.",
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="print the version and the data folder in use"
    )
    parser.add_argument("--data", metavar="DIR", help=_DATA_HELP)
    # The same option after the command name; SUPPRESS keeps a value given before it.
    data_option = argparse.ArgumentParser(add_help=False)
    data_option.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help=_DATA_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser(
        "validate",
        parents=[data_option],
        help="check RDF data against the r2p SHACL shapes",
        description="Validate data (default: the data folder, see --data) against the shapes "
        "in ontology/shapes. Files given by name are checked with the ontology, the "
        "vocabularies and the reference table (states, groups, documents) as background, so "
        "a file that cites state:DNK or a scheme concept conforms. Exit 0 when it conforms, "
        "1 on violations, 2 on unusable input.",
    )
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    validate.add_argument("--format", choices=REPORT_FORMATS, default="text")
    validate.add_argument("--output", "-o", type=Path, help="write the report here (atomically)")
    validate.set_defaults(run=_cmd_validate)

    build_cmd = sub.add_parser(
        "build", parents=[data_option], help="write the validated + inferred dataset"
    )
    build_cmd.add_argument("--out", "-o", type=Path, required=True, help="a .trig or .nq file")
    build_cmd.add_argument("--format", choices=["trig", "nquads"], help="default: by extension")
    build_cmd.add_argument("--data-dir", help="the same as --data (kept for older scripts)")
    build_cmd.set_defaults(run=_cmd_build)

    query = sub.add_parser(
        "query", parents=[data_option], help="run a SPARQL query against the built graph"
    )
    query.add_argument("sparql", help="the query text, or @FILE to read it from a file")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.set_defaults(run=_cmd_query)

    audit = sub.add_parser(
        "audit",
        parents=[data_option],
        help="report the audit trail; check quotations against local copies of sources",
        description="Without --sources: the share of facts checked against a source and the "
        "latest verdicts, from data/audit/. With --sources DIR: check that every quotation is "
        "an exact excerpt (whitespace, quotes and dashes normalised) of its source's local "
        "copy in DIR: the file named by the source's r2p:localCopy (DIR/<path>, then "
        "DIR/<file name>), else DIR/<last segment of the source IRI>.txt. Quotations whose "
        "source has no local copy are listed as unchecked. Exit 0 when every checked "
        "quotation is found, 1 on a quotation not found, 2 on unusable input.",
    )
    audit.add_argument("--sources", type=Path, metavar="DIR", help="folder of local copies")
    audit.set_defaults(run=_cmd_audit)

    stats = sub.add_parser(
        "stats", parents=[data_option], help="triple counts and what the graph holds"
    )
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(run=_cmd_stats)

    serve = sub.add_parser(
        "serve",
        parents=[data_option],
        help="serve the SPARQL endpoint (default: the graph built from data/)",
        description="Serve the embedded default graph, or the RDF files given (Turtle, "
        "N-Triples, TriG, N-Quads, JSON-LD, RDF/XML). FILE=GRAPH-IRI loads a triples file "
        "into that named graph.",
    )
    serve.add_argument("files", nargs="*", metavar="FILE")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--store",
        metavar="URL",
        help="serve a SPARQL store's query endpoint (filled by 'r2p-graph publish') "
        "instead of the embedded engine",
    )
    serve.add_argument(
        "--strict",
        action="store_true",
        help="refuse to start when the data does not build (default: serve the last good "
        "build, with a warning in the log, on /health and on every page)",
    )
    serve.set_defaults(run=_cmd_serve)

    publish_cmd = sub.add_parser(
        "publish",
        parents=[data_option],
        help="load the validated + inferred dataset into a SPARQL store",
        description="Write the build into staging graphs of the store behind the SPARQL "
        "1.1 Update endpoint URL, then switch them live in one update request: readers "
        "see the previous version or the new one, never half of it.",
    )
    publish_cmd.add_argument("--to", required=True, metavar="URL", help="SPARQL Update endpoint")
    publish_cmd.add_argument(
        "--chunk", type=int, default=20_000, help="triples per update request (default 20000)"
    )
    publish_cmd.set_defaults(run=_cmd_publish)
    return parser


def _cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    paths: list[Path] = args.paths or [settings.data_dir]
    # start-up: only the command that runs imports its modules
    from .pipeline.load import load_shapes, read_sources

    # start-up: only the command that runs imports its modules
    from .pipeline.validate import FORMATTERS, validate_sources

    given = discover(paths)  # fail early, with the path, on a missing file
    background = [] if not args.paths else background_files(settings, given)
    sources = read_sources(settings, background + given)
    outcome = validate_sources(
        sources,
        sources.store(),
        shapes=load_shapes(settings),
        settings=settings,
        data_paths=paths,
    )
    report = FORMATTERS[args.format](outcome)
    if args.output:
        # start-up: only the command that runs imports its modules
        from .pipeline.build import atomic_write_bytes

        atomic_write_bytes(args.output, report.encode("utf-8"))
        print(
            f"{'conforms' if outcome.conforms else 'does not conform'}: "
            f"{len(outcome.violations)} violation(s), {len(outcome.warnings)} warning(s); "
            f"report in {args.output}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(report)
    return EXIT_OK if outcome.conforms else EXIT_FAILED


def background_files(settings: Settings, given: Sequence[Path]) -> list[Path]:
    """The vocabularies, the reference table and the source catalogue that files given by
    name are read with (those of the data folder in use, else of the default one), less
    the files given."""
    folder = settings.data_dir
    if not (folder / "vocabularies").is_dir():
        folder = default_root()[0] / "data"
    chosen = {p.resolve() for p in given}
    folders = [folder / name for name in BACKGROUND_FOLDERS if (folder / name).is_dir()]
    return [p for p in discover(folders) if p.resolve() not in chosen]


def _cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    out: Path = args.out
    if args.format is None and out.suffix.lower() not in DATASET_FORMATS:
        print(
            f"error: cannot tell the format of {out}: use .trig or .nq, or --format",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    result = build(settings)
    write_dataset(result.dataset, out, args.format)
    counts = result.counts()
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    print(f"wrote {out}: {sum(counts.values())} triples ({timing})", file=sys.stderr)
    for graph, n in sorted(counts.items()):
        print(f"  {graph}: {n}", file=sys.stderr)
    return EXIT_OK


def _cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    # start-up: only the command that runs imports its modules
    from .local import LocalGraph, QueryError

    text: str = args.sparql
    if text.startswith("@"):
        query_file = Path(text[1:])
        if not query_file.is_file():
            print(f"error: {query_file}: no such file", file=sys.stderr)
            return EXIT_UNUSABLE
        text = query_file.read_text(encoding="utf-8")
    graph = LocalGraph.from_nquads(ensure_build(settings))
    try:
        sys.stdout.write(graph.query_formatted(text, args.format))
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from .audit import (  # start-up: the other commands do not load rdflib for the audit
        AuditInputError,
        audit_report,
        check_quotes,
        format_quotes,
        format_report,
        load_graph,
    )

    try:
        graph = load_graph([settings.data_dir], settings.ontology_file)
        if args.sources is None:
            print(format_report(graph, audit_report(graph)), end="")
            return EXIT_OK
        results = check_quotes(graph, args.sources)
    except AuditInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(format_quotes(results), end="")
    return EXIT_FAILED if any(r.status == "not found" for r in results) else EXIT_OK


def _cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from .local import LocalGraph  # start-up: only the command that runs imports its modules

    graph = LocalGraph.from_nquads(ensure_build(settings))
    stats = graph.summary(vocab.r2p(settings.base_iri))
    if args.json:
        print(json.dumps(stats, indent=2))
        return EXIT_OK
    print(f"triples: {stats['triples']}")
    for name, n in stats["graphs"].items():
        print(f"  {name}: {n}")
    print("resources by class:")
    for cls, n in stats["classes"].items():
        print(f"  {n:6d}  {cls}")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .web.serve import run_serve  # start-up: only the command that runs imports its modules

    if args.host:
        settings = settings.replace(host=args.host)
    if args.port:
        settings = settings.replace(port=args.port)
    if args.strict:
        settings = settings.replace(strict_build=True)
    if args.store:
        if args.files:
            print("error: give files or --store, not both", file=sys.stderr)
            return EXIT_UNUSABLE
        settings = settings.replace(store_url=args.store)
    return run_serve(settings, list(args.files))


def _cmd_publish(args: argparse.Namespace, settings: Settings) -> int:
    # start-up: only the command that runs imports its modules
    from .publish import PublishError, SwitchUnconfirmed, publish

    try:
        result = publish(settings, args.to, chunk_size=args.chunk)
    except SwitchUnconfirmed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except PublishError as exc:
        print(f"error: {exc}; the live version is unchanged", file=sys.stderr)
        return EXIT_FAILED
    total = sum(result.graphs.values())
    print(
        f"published version {result.version} to {args.to}: {total} triples in "
        f"{len(result.graphs)} graphs, {result.seconds:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
