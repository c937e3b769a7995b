"""The shape of the code (docs/architecture.md), checked: layers, import cycles, one place per rule.

- Casework is the lower layer: no module or template of casework imports or loads the orders
  app; orders reaches casework's pages, file format and API through ``casework.extensions``.
- No import cycle inside the project, lazy imports included, except Celery tasks' lazy imports
  (a service enqueues a task that calls the service back).
- Every "may this user see / do this" function lives in an app's ``permissions`` module.
- The extension points are filled in by the orders app when it is ready.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("casework", "orders", "accounts", "config")
ACCESS_RULE = re.compile(r"^(can_|may_|check_may_|get_\w+_for_user$|\w+_visible_to$)")


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(path: Path) -> Iterator[tuple[str, bool]]:
    """Each project module ``path`` imports, and whether the import is lazy (inside a function or block).

    Imports under ``if TYPE_CHECKING:`` are left out: they never run.
    """
    tree = ast.parse(path.read_text())
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        lazy = node.col_offset > 0
        for name in names:
            if name.split(".")[0] not in APPS:
                continue
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name:
                yield name, lazy


def test_casework_never_imports_orders() -> None:
    offenders = [
        f"{module} imports {target}"
        for module, path in MODULES.items()
        if module.startswith("casework")
        for target, _lazy in _imports(path)
        if target.startswith("orders")
    ]
    assert offenders == []


def test_casework_templates_never_reach_orders() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates" / "casework").rglob("*.html")
        if re.search(r"{%\s*load\b[^%]*\borders_tags\b|{%\s*(include|extends)\s+[\"']orders/", path.read_text())
    ]
    assert offenders == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of the import graph (Tarjan), tasks' lazy imports left out."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for target, lazy in _imports(path):
            celery_task = lazy and (target.endswith(".tasks") or module.endswith(".tasks"))
            if target != module and not celery_task:
                edges[module].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(edges[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    return found


def test_there_is_no_import_cycle_but_celery_tasks_lazy_imports() -> None:
    assert _cycles() == []


def test_the_cycle_check_finds_a_cycle() -> None:
    # The check above is only worth something if it can fail: orders.tasks and the services it
    # calls import each other lazily, a cycle it is told to allow.
    tasks_imports = {target for target, lazy in _imports(MODULES["orders.tasks"]) if lazy}
    assert "orders.documents.services" in tasks_imports
    assert any(target == "orders.tasks" for target, lazy in _imports(MODULES["orders.documents.services"]) if lazy)


def _delegates(function: ast.FunctionDef, rules: set[str]) -> bool:
    """Whether the function only returns what a permissions function says (a template filter's adapter)."""
    body = [node for node in function.body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    return (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, ast.Call)
        and isinstance(body[0].value.func, ast.Name)
        and body[0].value.func.id in rules
    )


@pytest.mark.parametrize("app", ["casework", "orders"])
def test_access_rules_live_only_in_the_permissions_module(app: str) -> None:
    offenders = []
    for module, path in MODULES.items():
        if not module.startswith(app) or module == f"{app}.permissions":
            continue
        tree = ast.parse(path.read_text())
        rules = {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".permissions")
            for alias in node.names
        }
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and ACCESS_RULE.match(node.name) and not _delegates(node, rules):
                offenders.append(f"{module}.{node.name}")
    assert offenders == []


def test_orders_fills_in_casework_extension_points() -> None:
    from casework.extensions import case_format_sections, investigation_api, investigation_panels

    assert [key for key, _section in case_format_sections.items()] == ["orders", "clocks"]
    assert [key for key, _panel in investigation_panels.items()] == ["orders", "clocks", "timeline"]
    assert [key for key, _extension in investigation_api.items()] == ["orders"]


def test_a_registry_refuses_a_key_twice_and_can_leave_one_out() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from casework.extensions import Registry

    registry: Registry[int] = Registry("numbers")
    registry.register("one", 1)
    registry.register("two", 2)
    with pytest.raises(ImproperlyConfigured, match="'one' is registered twice"):
        registry.register("one", 3)
    with registry.without("one"):
        assert list(registry) == [2]
    assert list(registry) == [1, 2]
