"""Issue 15 in the browser: the regisseur opens "Verschillen tussen scholen" and "Instrumentkwaliteit"
through the results navigation, on a desktop and a 390 px phone, in Dutch and English; every page
screenshotted and checked with axe-core (and for Dutch text left in English)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services.demo import REGISSEUR

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "15-statistiek"


@pytest.mark.parametrize("lang,phone", [("nl", False), ("en", False), ("nl", True)])
def test_regisseur_reads_differences_and_instrument_quality(
    lang, phone, simulated_demo, live_server, new_context, journey, login, translate
):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    trip = journey(JOURNEY + ("-telefoon" if phone else ""), lang)
    page = new_context(phone=phone, lang=lang).new_page()
    login(page, REGISSEUR["email"], REGISSEUR["password"], lang)
    page.goto(f"{live_server}/trajecten/{simulated_demo['traject_id']}/resultaten")
    nav = page.get_by_role("navigation", name=t("Resultaten en advies"))
    nav.get_by_role("link", name=t("Verschillen"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=t("Verschillen tussen scholen"))).to_be_visible()
    # The case's ICT teams are 2 to 5 people: no two schools are shown, so the page says why it
    # cannot compare them (tests/app/test_results_rollups.py checks the tests themselves on larger data).
    expect(
        page.get_by_text(t("Te weinig getoonde scholen (minstens twee nodig) om te vergelijken.")).first
    ).to_be_visible()
    trip.page(page, "verschillen")
    nav = page.get_by_role("navigation", name=t("Resultaten en advies"))
    nav.get_by_role("link", name=t("Instrumentkwaliteit"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=t("Instrumentkwaliteit"))).to_be_visible()
    expect(page.get_by_role("table", name=t("Item-restcorrelaties")).first).to_be_visible()
    trip.page(page, "instrumentkwaliteit")
    if phone:  # nothing wider than the phone: wide tables scroll inside their own region
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    trip.finish()
