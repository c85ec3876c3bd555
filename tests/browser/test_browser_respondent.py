"""The respondent on a phone: personal link, half the sections, leave, resume, finish, submit once;
and one section keyboard-only (Tab, Space, Enter)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Response
from app.services.demo import load_demo
from respond_builders import gen_participant, gen_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
AREA = "respondent"


@pytest.fixture
def invitation(app):
    """The demo traject with an open ict_staff questionnaire (from its template) and one invitee."""
    traject, _ = load_demo()
    db.session.commit()
    questionnaire = gen_questionnaire(traject, "ict_staff")
    participant, token = gen_participant(questionnaire, organisation="ZL", email="medewerker@zl.nl",
                                         name="Mia Medewerker")
    return questionnaire, participant, token


def _fill_section(page) -> None:
    """Answer every question on the page with a valid, middle-of-the-road answer."""
    radios = page.eval_on_selector_all("input[type=radio]", "els => [...new Set(els.map(e => e.name))]")
    for name in radios:
        options = page.locator(f"input[type=radio][name='{name}']")
        options.nth(min(3, options.count() - 1)).check()
    boxes = page.eval_on_selector_all("input[type=checkbox]", "els => [...new Set(els.map(e => e.name))]")
    for name in boxes:
        page.locator(f"input[type=checkbox][name='{name}']").first.check()
    for area in page.locator(".q-section textarea").all():
        area.fill("Meer overleg tussen de scholen.")
    for field in page.locator(".q-section input[inputmode=decimal]").all():
        field.fill("1")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _responses() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


def test_phone_respondent_leaves_halfway_resumes_and_submits_once(invitation, live_server, phone, screenshots):
    questionnaire, _, token = invitation
    link = f"{live_server}/v/{token}"
    page = phone().new_page()
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Draagvlak ICT-samenwerking")
    assert page.get_by_text("Uw antwoorden worden zonder uw naam opgeslagen").is_visible()
    assert _no_horizontal_scroll(page)
    screenshots(page, AREA, "01-intro")
    page.get_by_role("link", name="Beginnen").click()

    total = len(questionnaire.definition["sections"])
    half = total // 2
    for step in range(1, half + 1):
        assert page.get_by_text(f"Stap {step} van {total + 1}").is_visible()
        _fill_section(page)
        if step == 1:
            screenshots(page, AREA, "02-eerste-sectie")
        page.get_by_role("button", name="Volgende").click()
    assert page.get_by_text(f"Stap {half + 1} van {total + 1}").is_visible()
    page.close()  # the respondent leaves

    # later, the same link (a fresh browser session: resuming does not rely on cookies)
    page = phone().new_page()
    page.goto(link)
    resume = page.get_by_role("link", name="Verder waar u was")
    assert resume.is_visible()
    screenshots(page, AREA, "03-verder-waar-u-was")
    resume.click()
    assert page.get_by_text(f"Stap {half + 1} van {total + 1}").is_visible()
    for step in range(half + 1, total + 1):
        _fill_section(page)
        if step == total:
            page.get_by_role("button", name="Naar controleren en verzenden").click()
        else:
            page.get_by_role("button", name="Volgende").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Controleren en verzenden"
    assert page.get_by_role("link", name="Wijzigen").count() == total
    assert _no_horizontal_scroll(page)
    screenshots(page, AREA, "04-controleren")
    assert _responses() == 0
    page.get_by_role("button", name="Verzenden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dank u wel"
    screenshots(page, AREA, "05-bedankt")
    assert _responses() == 1

    page.goto(link)
    assert page.get_by_text("U heeft deze vragenlijst al ingevuld — dank u").is_visible()
    screenshots(page, AREA, "06-link-gebruikt")
    # going back to an old page cannot submit again
    page.goto(f"{link}/_controle")
    assert page.get_by_text("al ingevuld").first.is_visible()
    assert _responses() == 1


def _tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until `predicate` (JS on document.activeElement `el`) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"):
            return
    raise AssertionError(f"focus never reached {predicate}")


def test_keyboard_only_section_with_error_summary_focus(invitation, live_server, desktop, screenshots):
    questionnaire, _, token = invitation
    page = desktop.new_page()
    page.goto(f"{live_server}/v/{token}")
    _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Beginnen'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/v/{token}/verandering")

    # Submitting the empty page with the keyboard: the error summary gets the focus.
    _tab_to(page, "el.tagName === 'BUTTON' && el.value === 'volgende'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.id") == "foutoverzicht"
    screenshots(page, AREA, "07-toetsenbord-foutoverzicht")
    # The summary's links lead to the questions.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("#q-")

    section = questionnaire.definition["sections"][0]
    for question in section["questions"]:
        _tab_to(page, f"el.type === 'radio' && el.name === '{question['key']}'")
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.checked")
    screenshots(page, AREA, "08-toetsenbord-ingevuld")
    _tab_to(page, "el.tagName === 'BUTTON' && el.value === 'volgende'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/v/{token}/{questionnaire.definition['sections'][1]['key']}")
    assert page.get_by_text(f"Stap 2 van {len(questionnaire.definition['sections']) + 1}").is_visible()
