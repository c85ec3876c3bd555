"""Journey 2, the ICT-medewerker on a phone, keyboard only (Tab, Shift+Tab, Space, Enter and the
arrow keys; no mouse or touch): the personal link, the language link, an empty page that puts the
focus on the error summary, half the sections, "save and continue later", the same link in a fresh
browser ("continue where you left off"), the rest, review, submit once; the link then says it was
used. In Dutch and in English; every main page screenshotted and checked with axe-core."""

from __future__ import annotations

import pytest
from builders import gen_traject, gen_user
from playwright.sync_api import expect
from respond_builders import gen_participant, gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import Response
from surveys.templates import load_template

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "2-ict-medewerker"


@pytest.fixture
def invitation(in_app):
    """A traject with an open ict_staff questionnaire (from its template) and one invitee."""
    with in_app():
        regisseur = gen_user("regisseur", name="Ria Regisseur")
        traject = gen_traject(
            regisseur,
            name="Verkenning ICT-samenwerking Noordoostpolder",
            description="Scholen verkennen samen hun ICT-dienstverlening.",
            organisations=("ZL",),
        )
        questionnaire = gen_questionnaire(traject, "ict_staff")
        participant, token = gen_participant(questionnaire, organisation="ZL", name="Mia Medewerker")
        return questionnaire.id, len(questionnaire.definition["sections"]), token


def _focused(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName, type: el.type || '', name: el.name || '', value: el.value || '', id: el.id || '',
                text: (el.innerText || '').trim(), inputmode: el.getAttribute('inputmode') || '',
                group: el.type === 'radio' ? document.querySelectorAll(`input[type=radio][name="${el.name}"]`).length : 0,
                checked: !!el.checked}; }""")


def _tab_to(page, wanted, limit: int = 120, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until wanted(focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if wanted(_focused(page)):
            return
    raise AssertionError("de focus kwam er met het toetsenbord nooit")


def _press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def _answer_by_keyboard(page) -> None:
    """Answer every question of the section with the keyboard, stopping on the "next" button:
    Space picks the first option of a radio group, arrows move to a middle answer; Space ticks the
    first box of a multiple choice; text is typed."""
    done: set[str] = set()
    for _ in range(600):
        page.keyboard.press("Tab")
        el = _focused(page)
        if el["tag"] == "BUTTON" and el["value"] == "volgende":
            return
        if el["type"] == "radio" and el["name"] not in done:
            done.add(el["name"])
            if not el["checked"]:
                page.keyboard.press("Space")
            for _ in range(min(3, el["group"] - 1)):
                page.keyboard.press("ArrowRight")
            assert _focused(page)["checked"]
        elif el["type"] == "checkbox" and el["name"] not in done:
            done.add(el["name"])
            page.keyboard.press("Space")
        elif el["tag"] == "TEXTAREA" and el["name"] not in done:
            done.add(el["name"])
            page.keyboard.type("Meer overleg tussen de scholen.")
        elif el["inputmode"] == "decimal" and el["name"] not in done:
            done.add(el["name"])
            page.keyboard.type("1")
    raise AssertionError("geen knop 'Volgende' gevonden")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _responses(in_app, questionnaire_id: int) -> int:
    with in_app():
        return db.session.scalar(
            select(func.count()).select_from(Response).where(Response.questionnaire_id == questionnaire_id)
        )


def _open_link(page, link: str, lang: str) -> None:
    page.goto(link)
    if lang == "en" and page.evaluate("document.documentElement.lang") != "en":  # the header's language link
        _tab_to(page, lambda el: el["tag"] == "A" and el["text"] == "English")
        _press_and_wait(page)
    assert page.evaluate("document.documentElement.lang") == lang


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_ict_staff_member_answers_on_a_phone_with_the_keyboard(
    lang, invitation, live_server, phone, journey, translate, in_app
):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    questionnaire_id, total, token = invitation
    title = load_template("ict_staff").title[lang]
    link = f"{live_server}/v/{token}"
    trip = journey(JOURNEY, lang)
    steps = total + 1
    half = total // 2

    def at_step(page, step: int) -> None:
        expect(page.get_by_text(t("Stap %(step)s van %(total)s", step=step, total=steps))).to_be_visible()
        assert _no_horizontal_scroll(page), page.url

    page = phone().new_page()
    _open_link(page, link, lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(
        page.get_by_text(
            t(
                "Uw antwoorden worden zonder uw naam opgeslagen, met alleen de datum (geen tijdstip). "
                "Niemand — ook de regisseur en uw bestuurder niet — kan zien wat u heeft ingevuld: bij "
                "uw uitnodiging staat alleen dát u heeft meegedaan, niet wanneer en niet welke antwoorden "
                "van u zijn. Wie u aan de lijst heeft toegevoegd, ziet niet of u heeft ingevuld; het "
                "systeem weet het alleen om u geen herinnering te sturen."
            )
        )
    ).to_be_visible()
    assert _no_horizontal_scroll(page)
    trip.page(page, "uitleg")
    _tab_to(page, lambda el: el["tag"] == "A" and el["text"] == t("Beginnen"))
    _press_and_wait(page)

    # "Next" on an empty page: the error summary gets the focus, its links lead to the questions
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["value"] == "volgende")
    _press_and_wait(page)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'foutoverzicht'")
    trip.page(page, "foutoverzicht")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("#q-")

    for step in range(1, half + 1):
        at_step(page, step)
        _answer_by_keyboard(page)
        if step == 1:
            trip.page(page, "eerste-onderdeel-ingevuld")
        _press_and_wait(page)

    # Halfway: save and leave
    at_step(page, half + 1)
    trip.page(page, "halverwege")
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["value"] == "opslaan")
    _press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Uw antwoorden zijn opgeslagen"))
    trip.page(page, "opgeslagen")
    same_browser = page.context
    page.close()

    # Another device cannot read the draft: it is bound to the browser that started it.
    other = phone().new_page()
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text(
        translate("nl", "Deze link is al in gebruik op een ander apparaat")
    )
    other.context.close()

    # Later, the same link in the same browser: go on where you were
    page = same_browser.new_page()
    _open_link(page, link, lang)
    trip.page(page, "verder-waar-u-was")
    _tab_to(page, lambda el: el["tag"] == "A" and el["text"] == t("Verder waar u was"))
    _press_and_wait(page)
    at_step(page, half + 1)
    for step in range(half + 1, total + 1):
        at_step(page, step)
        _answer_by_keyboard(page)
        _press_and_wait(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Controleren en verzenden"))
    expect(page.get_by_role("link", name=t("Wijzigen"))).to_have_count(total)
    assert _no_horizontal_scroll(page)
    trip.page(page, "controleren")
    assert _responses(in_app, questionnaire_id) == 0
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["text"] == t("Verzenden"))
    _press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Dank u wel"))
    trip.page(page, "bedankt")
    assert _responses(in_app, questionnaire_id) == 1

    # The link now says it was used, and an old page cannot submit again
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("U heeft deze vragenlijst al ingevuld — dank u"))
    trip.page(page, "link-gebruikt")
    page.goto(f"{link}/_controle")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("U heeft deze vragenlijst al ingevuld — dank u"))
    assert _responses(in_app, questionnaire_id) == 1
    trip.finish()


@pytest.fixture
def nps_invitation(in_app):
    """An open questionnaire with the ninth question type (nps 0–10) and one invitee."""
    from surveys.model import Questionnaire as Definition

    text = lambda nl, en: {"nl": nl, "en": en}  # noqa: E731
    definition = Definition.from_dict(
        {
            "key": "aanbeveling",
            "version": 1,
            "title": text("Aanbeveling", "Recommendation"),
            "audience": "ict_staff",
            "anonymous": True,
            "sections": [
                {
                    "key": "score",
                    "title": text("Score", "Score"),
                    "questions": [
                        {
                            "key": "aanbevelen",
                            "type": "nps",
                            "text": text("Zou u de samenwerking aanbevelen?", "Would you recommend the cooperation?"),
                        }
                    ],
                }
            ],
        }
    ).to_dict()
    with in_app():
        traject = gen_traject(gen_user("regisseur"), organisations=("ZL",))
        questionnaire = gen_questionnaire(traject, definition=definition)
        _, token = gen_participant(questionnaire, organisation="ZL")
        return questionnaire.id, token


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nps_question_by_keyboard_on_a_phone(lang, nps_invitation, live_server, phone, journey, translate, in_app):
    """The 0–10 question is one radio group in a fieldset with a legend: Tab reaches it, Space picks
    0, the arrow keys move along the scale; the page fits 375 px and axe finds nothing serious."""
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    questionnaire_id, token = nps_invitation
    trip = journey("2-ict-medewerker-nps", lang)
    page = phone().new_page()
    _open_link(page, f"{live_server}/v/{token}", lang)
    _tab_to(page, lambda el: el["tag"] == "A" and el["text"] == t("Beginnen"))
    _press_and_wait(page)
    legend = page.locator("fieldset#q-aanbevelen > legend")
    expect(legend).to_contain_text(
        "Zou u de samenwerking aanbevelen?" if lang == "nl" else "Would you recommend the cooperation?"
    )
    expect(page.locator("fieldset#q-aanbevelen input[type=radio]")).to_have_count(11)
    expect(page.locator("fieldset#q-aanbevelen")).to_contain_text(
        "Very likely" if lang == "en" else "Zeer waarschijnlijk"
    )
    assert _no_horizontal_scroll(page)
    _tab_to(page, lambda el: el["type"] == "radio" and el["name"] == "aanbevelen")
    assert _focused(page)["group"] == 11
    page.keyboard.press("Space")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    focused = _focused(page)
    assert (focused["name"], focused["value"], focused["checked"]) == ("aanbevelen", "9", True)
    trip.page(page, "nps-ingevuld")
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["value"] == "volgende")
    _press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Controleren en verzenden"))
    expect(page.locator("dd", has_text="9")).to_have_count(1)
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["text"] == t("Verzenden"))
    _press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Dank u wel"))
    with in_app():
        answers = db.session.scalar(select(Response.answers).where(Response.questionnaire_id == questionnaire_id))
    assert answers == {"aanbevelen": 9}
    trip.finish()
