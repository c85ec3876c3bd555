"""Journey 6, stakeholder engagement: the regisseur fills the register from a CSV, places stakeholders on
the power/interest grid, logs two workshops with the ICT staff, records a concern raised at the second
one and turns it into a roadmap action; a bestuurder then reads the register, grid, log, concerns and
the report's involvement chapter, and finds nothing to edit. In Dutch and in English (the demo traject
filled by `demo simulate`, so measured attitude is there); every main page screenshotted and checked
with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.services.demo import BOARD_PASSWORD, REGISSEUR, board_email

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "6-belanghebbenden"
# Names per language: both runs share the demo traject, and names are unique in a register.
NAMES = {
    "nl": {
        "board": "Bestuur Zuyderzee Lyceum",
        "staff": "ICT-team Zuyderzee",
        "supplier": "Leverancier Netwerk",
        "all": "Alle ICT-teams",
    },
    "en": {
        "board": "Board Zuyderzee Lyceum",
        "staff": "ICT team Zuyderzee",
        "supplier": "Network supplier",
        "all": "All ICT teams",
    },
}


def _csv(lang: str) -> bytes:
    n = NAMES[lang]
    return (
        "naam;soort;categorie;organisatie;invloed;belang;houding;betrokkenheid;meetgroep;eigenaar\n"
        f"{n['board']};groep;bestuur;ZL;5;4;voorstander;meebeslissen;;Regisseur\n"
        f"{n['staff']};groep;ict-medewerkers;ZL;2;2;onbekend;betrekken;ict-medewerkers;Hoofd ICT\n"
        f"{n['supplier']};persoon;leverancier;;1;2;neutraal;informeren;;\n"
        f"{n['all']};groep;ict-medewerkers;;3;5;voorstander;samenwerken;ict-medewerkers;Regisseur\n"
    ).encode()


def _log_workshop(page, t, topic: str, day: str, staff: str, attendees: str, trip, shot: str | None = None):
    page.get_by_role("link", name=t("Activiteit vastleggen")).click()
    expect(page.get_by_role("heading", level=1, name=t("Activiteit vastleggen"))).to_be_visible()
    if shot:
        trip.page(page, shot)
    page.get_by_label(t("Datum")).fill(day)
    page.get_by_label(t("Soort activiteit")).select_option("workshop")
    page.get_by_label(t("Fase"), exact=True).select_option("analyse")
    page.get_by_label(t("Aantal deelnemers")).fill(attendees)
    page.get_by_label(t("Onderwerp")).fill(topic)
    page.get_by_label(staff, exact=True).check()
    page.get_by_label(t("Uitkomst")).fill("Zorgen over bereikbaarheid van de servicedesk.")
    page.get_by_role("button", name=t("Opslaan"), exact=True).click()
    expect(page.get_by_text(t("Activiteit vastgelegd."))).to_be_visible()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_regisseur_builds_the_register_and_a_bestuurder_reads_it(
    lang, simulated_demo, live_server, new_context, journey, login, translate, in_app
):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    n = NAMES[lang]
    traject_id = simulated_demo["traject_id"]
    trip = journey(JOURNEY, lang)
    page = new_context(lang=lang).new_page()
    login(page, REGISSEUR["email"], REGISSEUR["password"], lang)
    page.goto(f"{live_server}/trajecten/{traject_id}")
    trip.page(page, "traject")

    # The register from a CSV
    page.get_by_role("link", name=t("Register van belanghebbenden")).click()
    expect(page.get_by_role("heading", level=1, name=t("Belanghebbenden"))).to_be_visible()
    page.get_by_role("link", name=t("Importeren uit CSV")).click()
    trip.page(page, "importeren")
    page.get_by_label(t("CSV-bestand")).set_input_files(
        files=[{"name": "register.csv", "mimeType": "text/csv", "buffer": _csv(lang)}]
    )
    page.get_by_role("button", name=t("Importeren")).click()
    expect(
        page.get_by_text(
            t("%(num)s belanghebbenden geïmporteerd.", num=4) if lang == "nl" else "4 stakeholders imported."
        )
    ).to_be_visible()
    register = page.locator("#register")
    for name in n.values():
        expect(register.get_by_role("link", name=name, exact=True)).to_be_visible()
    # The staff team corresponds to the measured ICT staff of ZL: a figure (or "too few") is beside it.
    staff_row = register.get_by_role("row").filter(has_text=n["staff"])
    expect(staff_row).to_contain_text(re.compile(f"{re.escape(t('te weinig respons'))}|n = \\d+"))
    # The case's ICT teams are small: even all ICT staff without the Hoofden ICT are hidden in the
    # release (their complement, the five leads, is), so the register says so instead of a figure.
    expect(register.get_by_role("row").filter(has_text=n["all"])).to_contain_text(t("te weinig respons"))
    trip.page(page, "register")

    # The grid: move the ICT team to "manage closely" with the form
    page.get_by_role("link", name=t("Krachtenveld"), exact=True).click()
    expect(page.locator("figure svg[role=img]")).to_be_visible()
    trip.page(page, "krachtenveld")
    row = page.locator("#krachtenveld tr").filter(has_text=n["staff"])
    row.get_by_label(t("Invloed")).select_option("4")
    row.get_by_label(t("Belang")).select_option("5")
    row.get_by_role("button", name=t("Verplaatsen")).click()
    expect(page.get_by_text(t("%(name)s staat nu in „%(q)s”.", name=n["staff"], q=t("Nauw betrekken")))).to_be_visible()
    expect(page.locator("#krachtenveld tr").filter(has_text=n["staff"])).to_contain_text(t("Nauw betrekken"))
    trip.page(page, "krachtenveld-verplaatst")

    # Two workshops with the ICT staff
    page.get_by_role("link", name=t("Betrokkenheid"), exact=True).click()
    _log_workshop(page, t, f"Werksessie servicedesk ({lang})", "2027-03-10", n["staff"], "7", trip, "activiteit-nieuw")
    _log_workshop(page, t, f"Werksessie personeel delen ({lang})", "2027-04-14", n["staff"], "6", trip)
    expect(page.locator(".timeline li").filter(has_text=f"({lang})")).to_have_count(2)
    trip.page(page, "logboek")

    # A concern raised at the second workshop becomes a roadmap action
    page.get_by_role("link", name=t("Zorgen en bezwaren"), exact=True).click()
    page.get_by_role("link", name=t("Zorg vastleggen")).click()
    trip.page(page, "zorg-nieuw")
    concern = f"Wie vangt de uitval op als een collega met pensioen gaat? ({lang})"
    page.get_by_label(t("Zorg of bezwaar")).fill(concern)
    page.get_by_label(t("Ingebracht door")).select_option(label=n["staff"])
    page.get_by_label(t("Ingebracht tijdens")).select_option(label=f"2027-04-14 · Werksessie personeel delen ({lang})")
    page.get_by_label(t("Domein")).select_option("personeel")
    page.get_by_role("button", name=t("Opslaan"), exact=True).click()
    expect(page.get_by_text(t("Zorg vastgelegd."))).to_be_visible()
    trip.page(page, "zorgen")
    page.get_by_role("link", name=concern).click()
    page.get_by_role("button", name=t("Actie op de routekaart maken")).click()
    expect(page.get_by_text(t("De zorg staat nu als actie op de routekaart."))).to_be_visible()
    trip.page(page, "zorg-actie")
    page.get_by_role("link", name=t("Staat als actie op de routekaart")).click()
    expect(page.locator(".action-card h3").filter(has_text=concern)).to_be_visible()
    trip.page(page, "routekaart")

    # A bestuurder reads the result and finds nothing to edit
    board = new_context(lang=lang).new_page()
    login(board, board_email("ZL"), BOARD_PASSWORD, lang)
    board.goto(f"{live_server}/trajecten/{traject_id}")
    board.get_by_role("link", name=t("Register van belanghebbenden")).click()
    expect(board.locator("#register").get_by_role("link", name=n["staff"], exact=True)).to_be_visible()
    expect(board.get_by_role("link", name=t("Importeren uit CSV"))).to_have_count(0)
    trip.page(board, "bestuurder-register")
    board.get_by_role("link", name=t("Krachtenveld"), exact=True).click()
    expect(board.get_by_role("button", name=t("Verplaatsen"))).to_have_count(0)
    trip.page(board, "bestuurder-krachtenveld")
    board.get_by_role("link", name=t("Betrokkenheid"), exact=True).click()
    expect(board.locator(".timeline li").filter(has_text=f"({lang})")).to_have_count(2)
    trip.page(board, "bestuurder-logboek")
    board.get_by_role("link", name=t("Zorgen en bezwaren"), exact=True).click()
    board.get_by_role("link", name=concern).click()
    expect(board.get_by_role("link", name=t("Staat als actie op de routekaart"))).to_be_visible()
    expect(board.get_by_role("button", name=t("Actie op de routekaart maken"))).to_have_count(0)
    trip.page(board, "bestuurder-zorg")
    board.goto(f"{live_server}/trajecten/{traject_id}/rapport")
    chapter = board.locator("#sec-betrokkenheid")
    expect(chapter.get_by_role("heading", level=2, name=t("Draagvlak en betrokkenheid"))).to_be_visible()
    expect(chapter.locator("svg[role=img]")).to_be_visible()
    expect(chapter.locator("#r-betrokkenheid")).to_contain_text(f"Werksessie personeel delen ({lang})")
    expect(chapter.locator("#r-zorgen")).to_contain_text(concern)
    trip.page(board, "bestuurder-rapport")

    # An ICT staff member raises a concern anonymously through their personal link, on a phone
    from respond_builders import gen_participant

    from app.extensions import db
    from app.models import Questionnaire

    with in_app():
        questionnaire = db.session.get(Questionnaire, simulated_demo["questionnaires"]["ict_staff"])
        token = gen_participant(questionnaire, organisation="ZL")[1]
    staff = new_context(phone=True, lang=lang).new_page()
    staff.goto(f"{live_server}/zorg/{token}")
    if lang == "en":
        staff.get_by_role("link", name="English").click()
    expect(staff.get_by_role("heading", level=1, name=t("Een zorg of bezwaar melden"))).to_be_visible()
    trip.page(staff, "telefoon-zorg-melden")
    staff.get_by_label(t("Uw zorg of bezwaar")).fill("Ik weet niet of mijn taken blijven bestaan.")
    staff.get_by_role("button", name=t("Anoniem versturen")).click()
    expect(staff.get_by_text(t("Uw zorg is anoniem opgeslagen."))).to_be_visible()
    trip.page(staff, "telefoon-zorg-verstuurd")

    # On a phone: the register and the grid fit, the table scrolls within its own region
    phone = new_context(phone=True, lang=lang).new_page()  # 375 px wide, narrower than 390
    login(phone, board_email("ZL"), BOARD_PASSWORD, lang)
    for path, name in (
        ("belanghebbenden", "telefoon-register"),
        ("belanghebbenden/krachtenveld", "telefoon-krachtenveld"),
        ("betrokkenheid", "telefoon-logboek"),
    ):
        phone.goto(f"{live_server}/trajecten/{traject_id}/{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, path
        trip.page(phone, name)
    trip.finish()
