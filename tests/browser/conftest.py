"""Browser fixtures: the app on a real threaded server against the test PostgreSQL database, and
Debian's Chromium driven by Playwright (sync API). Under CI=true a missing Chromium fails."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import require_service
from live_server import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def live_server(app, make_app):
    """Base URL of the app served for real (CSRF on, as in production) on 127.0.0.1:<free port>."""
    live = make_app("testing", WTF_CSRF_ENABLED=True)
    with serve(live) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    require_service("Chromium (/usr/bin/chromium)", os.path.exists(CHROMIUM))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        require_service("Playwright (python)", False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A new phone-sized context factory (375×740, touch); every context is closed afterwards."""
    contexts = []

    def factory():
        context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                      has_touch=True, device_scale_factor=2, locale="nl-NL")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def screenshots():
    """Directory for this area's screenshots (gitignored); returns a save(page, name) helper."""

    def save(page, area: str, name: str) -> Path:
        folder = SCREENSHOTS / area
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
