"""Journey 8, each role's home and the dashboard: the bestuurder sees what is asked of them first,
the ICT lead their ICT-foto, the regisseur their trajects; the dashboard's first screen, a finding
followed to its detail, the open answers filtered; the traject's "what now?"; and review-then-send
of invitations and reminders (both languages of the mail shown before the button). On desktop and on
a 390 px phone, in Dutch and English; every page screenshotted and checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services.demo import BOARD_PASSWORD, LEAD, REGISSEUR, board_email
from surveys.templates import load_template

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "8-thuis-en-dashboard"
PHONE_390 = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _phone(browser, lang):
    context = browser.new_context(**PHONE_390, locale="en-GB" if lang == "en" else "nl-NL")
    # 45 s, as in tests/browser/conftest.py (two test workers share the cores).
    context.set_default_timeout(45_000)
    return context


def _fits(page) -> None:
    """Nothing wider than the screen: wide tables scroll inside their own box."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide on a 390 px phone"


@pytest.fixture
def send_flow_questionnaire(in_app, simulated_demo):
    """A traject of the demo regisseur with one open ICT staff questionnaire and no participants yet."""
    from app.extensions import db
    from app.models import Organisation, Questionnaire, Traject, TrajectMember, User

    with in_app():
        regisseur = db.session.scalar(db.select(User).where(User.email == REGISSEUR["email"]))
        traject = Traject(name="Verkenning Urk (controle)", anonymity_threshold=5, comment_threshold=10)
        db.session.add(traject)
        db.session.flush()
        db.session.add(TrajectMember(traject=traject, user=regisseur))
        db.session.add(
            Organisation(traject=traject, code="UK", name="Urker College", staff=40, students=400, locations=1)
        )
        definition = load_template("ict_staff").to_dict()
        questionnaire = Questionnaire(
            traject=traject,
            template_key="ict_staff",
            key=definition["key"],
            title=definition["title"],
            status="open",
            anonymous=True,
            audience="ict_staff",
            definition=definition,
        )
        db.session.add(questionnaire)
        db.session.commit()
        return {"traject_id": traject.id, "qid": questionnaire.id, "title": definition["title"]}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_role_home_and_the_dashboard(
    lang, simulated_demo, live_server, new_context, browser, journey, login, translate
):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    traject_id = simulated_demo["traject_id"]
    trip = journey(JOURNEY, lang)
    phone_trip = journey(JOURNEY + "-telefoon", lang)

    # The bestuurder: first what is asked, then the results.
    page = new_context(lang=lang).new_page()
    login(page, board_email("EC"), BOARD_PASSWORD, lang)
    asked = page.get_by_role("heading", level=2, name=t("Wat wordt van u gevraagd"))
    results = page.get_by_role("heading", level=2, name=t("De uitkomsten tot nu toe"))
    expect(asked).to_be_visible()
    assert asked.bounding_box()["y"] < results.bounding_box()["y"]
    expect(page.get_by_role("heading", level=2, name=t("Beheer"))).to_have_count(0)
    trip.page(page, "bestuurder-thuis")
    page.locator(".finding a").first.click()
    expect(page.get_by_role("navigation", name=t("Onderdelen van het dashboard"))).to_be_visible()
    trip.page(page, "bestuurder-detail")
    phone = _phone(browser, lang).new_page()
    login(phone, board_email("EC"), BOARD_PASSWORD, lang)
    expect(phone.get_by_role("heading", level=2, name=t("Wat wordt van u gevraagd"))).to_be_visible()
    _fits(phone)
    phone_trip.page(phone, "bestuurder-thuis")
    phone.context.close()

    # The ICT lead: the ICT-foto.
    page = new_context(lang=lang).new_page()
    login(page, LEAD["email"], LEAD["password"], lang)
    expect(page.get_by_role("heading", level=2, name=t("ICT-foto van de scholen"))).to_be_visible()
    expect(page.get_by_role("table", name=t("ICT-foto: gebruikers, organisatie en kosten"))).to_be_visible()
    trip.page(page, "ict-lead-thuis")
    phone = _phone(browser, lang).new_page()
    login(phone, LEAD["email"], LEAD["password"], lang)
    _fits(phone)
    phone_trip.page(phone, "ict-lead-thuis")
    phone.context.close()

    # The regisseur: trajects with their step and response, then the dashboard's first screen.
    page = new_context(lang=lang).new_page()
    login(page, REGISSEUR["email"], REGISSEUR["password"], lang)
    expect(page.get_by_role("heading", level=1, name=t("Mijn trajecten"))).to_be_visible()
    expect(page.get_by_text(t("Huidige stap")).first).to_be_visible()
    expect(page.get_by_role("table", name=t("Respons per vragenlijst")).first).to_be_visible()
    trip.page(page, "regisseur-thuis")
    page.goto(f"{live_server}/trajecten/{traject_id}/resultaten")
    for step in ("ICT-foto", "Motieven", "Draagvlak", "Commitment van de besturen"):
        expect(page.get_by_role("heading", level=2, name=t(step))).to_be_visible()
    assert 12 <= page.locator(".finding").count() <= 20
    trip.page(page, "dashboard-eerste-scherm")
    # A finding of the draagvlak step leads to its figures, one click away.
    card = page.locator(".step-card", has=page.get_by_role("heading", level=2, name=t("Draagvlak")))
    card.locator(".finding a").first.click()
    expect(page.get_by_role("heading", level=2, name=t("Draagvlakindices"))).to_be_visible()
    assert page.url.endswith("/resultaten/draagvlak#indices")
    trip.page(page, "dashboard-detail-draagvlak")
    # Open answers: grouped, filtered without JavaScript (a GET form).
    page.get_by_role("navigation", name=t("Onderdelen van het dashboard")).get_by_role(
        "link", name=t("Open antwoorden")
    ).click()
    expect(page.get_by_role("heading", level=2, name=t("Open antwoorden"))).to_be_visible()
    page.get_by_label(t("Alleen antwoorden die vaker voorkomen")).check()
    page.get_by_role("button", name=t("Filteren")).click()
    assert "herhaald=1" in page.url
    expect(page.get_by_role("status")).to_be_visible()
    trip.page(page, "dashboard-open-antwoorden")
    # Print: the first screen without navigation.
    page.goto(f"{live_server}/trajecten/{traject_id}/resultaten")
    page.emulate_media(media="print")
    expect(page.locator(".detail-tabs")).to_be_hidden()
    expect(page.locator(".step-card").first).to_be_visible()
    page.emulate_media(media="screen")
    # The traject page: what now?
    page.goto(f"{live_server}/trajecten/{traject_id}")
    expect(page.get_by_role("heading", level=2, name=t("Wat nu?"))).to_be_visible()
    expect(page.locator(".phase-card.current .button")).to_have_count(1)
    trip.page(page, "traject-wat-nu")

    phone = _phone(browser, lang).new_page()
    login(phone, REGISSEUR["email"], REGISSEUR["password"], lang)
    _fits(phone)
    phone_trip.page(phone, "regisseur-thuis")
    phone.goto(f"{live_server}/trajecten/{traject_id}/resultaten")
    _fits(phone)
    phone_trip.page(phone, "dashboard-eerste-scherm")
    for part in ("draagvlak", "bestuur", "ict-foto", "motieven", "respons", "open-antwoorden"):
        phone.goto(f"{live_server}/trajecten/{traject_id}/resultaten/{part}")
        _fits(phone)
        phone_trip.page(phone, f"dashboard-detail-{part}")
    phone.context.close()
    trip.finish()
    phone_trip.finish()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_review_then_send(lang, send_flow_questionnaire, live_server, new_context, browser, journey, login, translate):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    qid, title = send_flow_questionnaire["qid"], send_flow_questionnaire["title"][lang]
    trip = journey(JOURNEY + "-versturen", lang)
    page = new_context(lang=lang).new_page()
    login(page, REGISSEUR["email"], REGISSEUR["password"], lang)
    page.goto(f"{live_server}/vragenlijsten/{qid}/deelnemers")
    address = f"klaas.{lang}@urkercollege.nl"
    page.get_by_label(t("Naam"), exact=True).fill(f"Klaas {lang.upper()}")
    page.get_by_label(t("E-mailadres")).fill(address)
    page.get_by_label(t("Rol")).select_option("ict_staff")
    page.get_by_label(t("Organisatie"), exact=True).select_option("UK")
    page.get_by_role("button", name=t("Deelnemer toevoegen")).click()
    # Nothing sent yet: the review shows who, and the mail in Dutch and in English.
    expect(
        page.get_by_role("heading", level=1, name=t("Uitnodigingen versturen: %(title)s", title=title))
    ).to_be_visible()
    expect(page.get_by_role("cell", name=address)).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=t("Nederlands"))).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=t("Engels"))).to_be_visible()
    expect(page.locator("section[lang=nl] pre")).to_contain_text(f"Beste Klaas {lang.upper()}")
    expect(page.locator("section[lang=en] pre")).to_contain_text(f"Dear Klaas {lang.upper()}")
    trip.page(page, "uitnodiging-controleren")
    phone = _phone(browser, lang).new_page()
    login(phone, REGISSEUR["email"], REGISSEUR["password"], lang)
    phone.goto(page.url)
    _fits(phone)
    journey(JOURNEY + "-versturen-telefoon", lang).page(phone, "uitnodiging-controleren")
    phone.context.close()
    page.get_by_role("button", name=t("Uitnodigingen versturen")).click()
    expect(
        page.get_by_text(
            t(
                "Nog niet uitgenodigd: %(n)s. Herinneringen gaan alleen naar wie nog niet heeft "
                "ingevuld; wie dat zijn toont Draagvlak bij een anonieme vragenlijst aan niemand, "
                "en hoeveel alleen zoals de responscijfers het tonen.",
                n=0,
            )
        )
    ).to_be_visible()
    trip.page(page, "uitnodiging-verstuurd")
    # Reminders: the review tells whom they reach — on this anonymous questionnaire never who.
    page.get_by_role("link", name=t("Herinnering bekijken en versturen")).click()
    expect(page.get_by_role("heading", level=2, name=t("Wie de herinnering bereikt"))).to_be_visible()
    expect(page.get_by_text(address)).to_have_count(0)
    expect(page.locator("section[lang=en] pre")).to_contain_text("Dear colleague")
    trip.page(page, "herinnering-controleren")
    page.get_by_role("button", name=t("Herinnering versturen")).click()
    expect(page.get_by_role("heading", level=1, name=t("Deelnemers: %(title)s", title=title))).to_be_visible()
    trip.page(page, "herinnering-verstuurd")
    trip.finish()
