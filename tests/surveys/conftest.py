"""Shared setup for the surveys tests: make the checkout's surveys package importable."""

import importlib.util
import pathlib
import sys

if importlib.util.find_spec("surveys") is None:
    # An editable install made before surveys/ existed does not map it; fall back to the checkout.
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import warnings

import pytest


@pytest.fixture(autouse=True, scope="session")
def _quiet_schemathesis_import():
    """Import schemathesis' lazy modules once, quietly, before any test runs.

    Its pytest plugin imports them inside the first test call, where their jsonschema
    DeprecationWarning becomes an error under filterwarnings=error; this is third-party
    noise, not ours. (Doing it at conftest import trips Hypothesis' side-effect check.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import hypothesis_jsonschema._canonicalise  # noqa: F401
            import schemathesis._hypothesis  # noqa: F401
        except ImportError:  # pragma: no cover - schemathesis is a test extra
            pass
    yield
