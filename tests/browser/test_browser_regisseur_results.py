"""Journey 4, the regisseur reads the results: follows the response rate, opens the dashboard, the
SWOT, the feasibility per domain and the roadmap, builds the advice report and downloads the PDF.
The demo traject is filled by `demo simulate` (shared with the bestuurder's journey). In Dutch and
in English; every main page screenshotted and checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services.demo import REGISSEUR
from surveys.templates import load_template

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "4-regisseur-resultaten"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_regisseur_follows_response_and_reads_the_results(
    lang, simulated_demo, live_server, new_context, journey, login, translate
):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    trip = journey(JOURNEY, lang)
    page = new_context(lang=lang).new_page()
    login(page, REGISSEUR["email"], REGISSEUR["password"], lang, trip)
    page.get_by_role("link", name="Verkenning ICT-samenwerking SSVO").click()
    trip.page(page, "traject")

    # Response rate of the staff questionnaire
    staff_title = load_template("ict_staff").title[lang]
    page.get_by_role("link", name=t("Deelnemers en respons")).click()
    trip.page(page, "deelnemers-en-respons")
    page.get_by_role("link", name=f"{t('Respons')} {staff_title}").click()
    expect(page.get_by_role("heading", level=1, name=t("Respons: %(title)s", title=staff_title))).to_be_visible()
    expect(page.locator("table.response-rates meter").first).to_be_visible()
    trip.page(page, "respons")

    # Dashboard, SWOT, feasibility, roadmap: through the results navigation
    page.goto(f"{live_server}/trajecten/{simulated_demo['traject_id']}")
    page.get_by_role("link", name=t("Resultaten (dashboard)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Resultaten"))
    trip.page(page, "dashboard")
    nav = page.get_by_role("navigation", name=t("Resultaten en advies"))
    for label, heading, name in [
        (t("Motieven"), t("Motieven per partij"), "motieven"),
        (t("ICT-gebruikers"), t("ICT-foto: de gebruikers"), "ict-gebruikers"),
        (t("SWOT"), t("Sterkte-zwakteanalyse (SWOT)"), "swot"),
        (t("Haalbaarheid"), t("Haalbaarheid per domein en samenwerkingsvorm"), "haalbaarheid"),
        (t("Routekaart"), t("Routekaart"), "routekaart"),
    ]:
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        trip.page(page, name)

    # The advice report: build it (an eager task here) and download the PDF
    nav.get_by_role("link", name=t("Adviesrapport"), exact=True).click()
    trip.page(page, "adviesrapport")
    page.get_by_role("button", name=t("Rapport bouwen")).click()
    expect(page.get_by_text(t("Het rapport is klaar."))).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name=t("Adviesrapport (PDF)")).click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    trip.page(page, "rapport-gebouwd")
    trip.finish()
