"""Ontology documentation: HTML generated from ``ontology/r2p.ttl`` by pyLODE, never by hand.

The page is a build product, like the dataset: it is written into the build cache
(``{Settings.cache_dir}/docs/r2p-ontology-{key}.html``), keyed by a hash of the ontology
file, the pyLODE version and this module's post-processing version, and never committed.
``r2p-graph docs`` (:func:`build_docs`; also ``python -m r2p_graph.ontology_docs``)
regenerates it; the server generates it on the first request for the ontology IRI when the
file for the current key is missing, so a changed ontology is never served with stale docs.

pyLODE's own output is kept as it is, with two additions made here: an anchor for each
term's local name (pyLODE derives its anchors from labels, so ``def#ParticipantTally``
would otherwise land nowhere), and, when served, a short navigation bar back to the site.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import logging
import re
import sys
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from r2p_graph.config import Settings
from r2p_graph.ids import Minter
from r2p_graph.pipeline.build import atomic_write_bytes

log = logging.getLogger("r2p_graph.docs")

#: Bump when the post-processing below changes, so cached pages are regenerated.
POSTPROCESS_VERSION = "1"

_lock = threading.Lock()
_memory: dict[str, str] = {}
# Docs that could not be made, by key: not tried again on every request (pyLODE takes
# seconds to fail), logged once.
_failed: dict[str, OSError] = {}


def _pylode_version() -> str:
    try:
        return version("pylode")
    except PackageNotFoundError:
        return "missing"


def docs_key(settings: Settings) -> str:
    """Hash of everything the generated page depends on."""
    digest = hashlib.sha256()
    digest.update(settings.ontology_file.read_bytes())
    digest.update(f"pylode={_pylode_version()};post={POSTPROCESS_VERSION}".encode())
    digest.update(settings.base_iri.encode())
    return digest.hexdigest()[:20]


def docs_path(settings: Settings) -> Path:
    """Where the page for the current ontology is (or will be) cached."""
    return settings.cache_dir / "docs" / f"r2p-ontology-{docs_key(settings)}.html"


def generate(settings: Settings) -> str:
    """Run pyLODE (OntPub profile) on the ontology file and post-process its HTML."""
    try:
        from pylode.profiles.ontpub import OntPub  # heavy; only when the docs are (re)made
    except ImportError as exc:  # pragma: no cover - pylode is a dependency
        raise RuntimeError(
            "pyLODE is not installed; `pip install -e .` installs it (see pyproject.toml)"
        ) from exc
    page = OntPub(str(settings.ontology_file)).make_html()
    return add_term_anchors(str(page), Minter(settings.base_iri).vocab)


_ENTITY = re.compile(r'<div class="[^"]*\bentity\b[^"]*" id="([^"]+)">')
_CODE_IRI = re.compile(r"<code>([^<]+)</code>")


def add_term_anchors(page: str, vocab: str) -> str:
    """Give every term section an anchor named after the term's local name, so that
    ``{base}def#ParticipantTally`` opens at that term (pyLODE names it "Participanttally")."""
    existing = set(re.findall(r'\bid="([^"]+)"', page))
    out: list[str] = []
    position = 0
    for match in _ENTITY.finditer(page):
        code = _CODE_IRI.search(page, match.end(), match.end() + 1500)
        if not code:
            continue
        iri = html.unescape(code.group(1))
        if not iri.startswith(vocab):
            continue
        local = iri[len(vocab) :]
        if not local or local in existing:
            continue
        existing.add(local)
        out.append(page[position : match.end()])
        out.append(f'<span id="{html.escape(local, quote=True)}"></span>')
        position = match.end()
    out.append(page[position:])
    return "".join(out)


def build_docs(settings: Settings, *, force: bool = False, out: Path | None = None) -> Path:
    """Generate the documentation page into the cache (when missing, or always with
    ``force``) and return its path; with ``out``, also copy it there."""
    target = docs_path(settings)
    with _lock:
        if force or not target.is_file():

            log.info("generating the ontology documentation with pyLODE into %s", target)
            atomic_write_bytes(target, generate(settings).encode("utf-8"))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(target.read_bytes())
        return out
    return target


def ontology_html(settings: Settings, site_root: str = "") -> str:
    """The documentation page to serve, with a navigation bar back to ``site_root``;
    ``OSError`` (remembered, logged once) when pyLODE cannot make it."""
    key = docs_key(settings)
    cached = _memory.get(key)
    if cached is None:
        if key in _failed:
            raise _failed[key]
        try:
            cached = build_docs(settings).read_text(encoding="utf-8")
        except OSError as exc:
            # pyLODE writes a cache into its own package folder on first use, which fails
            # where site-packages is read-only (a container's non-root user).
            log.warning("the ontology documentation could not be made (%s); /def shows "
                        "the ontology's resource page instead", exc)
            _failed[key] = exc
            raise
        _memory.clear()
        _memory[key] = cached
    root = html.escape(site_root, quote=True)
    nav = (
        '<nav class="r2p-site" aria-label="Site" style="font:16px/1.4 system-ui,sans-serif;'
        "padding:.5em 1em;background:#0b3d59;color:#fff\">"
        f'<a style="color:#fff;margin-right:1em" href="{root}/">r2p-graph home</a>'
        f'<a style="color:#fff;margin-right:1em" href="{root}/query">Query</a>'
        f'<a style="color:#fff;margin-right:1em" href="{root}/def?format=ttl">'
        "This ontology in Turtle</a>"
        '<span style="opacity:.85">Generated from ontology/r2p.ttl by pyLODE.</span></nav>'
    )
    page = cached.replace("<body>", "<body>" + nav, 1)
    if "<html>" in page:
        page = page.replace("<html>", '<html lang="en">', 1)
    return page


def main(argv: list[str] | None = None) -> int:
    """``python -m r2p_graph.ontology_docs [--out FILE] [--force]``."""
    parser = argparse.ArgumentParser(
        prog="r2p-graph docs",
        description="Generate the ontology documentation (pyLODE) into the build cache.",
    )
    parser.add_argument("--out", type=Path, help="also write the page to this file")
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    path = build_docs(settings, force=args.force, out=args.out)
    print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
