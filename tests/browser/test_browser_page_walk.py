"""Journey 6, every page of every role: the app's GET routes are collected from its URL map, their ids
filled in from the simulated demo (so a new page is walked without touching this test), and each page
is opened as the regisseur, a bestuurder and the Hoofd ICT, and the respondent's pages through a
personal link — on a desktop and on a 390 px phone. On every page: no horizontal overflow on the
phone (the page is never wider than the screen), axe-core without serious or critical violations
(which includes *scrollable-region-focusable*: every region that scrolls is reachable by keyboard),
and no internal code on screen (snake_case identifiers such as template keys, audit actions or rule
codes, or hex fingerprints). Screenshots land in artifacts/screenshots/6-alle-paginas/."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.results.findings import DETAIL_PARTS
from app.services.demo import BOARD_PASSWORD, LEAD, REGISSEUR, board_email

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "6-alle-paginas"
PHONE_WIDTH = 390
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "telefoon": {"viewport": {"width": PHONE_WIDTH, "height": 844}, "is_mobile": True, "has_touch": True},
}
# Pages that only change state or answer with a file are not walked: the last path part of a file
# route holds a dot (export.<fmt>, links.csv, <job_id>.json); these endpoints are not pages to read.
NOT_PAGES = {"static", "main.language", "auth.reset", "auth.reset_request", "auth.login"}
# Visible text that is an internal code: snake_case identifiers (ict_foto, questionnaire_publish)
# or long hex fingerprints. Mail addresses and URLs are removed before the check.
INTERNAL_CODE = re.compile(r"(?<![\w@./-])(?:[a-z]+(?:_[a-z0-9]+)+|[0-9a-f]{16,})(?![\w@/-])")


def walked_routes(app) -> list:
    """The GET routes that are pages: not the API, not static files or downloads, not login/language."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.rule.startswith("/api/"):
            continue
        if "." in rule.rule.rsplit("/", 1)[-1]:
            continue
        rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def _ids(in_app, demo: dict, live_server: str) -> dict:
    """Ids from the demo for every route argument: the traject, its first school, every
    questionnaire (with its first section and question), an advice version (published here when
    the demo has none) and, per questionnaire, a fresh respondent's personal link."""
    from respond_builders import gen_participant

    from app.extensions import db
    from app.models import Questionnaire, Traject, User
    from app.models.advice import AdviceVersion
    from app.services import advice_versions
    from app.services import questionnaires as questionnaire_service
    from app.services.participants import allowed_roles

    with in_app():
        traject = db.session.get(Traject, demo["traject_id"])
        version = db.session.scalar(
            select(AdviceVersion).where(AdviceVersion.traject_id == traject.id).order_by(AdviceVersion.number.desc())
        )
        if version is None:
            regisseur = db.session.scalar(select(User).where(User.email == REGISSEUR["email"]))
            version = advice_versions.publish(traject, regisseur, note="Voor de paginawandeling.", confirm_gaps=True)
            db.session.commit()
        # A draft beside the demo's published questionnaires: its editor pages (sections, questions,
        # settings, publishing) are walked too.
        draft = db.session.scalar(
            select(Questionnaire).where(Questionnaire.traject_id == traject.id, Questionnaire.status == "draft")
        )
        if draft is None:
            draft = questionnaire_service.create_from_template(traject, "ict_foto")
            db.session.commit()
        # The stakeholder pages need one of each: a stakeholder, an activity, a concern, a plan item.
        from app.models.stakeholders import CommunicationItem, Concern, Engagement, Stakeholder
        from app.services import concerns as concern_service
        from app.services import engagements as engagement_service
        from app.services import stakeholders as stakeholder_service

        def first(model):
            return db.session.scalar(select(model).where(model.traject_id == traject.id).order_by(model.id))

        if first(Stakeholder) is None:
            board = stakeholder_service.add(
                traject, {"name": "Bestuur ZL", "kind": "group", "influence": 5, "interest": 5}
            )
            engagement_service.log(traject, {"date": "2027-01-15", "kind": "information", "topic": "Avond"})
            concern_service.record(traject, {"text": "Verlies van eigen beheer", "domain": "personeel"})
            engagement_service.derive_plan(board)
            db.session.commit()
        stakeholder_ids = {
            "stakeholder_id": first(Stakeholder).id,
            "engagement_id": first(Engagement).id,
            "concern_id": first(Concern).id,
            "item_id": first(CommunicationItem).id,
        }
        questionnaires = []
        for qid in sorted(demo["questionnaires"].values()) + [draft.id]:
            questionnaire = db.session.get(Questionnaire, qid)
            sections = questionnaire.definition["sections"]
            first_question = next(q["key"] for s in sections for q in s.get("questions", []))
            role = allowed_roles(questionnaire)[0]
            _, token = gen_participant(questionnaire, role=role, organisation="ZL")
            questionnaires.append(
                {
                    "qid": qid,
                    "section": sections[0]["key"],
                    "question": first_question,
                    "sections": [s["key"] for s in sections],
                    "token": token,
                }
            )
        return {
            "traject_id": traject.id,
            "organisation_id": traject.organisations[0].id,
            "version_id": version.id,
            "questionnaires": questionnaires,
            **stakeholder_ids,
        }


def _urls(rules, ids: dict) -> list[tuple[str, str]]:
    """(endpoint, path) for every page: a route with a questionnaire is walked for each questionnaire;
    `key` is the first section or question (by the path part before it); a token is a personal link."""
    urls = []
    for rule in rules:
        args = set(rule.arguments)
        if "token" in args:
            continue  # the respondent's pages, walked through personal links
        per_questionnaire = ids["questionnaires"] if args & {"qid", "questionnaire_id"} else [None]
        # The dashboard's detail pages: one walk per part (`<any(...):part>`).
        parts = list(DETAIL_PARTS) if "part" in args else [None]
        for q, part in [(q, part) for q in per_questionnaire for part in parts]:
            values = {
                "traject_id": ids["traject_id"],
                "organisation_id": ids["organisation_id"],
                "version_id": ids["version_id"],
                "revision": 1,
                **{k: ids[k] for k in ("stakeholder_id", "engagement_id", "concern_id", "item_id")},
            }
            if part is not None:
                values["part"] = part
            if q is not None:
                values.update(
                    qid=q["qid"],
                    questionnaire_id=q["qid"],
                    key=q["question"] if "/vragen/<key>" in rule.rule else q["section"],
                )
            unknown = args - set(values)
            assert not unknown, f"{rule.rule}: geen waarde voor {sorted(unknown)}; vul ze aan in _ids()"
            path = rule.rule
            for name in args:
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), path)
            urls.append((rule.endpoint, path))
    return urls


def _respondent_urls(rules, ids: dict) -> list[tuple[str, str]]:
    """Every token route for every questionnaire's personal link; a section route for each section."""
    urls = []
    for q in ids["questionnaires"]:
        for rule in rules:
            if "token" not in rule.arguments:
                continue
            assert set(rule.arguments) <= {"token", "section_key"}, f"{rule.rule}: onbekende argumenten"
            for section in q["sections"] if "section_key" in rule.arguments else [None]:
                path = rule.rule.replace("<token>", q["token"])
                if section is not None:
                    path = path.replace("<section_key>", section)
                urls.append((rule.endpoint, path))
    return urls


def _visible_text(page) -> str:
    return page.evaluate("""() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const parts = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            if (['SCRIPT', 'STYLE', 'TEXTAREA', 'CODE', 'PRE', 'KBD', 'SAMP'].includes(el.tagName)) continue;
            if (el.closest('[hidden], .visually-hidden, code, pre, samp')) continue;
            parts.push(node.textContent);
        }
        return parts.join(' ');
    }""")


def _overflow(page) -> str | None:
    """None, or how far the page is wider than the screen and the widest elements that cause it."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const over = document.documentElement.scrollWidth - width;
        if (over <= 0) return null;
        const culprits = [];
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0) {
                // A scroller clips an absolutely positioned element only when it (or an element
                // between them) is its containing block: a visually hidden caption in a table that
                // scrolls otherwise widens the page.
                let absolute = getComputedStyle(el).position === 'absolute', clipped = false;
                for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                    const s = getComputedStyle(up);
                    const contains = !absolute || s.position !== 'static' || s.transform !== 'none';
                    if (contains && ['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) { clipped = true; break; }
                    if (s.position !== 'static') absolute = false;
                }
                if (!clipped) culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                    `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}` +
                    ` (${Math.round(r.right - width)} px)`);
            }
        }
        return `${over} px breder dan het scherm: ` + culprits.slice(0, 6).join(', ');
    }""")


def _check(page, trip, label: str, device: str, problems: list[str]) -> None:
    page.wait_for_load_state("load")
    if device == "telefoon":
        overflow = _overflow(page)
        if overflow:
            problems.append(f"{label} ({page.url}): {overflow}")
    text = re.sub(r"\S+@\S+|https?://\S+|/\S+", " ", _visible_text(page))
    codes = sorted(set(INTERNAL_CODE.findall(text)))
    if codes:
        problems.append(f"{label} ({page.url}): interne codes op het scherm: {', '.join(codes[:10])}")
    trip.step += 1
    page.screenshot(path=str(trip.folder / f"{trip.step:03d}-{label}.png"), full_page=True)
    trip._axe(page, label)
    if trip.lang == "en":
        trip._untranslated(page, label)  # Dutch interface text left in the English pages


def _walk(page, live_server: str, urls, trip, device: str, *, must_open: bool) -> tuple[list[str], int]:
    """Open every url; a redirect to a page already checked (an editor of a published questionnaire
    leads back to it) is not checked twice."""
    problems, opened, seen = [], 0, set()
    for endpoint, path in urls:
        response = page.goto(live_server + path)
        status = response.status if response is not None else 0
        if status == 403 or (status == 404 and not must_open):
            continue  # not this role's page (bestuurders read and sign, the regisseur writes)
        if status != 200:
            problems.append(f"{endpoint} ({path}): HTTP {status}")
            continue
        if page.url in seen:
            continue
        seen.add(page.url)
        opened += 1
        _check(page, trip, endpoint.replace(".", "-"), device, problems)
    return problems, opened


ROLES = {
    "regisseur": (REGISSEUR["email"], REGISSEUR["password"]),
    "bestuurder": (board_email("ZL"), BOARD_PASSWORD),
    "hoofd-ict": (LEAD["email"], LEAD["password"]),
}


@pytest.fixture(scope="module")
def walk_ids(simulated_demo, live_server, live_app):
    from contextlib import contextmanager

    from app.extensions import db

    @contextmanager
    def context():
        with live_app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    return _ids(context, simulated_demo, live_server)


@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_fits_and_passes_axe(
    role, device, walk_ids, live_app, live_server, new_context, journey, login
):
    """Logged in as `role`: every traject, questionnaire and advice-version page that the role may open."""
    trip = journey(f"{JOURNEY}/{role}", device)
    page = _page(new_context, device)
    login(page, *ROLES[role], "nl")
    urls = _urls(walked_routes(live_app), walk_ids)
    problems, opened = _walk(page, live_server, urls, trip, device, must_open=role == "regisseur")
    problems += trip.problems
    # The regisseur opens every page (a failed one is in `problems`); the others at least the
    # trajects list, the traject, its results and the advice pages.
    assert opened >= 4, f"{role}: {opened} van {len(urls)} pagina's geopend"
    assert not problems, f"{role}/{device}: {len(problems)} problemen:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ["regisseur", "bestuurder"])
def test_every_page_in_english_on_a_phone(role, walk_ids, live_app, live_server, new_context, journey, login):
    """The same walk in English on the phone: also no Dutch interface text left untranslated."""
    trip = journey(f"{JOURNEY}/{role}", "en")
    page = _page(new_context, "telefoon")
    login(page, *ROLES[role], "en")
    urls = _urls(walked_routes(live_app), walk_ids)
    problems, opened = _walk(page, live_server, urls, trip, "telefoon", must_open=role == "regisseur")
    problems += trip.problems
    assert opened >= 4, f"{role}: {opened} van {len(urls)} pagina's geopend"
    assert not problems, f"{role}/en: {len(problems)} problemen:\n" + "\n".join(problems)


@pytest.mark.parametrize("device", list(DEVICES))
def test_every_respondent_page_fits_and_passes_axe(device, walk_ids, live_app, live_server, new_context, journey):
    """Through a personal link, not logged in: start, every section, review, saved, thanks, opt-out, results."""
    trip = journey(f"{JOURNEY}/respondent", device)
    page = _page(new_context, device)
    urls = _respondent_urls(walked_routes(live_app), walk_ids)
    problems, opened = _walk(page, live_server, urls, trip, device, must_open=False)
    problems += trip.problems
    assert opened >= len(walk_ids["questionnaires"]) * 3, f"{opened} van {len(urls)} pagina's geopend"
    assert not problems, f"respondent/{device}: {len(problems)} problemen:\n" + "\n".join(problems)


def _page(new_context, device: str):
    """A page in a fresh context of the device (the fixture's own phone is 375 px; this one is 390)."""
    options = dict(DEVICES[device])
    viewport = options.pop("viewport")
    page = new_context(phone=False, **options).new_page()
    page.set_viewport_size(viewport)
    # The favicon loads after the load event; walking on at once aborts it mid-response, and the
    # live server's half-sent file then surfaces as a ResourceWarning. It plays no part in the checks.
    page.route(
        "**/static/favicon.svg",
        lambda route: route.fulfill(
            status=200, content_type="image/svg+xml", body="<svg xmlns='http://www.w3.org/2000/svg'/>"
        ),
    )
    return page
