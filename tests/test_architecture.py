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
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py")
                 if any(n == "worker" or n.startswith("worker.") for n in _imported_modules(p))]
    assert offenders == []


def test_analysis_and_surveys_import_no_framework_statically():
    offenders = []
    for package in ("analysis", "surveys"):
        for path in (ROOT / package).rglob("*.py"):
            for name in _imported_modules(path):
                if name.split(".")[0] in FORBIDDEN + ("app", "worker"):
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_creating_the_app_does_not_load_worker():
    code = ("import sys; from app import create_app; create_app('testing');"
            "print([m for m in sys.modules if m == 'worker' or m.startswith('worker.')])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
