"""The house's layout holds: data flows one way (no module imports one that imports it back), and
the CLI stays a thin skin over the library (it parses options, makes one call and renders)."""

from __future__ import annotations

import ast
from pathlib import Path

import toolkit

PACKAGE = Path(toolkit.__file__).resolve().parent


def _module(path: Path) -> str:
    parts = ["toolkit", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The toolkit modules `path` imports, at its top or inside its functions; imports under
    `if TYPE_CHECKING:` are for the type checker only and run never."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.update(f"{base}.{alias.name}" for alias in node.names)  # a module, or a name in `base`
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    deps = set()
    for target in found:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name and not (path.name == "__init__.py" and target.startswith(name + ".")):
            deps.add(target)
    return deps


def import_graph() -> dict[str, set[str]]:
    files = list(PACKAGE.rglob("*.py"))
    modules = {_module(path) for path in files}
    return {_module(path): _imports(path, modules) for path in files}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected sets of two or more modules (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, edges = work[-1]
            for edge in edges:
                if edge not in index:
                    index[edge] = low[edge] = len(index)
                    stack.append(edge)
                    work.append((edge, iter(sorted(graph[edge]))))
                    break
                if edge in stack:
                    low[node] = min(low[node], index[edge])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        members.append(member)
                        if member == node:
                            break
                    if len(members) > 1:
                        found.append(sorted(members))
    return found


def test_no_import_circle():
    """Review finding: nine modules imported each other in a circle (cache, checker, config,
    findings, outputs, pieces, readers, speakers, validate)."""
    assert circles(import_graph()) == []


def test_the_circle_check_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    graph["toolkit.records"].add("toolkit.cli")  # records would reach back up to the CLI
    assert any({"toolkit.records", "toolkit.cli"} <= set(circle) for circle in circles(graph))


def test_the_cli_is_a_thin_skin():
    """Options parsed, one call made, what comes back rendered (renderers live in `report`)."""
    cli = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    assert len(cli.splitlines()) <= 450
    assert "find_settings" not in cli and "load_config" not in cli, "settings are resolved by Dataset.open"
    graph = import_graph()
    assert graph["toolkit.cli"] <= {"toolkit.commands", "toolkit.dataset", "toolkit.errors", "toolkit.options",
                                    "toolkit.report", "toolkit.fmt", "toolkit.migrate", "toolkit.init",
                                    "toolkit.imports", "toolkit.counting"}


def test_nothing_but_the_dataset_searches_for_the_settings():
    """claims.yaml and speakers.yaml are found by one upward search (`Dataset.open`)."""
    graph = import_graph()
    searching = {name for name, deps in graph.items() if "toolkit.dataset" in deps and name != "toolkit"}
    for path in PACKAGE.rglob("*.py"):
        if _module(path) != "toolkit.dataset":
            assert "find_settings(" not in path.read_text(encoding="utf-8"), path
    assert "toolkit.readers" not in searching and "toolkit.speakers" not in searching
