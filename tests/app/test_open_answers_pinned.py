"""The open-answers page of a small release, pinned: groups, counts, order, filters, paging and the
threshold, exactly as the page showed them before the groups got their own table (issue 18)."""

import json
import os
import re
from pathlib import Path

from builders import gen_user, login
from builders_results import gen_case_traject, gen_snapshot

from app.extensions import db

PINNED = Path(__file__).parent / "data" / "open_answers_pinned.json"
WORDS = [
    "overleg",
    "laptop",
    "wifi",
    "privacy",
    "werkdruk",
    "helpdesk",
    "Zoë",
    "ZOE",
    "_x_",
    "100%",
    "inkoop",
    "netwerk",
]
QUERIES = [
    "",
    "?pagina=2",
    "?pagina=3",
    "?pagina=4",
    "?pagina=999",
    "?pagina=abc",
    "?pagina=-1",
    "?vraag=ict_staff:worries",
    "?vraag=ict_staff:conditions&pagina=2",
    "?vraag=ict_staff:remarks",
    "?vraag=ict_staff:Zorgen&zoek=punt",
    "?domein=overleg",
    "?domein=overig&pagina=2",
    "?domein=netwerk&herhaald=1",
    "?zoek=punt+1",
    "?zoek=punt&pagina=2",
    "?zoek=_x",
    "?zoek=100%25",
    "?zoek=ZOE",
    "?zoek=bestaat+niet",
    "?herhaald=1",
    "?herhaald=1&pagina=2",
    "?vraag=ict_staff:conditions&herhaald=1&zoek=punt",
    "?vraag=ict_staff:worries&domein=overig&zoek=punt&herhaald=1&pagina=2",
    "?domein=bestaat-niet",
    "?vraag=bestaat:niet",
]


def _comments():
    """Schools of 4, 5, 6 and 60 writers, near-identical spellings, blanks, a question of blanks only."""
    out = []
    for i in range(300):
        number = i % 97 if i < 150 else i % 24  # the second half repeats itself, in other spellings
        text = f"{WORDS[i % len(WORDS)]} punt {number}" + ("!" if i % 4 == 0 else "") + ("  " if i % 5 == 0 else "")
        if i % 7 == 0:
            text = text.upper()
        out.append((text, "worries" if i % 3 else "conditions" if i % 2 else "Zorgen", "ZL"))
    out += [("Meer overleg", "worries", "BM")] * 4  # below 5: never shown
    out += [("Meer OVERLEG!", "worries", "EC")] * 3 + [("meer overleg", "worries", "EC")] * 2  # exactly 5
    out += [("Wifi valt uit", "worries", "VN")] * 6  # 6: gone when the threshold is raised to 6
    out += [("   ", "remarks", "BC")] * 6 + [("", "remarks", "BC")]  # no words
    return [
        {"questionnaire": "ict_staff", "question": q, "organisation": o, "role": "ict_staff", "text": t}
        for t, q, o in out
    ]


def _section(html: str, traject_id: int) -> str:
    body = html[html.index('<section id="opmerkingen"') : html.index("</section>", html.rindex("answer-groups")) + 10]
    return re.sub(rf"/trajecten/{traject_id}/", "/trajecten/T/", body)


def test_the_open_answers_page_shows_what_it_showed(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    traject.comment_threshold = 5
    db.session.commit()
    gen_snapshot(traject, {"comments": _comments()})
    login(client, owner)
    url = f"/trajecten/{traject.id}/resultaten/open-antwoorden"
    seen = {}
    for threshold in (5, 6):
        traject.comment_threshold = threshold
        db.session.commit()
        for query in QUERIES:
            html = client.get(url + query).get_data(as_text=True)
            seen[f"{threshold}{query}"] = (
                _section(html, traject.id) if "answer-groups" in html else html.count("Geen open antwoorden")
            )
    if os.environ.get("PIN_OPEN_ANSWERS"):  # written once, by the page before the groups table
        PINNED.write_text(json.dumps(seen, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    assert seen == json.loads(PINNED.read_text())
