"""The benchmarks install with the project's own set-up: every module bench/ imports is the standard
library, the project, another bench module, or a declared dependency (pyproject.toml) that is installed."""

import ast
import importlib.util
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"app", "analysis", "surveys", "worker", "config", "topology"}
# Import name -> distribution name where they differ.
DISTRIBUTION = {"sqlalchemy": "sqlalchemy", "yaml": "pyyaml", "psycopg": "psycopg"}


def _imports() -> set[str]:
    names = set()
    for path in (ROOT / "bench").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_every_import_of_the_benchmarks_is_declared_and_installed():
    bench_modules = {p.stem for p in (ROOT / "bench").glob("*.py")}
    third_party = sorted(n for n in _imports() - LOCAL - bench_modules if n not in sys.stdlib_module_names)
    assert "requests" in third_party  # the benchmarks drive the app over HTTP
    undeclared = [n for n in third_party if DISTRIBUTION.get(n, n).lower() not in _declared()]
    assert undeclared == [], f"bench/ imports packages pyproject.toml does not declare: {undeclared}"
    missing = [n for n in third_party if importlib.util.find_spec(n) is None]
    assert missing == [], f"not installed by `make install-test`: {missing}"
