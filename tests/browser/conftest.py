"""Browser fixtures: the app on one real threaded server per session (its own PostgreSQL database,
CSRF on, as in production), Debian's Chromium driven by Playwright (sync API), and the `journey`
helper that screenshots every main page, runs axe-core on it and, in English, looks for Dutch
interface text that was left untranslated. Under CI=true a missing Chromium fails, never skips."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import CI, _fresh_g_per_request, create_pg_database, drop_pg_database, pg_available, require_service
from live_server import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
LANGS = ["nl", "en"]
BLOCKING = ("serious", "critical")
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


# -- the app, served once per session -------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_available():
    """Checked first, so a machine without Chromium skips (or, under CI, fails) before any setup."""
    require_service("Chromium (/usr/bin/chromium)", os.path.exists(CHROMIUM))


@pytest.fixture(scope="session")
def browser_database_url(chromium_available, tmp_path_factory):
    """A database of the browser tests' own: other tests truncate theirs, these share data."""
    if pg_available():
        name = create_pg_database("draagvlak_browser")
        yield f"{os.environ.get('TEST_PG_SERVER', 'postgresql+psycopg://postgres@127.0.0.1:5432')}/{name}"
        drop_pg_database(name)
    else:
        if CI:
            pytest.fail("PostgreSQL (127.0.0.1:5432) is niet bereikbaar en CI=true.")
        yield f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite'}"


@pytest.fixture(scope="session")
def live_app(browser_database_url, tmp_path_factory):
    """The app the live server runs; tests use it in-process (`in_app`) to prepare data."""
    from app import create_app
    from app.extensions import db

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": browser_database_url,
            "WTF_CSRF_ENABLED": True,
            "REPORT_DIR": str(tmp_path_factory.mktemp("reports")),
        },
    )
    _fresh_g_per_request(app)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the app served for real on 127.0.0.1:<free port>; links in mails point here."""
    with serve(live_app) as url:
        live_app.config["PUBLIC_BASE_URL"] = url
        yield url


@pytest.fixture
def in_app(live_app):
    """`with in_app():` runs code in the live app's context (its database session is removed after)."""
    from app.extensions import db

    @contextmanager
    def context():
        with live_app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    return context


@pytest.fixture(scope="session")
def simulated_demo(live_app):
    """The demo traject filled by `demo simulate` (in-process, against the live server's database),
    recomputed by the eager Celery task: the bestuurder's and the regisseur's results journeys share
    it. Returns the traject id and the questionnaire id per template."""
    from app.extensions import db
    from app.jobs import enqueue_recompute
    from app.services import indicators, simulation
    from app.services.demo import load_demo

    with live_app.app_context():
        traject, _ = load_demo()
        db.session.commit()
        result = simulation.simulate(traject, 470, seed=3)  # the case's proportions, as `demo simulate`
        indicators.mark_stale(traject.id)
        db.session.commit()
        job = enqueue_recompute(traject.id)
        assert job.state == "done", job.message
        assert indicators.latest_snapshot(traject.id) is not None
        data = {"traject_id": traject.id, "questionnaires": dict(result.questionnaires)}
        db.session.remove()
    return data


# -- the browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(chromium_available):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        require_service("Playwright (python)", False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """new_context(phone=False, lang='nl') → a fresh browser context; all are closed afterwards."""
    contexts = []

    def factory(phone: bool = False, lang: str = "nl", **options):
        context = browser.new_context(
            **(PHONE if phone else DESKTOP), locale="en-GB" if lang == "en" else "nl-NL", **options
        )
        # 45 s: publishing a version renders its PDF and signing recomputes in the request (Celery
        # eager); with two test workers on two cores that can pass 15 s. A real hang still fails.
        context.set_default_timeout(45_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_context):
    return lambda: new_context(phone=True)


@pytest.fixture
def desktop(new_context):
    return new_context()


# -- translations: expected labels and untranslated text --------------------------------------------


@pytest.fixture(scope="session")
def translate(live_app):
    """translate(lang, msgid, **values) → the interface text as the app renders it in `lang`."""
    from flask_babel import force_locale, gettext

    def t(lang: str, msgid: str, **values) -> str:
        with live_app.test_request_context("/"), force_locale(lang):
            return gettext(msgid, **values)

    return t


@pytest.fixture(scope="session")
def dutch_interface_text():
    """Dutch msgids (without placeholders, long enough to be unambiguous) whose English differs."""
    from babel.messages.pofile import read_po

    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    texts = set()
    for message in catalog:
        if not message.id or message.pluralizable or "%(" in message.id:
            continue
        if len(message.id) >= 12 and message.string and message.string != message.id:
            texts.add(message.id)
    return sorted(texts, key=len, reverse=True)


# -- the journey helper -----------------------------------------------------------------------------


class Journey:
    """One user's journey in one language: numbered screenshots, axe-core and language checks on
    every main page. Violations are collected and reported together by `finish()`."""

    def __init__(self, name: str, lang: str, axe_source: str, dutch_texts: list[str]):
        self.name, self.lang = name, lang
        self.folder = SCREENSHOTS / name / lang
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.axe_source = axe_source
        self.dutch_texts = dutch_texts
        self.step = 0
        self.problems: list[str] = []

    def page(self, page, name: str) -> None:
        """A main page: check its language, screenshot it and run axe-core."""
        page.wait_for_load_state("load")
        self.step += 1
        label = f"{self.step:02d}-{name}"
        html_lang = page.evaluate("document.documentElement.lang")
        if html_lang != self.lang:
            self.problems.append(f"{label} ({page.url}): <html lang={html_lang!r}>, verwacht {self.lang!r}")
        page.screenshot(path=str(self.folder / f"{label}.png"), full_page=True)
        self._axe(page, label)
        if self.lang == "en":
            self._untranslated(page, label)

    def _axe(self, page, label: str) -> None:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(self.axe_source)
        violations = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.slice(0, 8).map(n => ({target: n.target.join(' '), summary: n.failureSummary,
                                                     html: n.html.slice(0, 200)}))}));
        }""")
        for v in violations:
            if v["impact"] in BLOCKING:
                nodes = "\n".join(
                    f"      - {n['target']}: {n['html']}\n        {n['summary']}".replace("\n", "\n        ")
                    for n in v["nodes"]
                )
                self.problems.append(
                    f"{label} ({page.url}): axe {v['impact']} {v['id']}: {v['help']}\n    {v['helpUrl']}\n{nodes}"
                )

    def _untranslated(self, page, label: str) -> None:
        # Text nodes outside elements marked as another language (a Dutch mail body has lang="nl").
        text = page.evaluate("""() => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const parts = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const owner = node.parentElement.closest('[lang]');
                const tag = node.parentElement.tagName;
                if (tag === 'SCRIPT' || tag === 'STYLE' || (owner && !owner.lang.startsWith('en'))) continue;
                parts.push(node.textContent.replace(/\\s+/g, ' ').trim());
            }
            return parts.filter(Boolean).join('\\n');
        }""")
        found = []
        for dutch in self.dutch_texts:
            match = re.search(r"(?<!\w)" + re.escape(dutch) + r"(?!\w)", text)
            if match:
                found.append(text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " | "))
        if found:
            self.problems.append(
                f"{label} ({page.url}): Nederlandse interfacetekst in het Engels:\n      " + "\n      ".join(found[:8])
            )

    def finish(self) -> None:
        assert not self.problems, f"{self.name}/{self.lang}: " + "\n".join(self.problems)


@pytest.fixture(scope="session")
def axe_source():
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def journey(axe_source, dutch_interface_text):
    """journey(name, lang) → a Journey; call .page(page, name) on every main page, .finish() at the end."""
    return lambda name, lang: Journey(name, lang, axe_source, dutch_interface_text)


@pytest.fixture(scope="session")
def switch_language():
    """switch_language(page, lang): the header link (→ /taal/en), as a user would; Dutch is the default."""

    def switch(page, lang: str) -> None:
        if lang == "en":
            page.get_by_role("link", name="English").click()
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.lang") == "en"

    return switch


@pytest.fixture(scope="session")
def login(live_server, translate, switch_language):
    """login(page, email, password, lang, trip=None): the login page, in `lang`, with the header's language link."""

    def log_in(page, email: str, password: str, lang: str, trip=None) -> None:
        page.goto(f"{live_server}/login")
        switch_language(page, lang)
        if trip is not None:
            trip.page(page, "inloggen")
        page.get_by_label(translate(lang, "E-mailadres")).fill(email)
        page.get_by_label(translate(lang, "Wachtwoord"), exact=True).fill(password)
        page.get_by_role("button", name=translate(lang, "Inloggen")).click()
        page.wait_for_load_state("load")

    return log_in
