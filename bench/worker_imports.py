"""What a web worker holds at rest: RSS of `create_app('production')` attributed to the packages it imports.

Run: `.venv/bin/python bench/worker_imports.py [--top 25]` (no database needed: the app is only built
and asked for `/api/v1/health`, as gunicorn's worker is before its first real request).

Every module's execution is timed in RSS: a module's own share is the growth while its body ran,
less what the modules it imported added. Shares are summed per top-level package. RSS is pages
touched, so the shares are approximate (a later module may touch a page an earlier one mapped);
their sum is the worker's growth over the bare interpreter. Prints the table and, as its last line,
one JSON object: `start_mb`, `rest_mb` and `packages` (MB per package, largest first).
"""

from __future__ import annotations

import argparse
import collections
import importlib.abc
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576


class _Measured(importlib.abc.Loader):
    """Wraps a module's loader: its body's RSS growth, less its imports', goes to `own`."""

    own: collections.Counter = collections.Counter()
    _children: list[float] = []

    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name):  # resource readers and the like stay the inner loader's
        return getattr(self.inner, name)

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module) -> None:
        start = rss_mb()
        self._children.append(0.0)
        try:
            self.inner.exec_module(module)
        finally:
            children = self._children.pop()
            grown = rss_mb() - start
            self.own[module.__name__] += grown - children
            if self._children:
                self._children[-1] += grown


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Measured(spec.loader)
                return spec
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    os.environ.setdefault("DRAAGVLAK_ENV", "production")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)
    os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1")
    os.environ.pop("REDIS_URL", None)
    start = rss_mb()
    sys.meta_path.insert(0, _Finder())
    import gunicorn.app.wsgiapp  # noqa: F401 - a gunicorn worker has it too

    from app import create_app

    create_app().test_client().get("/api/v1/health")
    rest = rss_mb()
    packages: collections.Counter = collections.Counter()
    for name, mb in _Measured.own.items():
        packages[name.split(".")[0]] += mb
    print(f"bare interpreter {start:.1f} MB, worker at rest {rest:.1f} MB")
    for name, mb in packages.most_common(args.top):
        print(f"{mb:7.1f} MB  {name}")
    heavy = [m for m in ("pandas", "scipy", "numpy", "alembic", "jsonschema") if m in sys.modules]
    print(f"loaded of pandas, scipy, numpy, alembic, jsonschema: {heavy or 'none'}")
    top = {name: round(mb, 1) for name, mb in packages.most_common(args.top)}
    print(json.dumps({"start_mb": round(start, 1), "rest_mb": round(rest, 1), "heavy": heavy, "packages": top}))


if __name__ == "__main__":
    main()
