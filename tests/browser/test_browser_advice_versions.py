"""Journey 5, the decision phase on the simulated demo: the regisseur publishes an advice version
(confirming the gaps in the evidence), three bestuurders record their board's intention decision
(one "ja, onder voorwaarden" with a condition, one "nee", one who decides and then revises), the
regisseur records the MR advice of two schools, opens a consultation on the version, publishes it,
ICT staff answer it through their personal links, the regisseur closes it (the closing release) and
publishes the next version. The outcome page, the versions page and both versions' PDFs show it all
(the first version's PDF byte-identical on a second download). In Dutch and in English; every main
page screenshotted and checked with axe-core.

The simulated demo is shared by the session, so each language publishes its own pair of versions:
versions 1 and 2 for the first language that runs, the next two for the other."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.services.demo import BOARD_PASSWORD, REGISSEUR, SCHOOLS, board_email

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "5-adviesversies"
TRAJECT = "Verkenning ICT-samenwerking SSVO"
NAMES = {s["code"]: s["name"] for s in SCHOOLS}
# Three boards decide: with a condition, no, and one that revises (first yes, then deferred).
CONDITIONAL, AGAINST, REVISER = "ZL", "BM", "EC"
MR_SCHOOLS = {"ZL": "positief", "BM": "onder_voorwaarden"}
CONSULTED = 5  # the demo's anonymity threshold: five answers make the closing release show a figure


def _versions(in_app, traject_id: int) -> int:
    from app.extensions import db
    from app.models.advice import AdviceVersion

    with in_app():
        return db.session.scalar(
            select(func.count()).select_from(AdviceVersion).where(AdviceVersion.traject_id == traject_id)
        )


def _consultation_links(in_app, questionnaire_id: int, live_server: str) -> list[str]:
    """Personal links of ICT staff invited to the consultation (as test_browser_respondent gets its
    link: a participant with an issued token; the mail itself is another journey's subject)."""
    from respond_builders import gen_participant

    from app.extensions import db
    from app.models import Questionnaire

    codes = list(NAMES)
    with in_app():
        questionnaire = db.session.get(Questionnaire, questionnaire_id)
        return [
            f"{live_server}/v/{gen_participant(questionnaire, organisation=codes[i % len(codes)])[1]}"
            for i in range(CONSULTED)
        ]


def _publish_version(page, t, trip, number: int, note: str, name: str) -> str:
    """From the report page: the gaps warning (if any) is confirmed, the version published."""
    nav = page.get_by_role("navigation", name=t("Resultaten en advies"))
    nav.get_by_role("link", name=t("Adviesrapport"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Adviesrapport"))
    section = page.locator("#publiceren")
    gaps = section.get_by_role("alert")
    if gaps.count():
        expect(gaps).to_contain_text(t("Let op: het advies rust op onvolledige gegevens."))
        confirm = section.get_by_label(t("Ik heb de leemtes gezien en publiceer deze versie toch."))
    else:
        confirm = section.get_by_label(t("Ik publiceer deze versie; ze kan daarna niet meer veranderen."))
    trip.page(page, f"{name}-publiceren")
    section.get_by_label(t("Toelichting bij deze versie (optioneel)")).fill(note)
    confirm.check()
    section.get_by_role("button", name=t("Versie publiceren")).click()
    expect(
        page.get_by_text(t("Versie %(n)s is gepubliceerd; de bestuurders hebben een bericht gekregen.", n=number))
    ).to_be_visible()
    expect(
        page.get_by_role("heading", level=1, name=f"{t('Advies, versie %(n)s', n=number)}: {TRAJECT}")
    ).to_be_visible()
    # The files are built by the (eager) worker task when publishing: the links are there.
    expect(page.get_by_role("link", name=t("Advies, versie %(n)s (PDF)", n=number))).to_be_visible()
    trip.page(page, name)
    return page.url


def _decide(
    page, t, decision: str, *, conditions: str = "", motivation: str, function: str, domain_condition: str = ""
) -> None:
    label = {"yes": "Ja", "yes_with_conditions": "Ja, onder voorwaarden", "no": "Nee", "deferred": "Aangehouden"}
    page.get_by_label(t(label[decision]), exact=True).check()
    page.get_by_label(t("Voorwaarden (verplicht bij ‘ja, onder voorwaarden’)")).fill(conditions)
    if domain_condition:
        page.get_by_text(t("Voorwaarden per domein (optioneel)")).click()
        page.locator("details input[type=text]").first.fill(domain_condition)
    page.get_by_label(t("Motivering")).fill(motivation)
    page.get_by_label(t("Functie")).fill(function)
    page.get_by_label(t("Datum"), exact=True).fill("2026-12-01")
    page.get_by_role("button", name=t("Besluit vastleggen")).click()
    expect(page.get_by_text(t("Het besluit van uw bestuur is vastgelegd."))).to_be_visible()


def _answer_consultation(page, link: str, t, lang: str, middle: int) -> None:
    """One ICT staff member: the personal link, every proposal rated, a concern, submitted."""
    page.goto(link)
    if lang == "en" and page.evaluate("document.documentElement.lang") != "en":
        page.get_by_role("link", name="English").click()
        page.wait_for_load_state("load")
    page.get_by_role("link", name=t("Beginnen")).click()
    for _ in range(4):
        if page.get_by_role("button", name=t("Verzenden"), exact=True).count():
            break
        for name in page.eval_on_selector_all("input[type=radio]", "els => [...new Set(els.map(e => e.name))]"):
            options = page.locator(f"input[type=radio][name='{name}']")
            options.nth(min(middle, options.count() - 1)).check()
        for field in page.locator("textarea").all():
            field.fill("Eerst de servicedesk samen, dan de rest.")
        page.locator("button[name=actie][value=volgende]").click()
        page.wait_for_load_state("load")
    page.get_by_role("button", name=t("Verzenden"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Dank u wel"))


def _pdf(page, url: str) -> bytes:
    response = page.request.get(url)
    assert response.status == 200, (url, response.status)
    assert response.headers["content-type"].split(";")[0] == "application/pdf", response.headers
    body = response.body()
    assert body.startswith(b"%PDF"), body[:20]
    return body


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_versions_decisions_mr_consultation_and_outcome(
    lang, simulated_demo, live_server, new_context, journey, login, translate, in_app
):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    traject_id = simulated_demo["traject_id"]
    first = _versions(in_app, traject_id) + 1
    second = first + 1
    trip = journey(JOURNEY, lang)

    # -- The regisseur publishes the first version ---------------------------------------------------
    regisseur = new_context(lang=lang).new_page()
    login(regisseur, REGISSEUR["email"], REGISSEUR["password"], lang, trip)
    regisseur.get_by_role("link", name=TRAJECT).click()
    regisseur.get_by_role("link", name=t("Adviesrapport")).first.click()
    first_url = _publish_version(regisseur, t, trip, first, f"Eerste versie voor de besturen ({lang}).", "versie-1")
    first_id = int(first_url.rstrip("/").rsplit("/", 1)[1])

    # -- Three bestuurders decide ---------------------------------------------------------------------
    def board(code: str):
        page = new_context(lang=lang).new_page()
        login(page, board_email(code), BOARD_PASSWORD, lang)
        page.goto(first_url)
        expect(
            page.get_by_role("heading", level=1, name=f"{t('Advies, versie %(n)s', n=first)}: {TRAJECT}")
        ).to_be_visible()
        page.get_by_role("link", name=t("Het besluit van uw bestuur vastleggen"), exact=True).click()
        expect(
            page.get_by_role(
                "heading", level=1, name=t("Intentiebesluit van %(org)s over versie %(n)s", org=NAMES[code], n=first)
            )
        ).to_be_visible()
        return page

    page = board(CONDITIONAL)
    trip.page(page, "bestuurder-versie-besluit")
    _decide(
        page,
        t,
        "yes_with_conditions",
        conditions="Alleen met een gezamenlijke servicedesk vanaf 2027.",
        motivation="Het advies sluit aan bij onze koers.",
        function="Voorzitter college van bestuur",
        domain_condition="Eerst een proef van een jaar.",
    )
    expect(
        page.get_by_role("heading", level=1, name=re.compile(re.escape(t("Besluiten bij versie %(n)s", n=first))))
    ).to_be_visible()
    trip.page(page, "bestuurder-besluit-vastgelegd")
    page.context.close()

    page = board(AGAINST)
    _decide(page, t, "no", motivation="Voor onze kleine school weegt de autonomie zwaarder.", function="Bestuurder")
    page.context.close()

    page = board(REVISER)
    _decide(page, t, "yes", motivation="Wij zijn akkoord.", function="Voorzitter")
    # ... and revises: the form comes back with the earlier decision
    page.get_by_role("link", name=t("Het besluit van uw bestuur vastleggen of herzien")).click()
    expect(page.get_by_text(re.compile(re.escape(t("Ja")) + r".*1"))).to_be_visible()
    trip.page(page, "bestuurder-herzien")
    _decide(page, t, "deferred", motivation="Wij wachten op het advies van onze MR.", function="Voorzitter")
    page.context.close()

    # -- The regisseur records the MR advice of two schools -----------------------------------------------
    regisseur.get_by_role("link", name=t("Besluiten van de besturen en medezeggenschap")).click()
    expect(
        regisseur.get_by_role("heading", level=1, name=re.compile(re.escape(t("Besluiten bij versie %(n)s", n=first))))
    ).to_be_visible()
    trip.page(regisseur, "uitkomst-besluiten")
    for code, outcome in MR_SCHOOLS.items():
        form = regisseur.locator(f"#mr-{code}")
        form.get_by_label(t("Raad"), exact=True).select_option("mr")
        form.get_by_label(t("Voorgelegd op"), exact=True).fill("2026-11-10")
        form.get_by_label(t("Advies ontvangen op"), exact=True).fill("2026-11-24")
        form.get_by_label(t("Uitkomst"), exact=True).select_option(outcome)
        form.get_by_label(t("Toelichting")).fill("Besproken in de vergadering van november.")
        form.get_by_role("button", name=t("Opslaan voor %(school)s", school=NAMES[code])).click()
        expect(
            regisseur.get_by_text(t("De medezeggenschap van %(school)s is vastgelegd.", school=NAMES[code]))
        ).to_be_visible()
    trip.page(regisseur, "uitkomst-medezeggenschap")

    # -- A consultation on the first version: opened, published, answered, closed ------------------------
    regisseur.get_by_role("button", name=t("Consultatie openen")).click()
    expect(
        regisseur.get_by_text(
            t(
                "De consultatie is als concept-vragenlijst aangemaakt. Publiceer haar en nodig "
                "ICT-medewerkers en besturen uit."
            )
        )
    ).to_be_visible()
    consult_title = {
        "nl": f"Consultatie op de voorstellen van adviesversie {first}",
        "en": f"Consultation on the proposals of advice version {first}",
    }[lang]
    expect(regisseur.get_by_role("heading", level=1, name=consult_title)).to_be_visible()
    trip.page(regisseur, "consultatie-concept")
    questionnaire_id = int(re.search(r"/vragenlijsten/(\d+)", regisseur.url).group(1))
    regisseur.get_by_role("link", name=t("Publiceren"), exact=True).click()
    trip.page(regisseur, "consultatie-publiceren")
    regisseur.get_by_role("button", name=t("Publiceren")).click()
    expect(regisseur.get_by_text(t("Vragenlijst gepubliceerd. De vragen liggen nu vast."))).to_be_visible()

    links = _consultation_links(in_app, questionnaire_id, live_server)
    for i, link in enumerate(links):
        staff = new_context(lang=lang).new_page()
        _answer_consultation(staff, link, t, lang, middle=3 + i % 2)
        if i == 0:
            trip.page(staff, "consultatie-bedankt")
        staff.context.close()

    # Closing makes the release of every response (the eager recompute)
    regisseur.reload()
    regisseur.get_by_role("button", name=t("Sluiten"), exact=True).click()
    expect(regisseur.get_by_text(t("Vragenlijst gesloten."))).to_be_visible()
    regisseur.goto(f"{live_server}/adviesversies/{first_id}/uitkomst")
    consultation = regisseur.locator("#consultatie")
    expect(consultation.get_by_role("cell", name=re.compile(re.escape(f"(n = {CONSULTED})"))).first).to_be_visible()
    trip.page(regisseur, "uitkomst-consultatie")

    # -- The second version -----------------------------------------------------------------------------
    second_url = _publish_version(
        regisseur, t, trip, second, f"Na de besluiten en de consultatie ({lang}).", "versie-2"
    )
    second_id = int(second_url.rstrip("/").rsplit("/", 1)[1])

    # The versions page: newest first, each with its summary line
    nav = regisseur.get_by_role("navigation", name=t("Resultaten en advies"))
    nav.get_by_role("link", name=t("Adviesversies"), exact=True).click()
    expect(regisseur.get_by_role("heading", level=1, name=f"{t('Adviesversies')}: {TRAJECT}")).to_be_visible()
    headings = regisseur.get_by_role("heading", level=2).all_inner_texts()
    assert headings.index(t("Versie %(n)s", n=second)) < headings.index(t("Versie %(n)s", n=first)), headings
    line = {
        "nl": "0 van 5 besturen akkoord, 1 onder voorwaarden, 1 nee, 1 aangehouden, 2 nog geen besluit",
        "en": "0 of 5 boards agree, 1 under conditions, 1 no, 1 deferred, 2 not yet decided",
    }[lang]
    expect(regisseur.locator(f"section:has(h2#v{first_id}-kop)")).to_contain_text(line)
    trip.page(regisseur, "versies")

    # The outcome page of the first version shows it all
    regisseur.goto(f"{live_server}/adviesversies/{first_id}/uitkomst")
    expect(regisseur.locator("p.headline")).to_have_text(f"{line}.")
    rows = {code: regisseur.locator(f"#school-{code}") for code in NAMES}
    expect(rows[CONDITIONAL]).to_contain_text(t("Ja, onder voorwaarden"))
    expect(rows[CONDITIONAL]).to_contain_text("Alleen met een gezamenlijke servicedesk vanaf 2027.")
    expect(rows[CONDITIONAL]).to_contain_text("Eerst een proef van een jaar.")
    expect(rows[CONDITIONAL]).to_contain_text(f"MR: {t('Positief')}")
    expect(rows[CONDITIONAL].locator("td").last).to_have_text(t("Ja"))
    expect(rows[AGAINST]).to_contain_text(t("Nee"))
    expect(rows[AGAINST]).to_contain_text(f"MR: {t('Onder voorwaarden')}")
    expect(rows[REVISER]).to_contain_text(t("Aangehouden"))
    expect(rows[REVISER]).to_contain_text(t("herziening %(r)s", r=2))
    expect(rows[REVISER]).to_contain_text(t("Nog niet voorgelegd"))
    revisions = regisseur.locator("section:has(#herzieningen-kop) li")
    expect(revisions).to_have_count(4)
    expect(revisions.filter(has_text=NAMES[REVISER])).to_have_count(2)
    trip.page(regisseur, "uitkomst-versie-1")

    # The second version's page carries the outcome on the first (in the reader's language), the
    # consultation beside each proposal, and annex D with the decisions and MR advice
    regisseur.goto(second_url)
    expect(
        regisseur.get_by_role("heading", level=1, name=f"{t('Advies, versie %(n)s', n=second)}: {TRAJECT}")
    ).to_be_visible()
    expect(
        regisseur.get_by_text(t("Besluiten over versie %(n)s: %(line)s (bijlage D).", n=first, line=line))
    ).to_be_visible()
    consulted = {"nl": f"Consultatie op versie {first} (", "en": f"Consultation on version {first} ("}[lang]
    expect(regisseur.get_by_text(consulted).first).to_contain_text(f"(n = {CONSULTED})")
    expect(
        regisseur.get_by_role(
            "heading", level=2, name=t("Bijlage D · Intentiebesluiten en medezeggenschap over versie %(n)s", n=first)
        )
    ).to_be_visible()
    annex = regisseur.get_by_role("table", name=t("Intentiebesluiten over versie %(n)s per school", n=first))
    expect(annex).to_contain_text("Alleen met een gezamenlijke servicedesk vanaf 2027.")
    expect(annex).to_contain_text(f"MR: {t('Positief')}")
    trip.page(regisseur, "versie-2-pagina")

    # Each version's PDF: 200, application/pdf; the first version's bytes are the same every time
    first_pdf = _pdf(regisseur, f"{live_server}/adviesversies/{first_id}/rapport.pdf")
    assert _pdf(regisseur, f"{live_server}/adviesversies/{first_id}/rapport.pdf") == first_pdf
    second_pdf = _pdf(regisseur, f"{live_server}/adviesversies/{second_id}/rapport.pdf")
    assert second_pdf != first_pdf
    if shutil.which("pdftotext"):  # the second version's PDF (built in Dutch) carries the outcome on the first
        text = subprocess.run(["pdftotext", "-", "-"], input=second_pdf, capture_output=True, check=True).stdout.decode(
            "utf-8"
        )
        text = re.sub(r"\s+", " ", text)
        assert f"Intentiebesluiten over versie {first} per school" in text
        assert "Alleen met een gezamenlijke servicedesk vanaf 2027." in text
        assert f"Consultatie op versie {first}" in text
    # ... and the link on the page downloads the same file
    with regisseur.expect_download() as info:
        regisseur.get_by_role("link", name=t("Advies, versie %(n)s (PDF)", n=second)).click()
    assert info.value.suggested_filename == f"advies-{traject_id}-versie-{second}.pdf"
    with open(info.value.path(), "rb") as handle:
        assert handle.read() == second_pdf
    trip.finish()
