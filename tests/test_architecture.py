"""The import rules of ARCHITECTURE.md, read from the source with ``ast``.

Every import counts: module level, function-local (lazy) and ``if TYPE_CHECKING:``
alike, because a lazy import hides a dependency without removing it.

    config, ids, vocab      the foundation: each other only
    pipeline/               the foundation (never store/ nor web/)
    store/                  the foundation (never pipeline/ nor web/)
    web/                    the foundation, store/, queries, ontology_docs; pipeline/ only
                            in the app factory (app.py) and serve.py, which build and
                            then open the store

See ARCHITECTURE.md.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "r2p_graph"
MAX_LINES = 700
FOUNDATION = {"r2p_graph", "r2p_graph.config", "r2p_graph.ids", "r2p_graph.vocab"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # ``from pkg import mod`` imports the submodule; ``from mod import name`` the module.
            targets = [
                f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix
                for alias in node.names
            ]
        for target in targets:
            while target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in MODULES and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read() -> None:
    assert "r2p_graph.pipeline.build" in GRAPH
    assert "r2p_graph.store.factory" in GRAPH["r2p_graph.web.app"]


def test_no_import_cycles() -> None:
    assert _cycles() == []


#: What each layer may import besides itself and the foundation.
MAY_IMPORT = {
    "r2p_graph.pipeline": (),
    "r2p_graph.store": (),
    "r2p_graph.web": ("r2p_graph.store", "r2p_graph.queries", "r2p_graph.ontology_docs"),
}
#: The modules that compose the layers: they build, then open the store.
COMPOSERS = {"r2p_graph.web.app", "r2p_graph.web.serve"}


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_each_layer_imports_only_what_is_left_of_it(package: str) -> None:
    allowed = (package, *MAY_IMPORT[package])
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if _in(module, package)
        for target in targets
        if target not in FOUNDATION
        and not any(_in(target, a) for a in allowed)
        and not (module in COMPOSERS and target == "r2p_graph.pipeline.build")
    )
    assert wrong == []


def test_the_store_never_imports_the_pipeline() -> None:
    assert not any(
        _in(target, "r2p_graph.pipeline")
        for module, targets in GRAPH.items()
        if _in(module, "r2p_graph.store")
        for target in targets
    )


def test_the_foundation_imports_only_the_foundation() -> None:
    wrong = sorted(
        f"{module} -> {target}"
        for module in FOUNDATION & GRAPH.keys()
        for target in GRAPH[module]
        if target not in FOUNDATION
    )
    assert wrong == []


def test_no_module_over_700_lines() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


# A query written in Python reads like ``SELECT ?x`` / ``CONSTRUCT {`` / ``WHERE {``.
_SPARQL_TEXT = re.compile(
    r"\b(SELECT\s+(DISTINCT\s+|REDUCED\s+)?[?*(]|CONSTRUCT\s*\{|ASK\s*\{|WHERE\s*\{)"
)


def _string_parts(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant of a module but its docstrings, f-strings' literal parts
    included."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_the_site_writes_no_sparql_in_python() -> None:
    """Pages, charts and the service description run ``.rq`` files from queries/ (the
    page fills their ``VALUES ?var { }`` blocks); no SPARQL is assembled in web/."""
    found = sorted(
        f"{name}:{line}"
        for name, path in MODULES.items()
        if _in(name, "r2p_graph.web")
        for line, text in _string_parts(ast.parse(path.read_text(encoding="utf-8")))
        if _SPARQL_TEXT.search(text)
    )
    assert found == []


def test_namespaces_are_written_in_vocab_only() -> None:
    """Every namespace IRI (and the default base) is spelled once, in ``vocab.py``."""
    from r2p_graph import vocab

    spelled = {v for k, v in vars(vocab).items() if k.isupper() and isinstance(v, str)}
    found = sorted(
        f"{name}:{line}"
        for name, path in MODULES.items()
        if name != "r2p_graph.vocab"
        for line, text in _string_parts(ast.parse(path.read_text(encoding="utf-8")))
        if any(namespace in text for namespace in spelled)
    )
    assert found == []
