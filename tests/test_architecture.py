"""Imports point one way: analysis and surveys load no web/ORM/queue code; app never imports worker."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("flask", "sqlalchemy", "celery", "flask_sqlalchemy", "kombu")


def test_analysis_and_surveys_load_without_flask_sqlalchemy_or_celery():
    code = (
        "import sys, pkgutil, importlib\n"
        "import analysis, surveys\n"
        "for pkg in (analysis, surveys):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_app_never_imports_worker_statically():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "app").rglob("*.py")
        if any(n == "worker" or n.startswith("worker.") for n in _imported_modules(p))
    ]
    assert offenders == []


def test_analysis_and_surveys_import_no_framework_statically():
    offenders = []
    for package in ("analysis", "surveys"):
        for path in (ROOT / package).rglob("*.py"):
            for name in _imported_modules(path):
                if name.split(".")[0] in FORBIDDEN + ("app", "worker"):
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_migrations_never_import_app_code():
    """A migration freezes what it needs: the app's code (a word list, a helper) may change after it ran."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "migrations" / "versions").glob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] in ("app", "worker", "analysis", "surveys")
    ]
    assert offenders == []


def test_creating_the_app_does_not_load_worker():
    code = (
        "import sys; from app import create_app; create_app('testing');"
        "print([m for m in sys.modules if m == 'worker' or m.startswith('worker.')])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- layers inside app ---------------------------------------------------------------------------
# Blueprint packages hold the edge (routes, forms, views); services hold the rules and own the
# transaction; the edge calls services, never the other way round (docs/architecture.md).
BLUEPRINTS = ("api", "auth", "main", "trajects", "questionnaires", "distribution", "respond", "results", "stakeholders")
# What only a request handler may touch: the request, the session and flash messages.
REQUEST_ONLY = ("request", "session", "flash")


def _imports_with_names(path: Path) -> list[tuple[str, set[str]]]:
    """(module, imported names) for every absolute import in `path`, also inside functions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, set()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, {alias.name for alias in node.names}))
    return found


def _is_blueprint_module(module: str) -> bool:
    parts = module.split(".")
    return len(parts) >= 2 and parts[0] == "app" and parts[1] in BLUEPRINTS


def test_services_never_import_blueprints_or_the_request():
    offenders = []
    for path in sorted((ROOT / "app" / "services").rglob("*.py")):
        for module, names in _imports_with_names(path):
            if _is_blueprint_module(module):
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
            if module == "flask" and names & set(REQUEST_ONLY):
                offenders.append(f"{path.relative_to(ROOT)}: flask.{sorted(names & set(REQUEST_ONLY))}")
    assert offenders == []


def test_results_logic_never_imports_route_modules():
    # views, charts, report, format: the results package's logic is used by the API and the worker
    # too, so it must not pull in any blueprint's routes (nor their request handling).
    offenders = []
    for path in sorted((ROOT / "app" / "results").rglob("*.py")):
        if path.name.endswith("routes.py") or path.name == "__init__.py":
            continue
        for module, _names in _imports_with_names(path):
            if _is_blueprint_module(module) and module.split(".")[-1].endswith("routes"):
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []


def test_no_module_outside_a_blueprint_imports_route_modules():
    # Models, services, security, jobs and the CLI sit below the blueprints.
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        relative = path.relative_to(ROOT / "app").parts
        if relative[0] in BLUEPRINTS or relative[0] == "__init__.py":
            continue
        for module, _names in _imports_with_names(path):
            if _is_blueprint_module(module):
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []


def test_the_layer_check_sees_a_violation(tmp_path):
    # The checks above parse imports; make sure they catch both forms they look for.
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import request\ndef f():\n    from app.results.routes import x\n")
    found = _imports_with_names(bad)
    assert ("flask", {"request"}) in found
    assert any(_is_blueprint_module(m) and m.endswith("routes") for m, _ in found)


# Task entry points that live beside a blueprint and own their own transaction (a worker runs them).
COMMITS_OUTSIDE_REQUESTS = {"app/results/report.py"}  # build_files: the report task's batch


def test_routes_commit_only_through_app_actions():
    # One place commits a request's transaction (app/actions.py: run_action, api_action, commit):
    # a route that called db.session.commit() itself could commit half a refused change.
    offenders = []
    for package in BLUEPRINTS:
        for path in sorted((ROOT / "app" / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative in COMMITS_OUTSIDE_REQUESTS:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=relative)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "commit"
                    and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr == "session"
                ):
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
