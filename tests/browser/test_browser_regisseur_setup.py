"""Journey 1, the regisseur sets up: log in, create a traject, add organisations (one by the form,
one by CSV), create the ICT staff questionnaire from its template, publish it, invite participants
(one by the form, two by CSV), review who gets what and send the invitations, see that the outbox
keeps the anonymous links to the participants, switch on self-distribution, and open a link from
the outbox. In Dutch and in English; every main page screenshotted and checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.services.demo import REGISSEUR, load_demo
from surveys.templates import load_template

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "1-regisseur-opzet"


@pytest.fixture
def demo(in_app):
    from app.extensions import db

    with in_app():
        load_demo()
        db.session.commit()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_regisseur_sets_up_a_traject_and_invites(lang, demo, live_server, new_context, journey, login, translate):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    trip = journey(JOURNEY, lang)
    page = new_context(lang=lang).new_page()

    login(page, REGISSEUR["email"], REGISSEUR["password"], lang, trip)
    expect(page.get_by_role("heading", level=1, name=t("Mijn trajecten"))).to_be_visible()  # the regisseur's home
    trip.page(page, "trajecten")

    # A new traject
    page.get_by_role("link", name=t("Nieuw traject")).click()
    trip.page(page, "nieuw-traject")
    name = f"Verkenning ICT-samenwerking Lemsterland ({lang})"
    page.get_by_label(t("Naam"), exact=True).fill(name)
    page.get_by_label(t("Omschrijving")).fill("Twee scholen verkennen een gezamenlijke servicedesk.")
    page.get_by_label(t("Deadline respons")).fill("2030-06-30")
    page.get_by_role("button", name=t("Opslaan"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    trip.page(page, "traject")

    # One organisation by the form
    page.get_by_role("link", name=t("Organisatie toevoegen")).click()
    trip.page(page, "organisatie-toevoegen")
    page.get_by_label(t("Code")).fill("LC")
    page.get_by_label(t("Naam"), exact=True).fill("Lemster College")
    page.get_by_label(t("Medewerkers")).fill("80")
    page.get_by_label(t("Leerlingen")).fill("720")
    page.get_by_label(t("Locaties")).fill("2")
    page.get_by_label(t("Regio")).fill("Lemsterland")
    page.get_by_role("button", name=t("Opslaan"), exact=True).click()
    expect(page.get_by_role("cell", name="Lemster College", exact=True)).to_be_visible()

    # ... and one by CSV upload
    page.get_by_role("link", name=t("Importeren uit CSV")).click()
    trip.page(page, "organisaties-importeren")
    page.get_by_label(t("CSV-bestand")).set_input_files(
        files=[
            {
                "name": "scholen.csv",
                "mimeType": "text/csv",
                "buffer": "code;name;staff;students;locations;region\nJF;Joure Fryslân College;95;880;1;Lemsterland\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name=t("Importeren")).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(page.get_by_role("cell", name="Joure Fryslân College", exact=True)).to_be_visible()
    trip.page(page, "traject-met-organisaties")

    # The ICT staff questionnaire from its template, published
    title = load_template("ict_staff").title[lang]
    page.get_by_role("link", name=t("Nieuwe vragenlijst")).click()
    trip.page(page, "nieuwe-vragenlijst")
    page.get_by_role(
        "button", name=re.compile(re.escape(t("Maak vanuit dit sjabloon")) + r"\s*:\s*" + re.escape(title))
    ).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    trip.page(page, "vragenlijst-concept")
    page.get_by_role("link", name=t("Publiceren"), exact=True).click()
    trip.page(page, "publiceren")
    page.get_by_role("button", name=t("Publiceren")).click()
    expect(page.get_by_text(t("Vragenlijst gepubliceerd. De vragen liggen nu vast."))).to_be_visible()
    trip.page(page, "vragenlijst-gepubliceerd")

    # Participants: one by the form, two by CSV
    page.get_by_role("link", name=t("Deelnemers uitnodigen")).click()
    expect(page.get_by_role("heading", level=1, name=t("Deelnemers: %(title)s", title=title))).to_be_visible()
    trip.page(page, "deelnemers")
    page.get_by_label(t("Naam"), exact=True).fill("Sanne Servicedesk")
    page.get_by_label(t("E-mailadres")).fill("sanne@lemstercollege.nl")
    page.get_by_label(t("Rol")).select_option("ict_staff")
    page.get_by_label(t("Organisatie"), exact=True).select_option("LC")
    page.get_by_role("button", name=t("Deelnemer toevoegen")).click()
    # Adding sends nothing: a review step shows who will receive what, with a sample of the mail.
    expect(
        page.get_by_role("heading", level=1, name=t("Uitnodigingen versturen: %(title)s", title=title))
    ).to_be_visible()
    expect(page.get_by_role("cell", name="sanne@lemstercollege.nl")).to_be_visible()
    page.get_by_role("link", name=t("Terug naar de deelnemers")).click()

    page.get_by_role("link", name=t("Importeren uit CSV")).click()
    trip.page(page, "deelnemers-importeren")
    page.get_by_label(t("CSV-bestand")).set_input_files(
        files=[
            {
                "name": "medewerkers.csv",
                "mimeType": "text/csv",
                "buffer": (
                    b"naam;e-mail;rol;organisatie\n"
                    b"Jan Netwerk;jan@lemstercollege.nl;ICT-medewerker;LC\n"
                    b"Fenna Werkplek;fenna@jfc.nl;ict_staff;JF\n"
                ),
            }
        ]
    )
    page.get_by_role("button", name=t("Importeren")).click()
    expect(
        page.get_by_role("heading", level=1, name=t("Uitnodigingen versturen: %(title)s", title=title))
    ).to_be_visible()
    for address in ("sanne@lemstercollege.nl", "jan@lemstercollege.nl", "fenna@jfc.nl"):
        expect(page.get_by_role("cell", name=address)).to_be_visible()
    trip.page(page, "uitnodigingen-controleren")

    # Invitations go out only with the button.
    page.get_by_role("button", name=t("Uitnodigingen versturen")).click()
    expect(page.get_by_role("heading", level=2, name=t("Deelnemers (%(n)s)", n=3))).to_be_visible()
    # Anonymous: per person only that the invitation went out, no completion status.
    expect(page.get_by_role("cell", name=t("nog niet ingevuld"))).to_have_count(0)
    trip.page(page, "uitnodigingen-verstuurd")

    # The outbox: one mail each; the personal link of an anonymous questionnaire stays with its
    # participant (by mail only) ...
    page.get_by_role("link", name=t("Outbox"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=t("Outbox"))).to_be_visible()
    mail = page.locator("article.mail", has_text="sanne@lemstercollege.nl")
    expect(mail).to_have_count(1)
    assert not re.search(re.escape(live_server) + r"/v/[A-Za-z0-9_-]+", mail.locator("pre").inner_text())
    trip.page(page, "outbox")
    # ... unless this traject without a mail server switches on self-distribution (audited).
    page.goto(page.url.replace("/outbox", "/verspreiding"))
    page.get_by_label(t("Zelf verspreiden: ik deel de persoonlijke links van anonieme vragenlijsten zelf uit")).check()
    page.get_by_role("button", name=t("Opslaan"), exact=True).click()
    expect(page.get_by_text(t("Zelf verspreiden staat aan."))).to_be_visible()
    page.goto(page.url.replace("/verspreiding", "/outbox"))
    mail = page.locator("article.mail", has_text="sanne@lemstercollege.nl")
    body = mail.locator("pre").inner_text()
    link = re.search(re.escape(live_server) + r"/v/[A-Za-z0-9_-]+", body)
    assert link, body
    respondent = new_context(phone=True, lang=lang).new_page()
    respondent.goto(link.group(0))
    expect(respondent.get_by_role("heading", level=1)).to_have_text(load_template("ict_staff").title["nl"])
    trip.finish()
