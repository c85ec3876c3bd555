"""The regisseur reads the motives per party, the ICT users and the SWOT with its sector suggestions on the
demo in the case's proportions: on a desktop and a 390 px phone, in Dutch and English, checked with axe-core,
for Dutch text left in English, and for pages wider than the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services.demo import REGISSEUR

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "5-motieven-gebruikers"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_motives_users_and_suggestions_pages(lang, simulated_demo, live_server, new_context, journey, login, translate):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    trip = journey(JOURNEY, lang)
    tid = simulated_demo["traject_id"]
    for width in (1280, 390):
        page = new_context(lang=lang).new_page()
        page.set_viewport_size({"width": width, "height": 900})
        login(page, REGISSEUR["email"], REGISSEUR["password"], lang, trip)
        for path, heading, text in (
            (f"/trajecten/{tid}/motieven", t("Motieven per partij"), t("Bestuur (op naam)")),
            (f"/trajecten/{tid}/ict-gebruikers", t("ICT-foto: de gebruikers"), t("Tevredenheid per school")),
            (f"/trajecten/{tid}/swot", t("Sterkte-zwakteanalyse (SWOT)"), t("Suggesties uit de sector")),
        ):
            page.goto(live_server + path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            expect(page.get_by_text(text).first).to_be_visible()
            trip.page(page, f"{width}-{path.rsplit('/', 1)[1]}")
            if width == 390:
                assert page.evaluate("document.documentElement.scrollWidth") <= 392, path
        page.context.close()
    trip.finish()
