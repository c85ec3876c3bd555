"""The open-answers page of a small release in Chromium: first page, a filtered later page and the
last page, screenshotted (artifacts/screenshots/open-answers-*.png) to compare before and after."""

import os

from builders import PASSWORD, gen_user
from builders_results import gen_case_traject, gen_snapshot
from playwright.sync_api import expect

SHOTS = ("", "?zoek=punt&pagina=2", "?herhaald=1", "?pagina=999")


def test_open_answers_pages_read_the_same(live_server, in_app, new_context, login, live_app):
    from app.extensions import db

    words = ["overleg", "laptop", "wifi", "privacy", "werkdruk", "helpdesk", "Zoë", "ZOE", "netwerk"]
    comments = [
        {
            "questionnaire": "ict_staff",
            "question": "worries" if i % 3 else "conditions",
            "organisation": "ZL",
            "role": "ict_staff",
            "text": f"{words[i % len(words)]} punt {i % 97 if i < 150 else i % 24}" + ("!" if i % 4 == 0 else ""),
        }
        for i in range(300)
    ]
    with in_app():
        owner = gen_user("regisseur")
        traject = gen_case_traject(owner)
        traject.comment_threshold = 5
        db.session.commit()
        gen_snapshot(traject, {"comments": comments})
        email, traject_id = owner.email, traject.id
    page = new_context(lang="nl").new_page()
    login(page, email, PASSWORD, "nl")
    out = os.path.join(live_app.root_path, "..", "artifacts", "screenshots")
    os.makedirs(out, exist_ok=True)
    label = os.environ.get("OPEN_ANSWERS_SHOT", "now")
    for n, query in enumerate(SHOTS):
        page.goto(f"{live_server}/trajecten/{traject_id}/resultaten/open-antwoorden{query}")
        expect(page.get_by_role("heading", level=2, name="Open antwoorden")).to_be_visible()
        expect(page.get_by_role("status")).to_be_visible()
        page.screenshot(path=os.path.join(out, f"open-answers-{label}-{n}.png"), full_page=True)
