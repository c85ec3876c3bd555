"""Journey 3, the bestuurder: logs in, signs the commitment statement of their school, revises it,
and reads the advice report of the traject (the demo traject filled by `demo simulate`). In Dutch
and in English (a different school per language; the simulated demo may already hold that school's first statement); every main
page screenshotted and checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.services.demo import BOARD_PASSWORD, board_email

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
JOURNEY = "3-bestuurder"
SCHOOL = {"nl": "ZL", "en": "BM"}


def _fill_statement(page, middle: int) -> None:
    """Answer every question of the statement form: the `middle`-th option of every radio group
    (or its last), the first box of every multiple choice, and the signature."""
    names = page.eval_on_selector_all(".respond-form input[type=radio]", "els => [...new Set(els.map(e => e.name))]")
    for name in names:
        options = page.locator(f"input[type=radio][name='{name}']")
        if name == "signature_agree":
            page.locator("input[type=radio][name='signature_agree'][value='ja']").check()
        else:
            options.nth(min(middle, options.count() - 1)).check()
    boxes = page.eval_on_selector_all(".respond-form input[type=checkbox]", "els => [...new Set(els.map(e => e.name))]")
    for name in boxes:
        box = page.locator(f"input[type=checkbox][name='{name}']").first
        if not box.is_checked():
            box.check()
    for field in page.locator(".respond-form input[type=text], .respond-form textarea").all():
        if not field.input_value():
            field.fill("Bestuurder Zuyderzee" if "signature" in (field.get_attribute("name") or "") else "Geen.")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bestuurder_signs_revises_and_reads_the_report(
    lang, simulated_demo, live_server, new_context, journey, login, translate
):
    t = lambda msgid, **values: translate(lang, msgid, **values)  # noqa: E731
    traject_id = simulated_demo["traject_id"]
    trip = journey(JOURNEY, lang)
    page = new_context(lang=lang).new_page()
    login(page, board_email(SCHOOL[lang]), BOARD_PASSWORD, lang, trip)
    # The bestuurder's home: what is asked of them first, then the results.
    expect(page.get_by_role("heading", level=2, name=t("Wat wordt van u gevraagd"))).to_be_visible()
    trip.page(page, "thuis")
    page.get_by_role("link", name="Verkenning ICT-samenwerking SSVO").click()
    trip.page(page, "traject")

    # Sign the commitment statement
    page.get_by_role("link", name=t("Mijn commitmentverklaring")).click()
    expect(page.get_by_role("heading", level=1, name=t("Commitmentverklaring"))).to_be_visible()
    # The simulated demo may already hold this bestuurder's first statement; then signing anew is
    # a revision, and the history below has one version more.
    expect(
        page.get_by_role(
            "heading",
            level=2,
            name=re.compile(f"^({re.escape(t('Verklaring invullen'))}|{re.escape(t('Verklaring herzien'))})$"),
        )
    ).to_be_visible()
    existing = page.get_by_role("heading", level=2, name=t("Verklaring herzien")).count() == 1
    trip.page(page, "verklaring-invullen")
    _fill_statement(page, middle=3)
    page.get_by_role(
        "button", name=t("Herziene verklaring ondertekenen" if existing else "Verklaring ondertekenen")
    ).click()
    expect(page.get_by_text(t("Uw verklaring is ondertekend en opgeslagen."))).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=t("Uw huidige verklaring"))).to_be_visible()
    trip.page(page, "verklaring-ondertekend")

    # Revise it: the form comes prefilled; change the answers and sign again
    expect(page.get_by_role("heading", level=2, name=t("Verklaring herzien"))).to_be_visible()
    _fill_statement(page, middle=4)
    page.get_by_role("button", name=t("Herziene verklaring ondertekenen")).click()
    expect(page.get_by_text(t("Uw verklaring is ondertekend en opgeslagen."))).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=t("Eerdere versies"))).to_be_visible()
    expect(page.locator(".respond-history li")).to_have_count(2 if existing else 1)
    trip.page(page, "verklaring-herzien")

    # Read the advice report
    page.goto(f"{live_server}/trajecten/{traject_id}")
    page.get_by_role("link", name=t("Adviesrapport")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Adviesrapport"))
    trip.page(page, "adviesrapport")
    # Reading only, but the bestuurder may have the PDF built (it changes no data) and download it.
    page.get_by_role("button", name=t("Rapport bouwen")).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Adviesrapport (PDF)")).click()
    with open(download.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    trip.page(page, "adviesrapport-klaar")
    trip.finish()
