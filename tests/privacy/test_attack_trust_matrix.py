"""Attack: a curious bestuurder reads how each other board rated the others' trustworthiness.

Board members answer the trust questions identified. The full matrix (who rated whom how) is for
the regisseur only; a bestuurder's pages, the report (HTML and XLSX) and the API show per board
only what it receives on average from the others, and only when at least three boards rated it
(a bestuurder knows their own rating: with two raters, the average minus their own would be the
other board's individual rating).
"""

import io
import itertools
import re

import pytest
from builders import add_member, api_token, gen_user, login
from builders_results import build_payload, gen_case_traject, gen_snapshot

from app.extensions import db
from app.models import Organisation
from app.results.views import MIN_TRUST_RATERS

CODES = ("ZL", "BM", "EC", "VN", "BC")
# In `world_hidden` BC is rated by two boards only (ZL and BM): its average stays hidden.
MISSING = {("VN", "BC"), ("EC", "BC")}


def _trust(missing=frozenset()) -> dict:
    cells = []
    # distinct ratings whose 2-decimal spelling no received average shares (checked in `world`)
    values = iter(
        [
            4.343,
            4.006,
            2.69,
            2.06,
            3.044,
            2.629,
            4.107,
            2.233,
            2.909,
            3.325,
            4.592,
            3.018,
            2.149,
            3.998,
            3.462,
            2.027,
            4.598,
            4.883,
            4.21,
            4.568,
        ]
    )
    for a, b in itertools.permutations(CODES, 2):
        mean = next(values)
        if (a, b) in missing:
            continue
        cells.append({"from": a, "to": b, "n": 1, "mean": mean, "score": (mean - 1) / 4 * 100})
    weakest = min(cells, key=lambda c: c["mean"])
    return {
        "cells": cells,
        "mean_received": {},
        "asymmetry": [],
        "weakest_link": {"from": weakest["from"], "to": weakest["to"], "mean": weakest["mean"]},
    }


def _variants(value: float) -> set[str]:
    # pages, report and XLSX are Dutch: "3,04" (a dot would also match SVG coordinates)
    return {f"{value:.2f}".replace(".", ",")}


def _world(missing):
    regisseur = gen_user("regisseur")
    traject = gen_case_traject(regisseur)
    zl = db.session.query(Organisation).filter_by(traject_id=traject.id, code="ZL").one()
    board = gen_user("bestuurder", organisation=zl)
    add_member(traject, board)
    payload = build_payload()
    trust = _trust(missing)
    payload["board"]["trust"] = trust
    gen_snapshot(traject, payload)
    cells = trust["cells"]
    individual = set().union(*(_variants(c["mean"]) for c in cells))
    received = {}
    for code in CODES:
        got = [c["mean"] for c in cells if c["to"] == code]
        if len(got) >= MIN_TRUST_RATERS:
            received[code] = sum(got) / len(got)
    # the test's own precondition: no received average prints like an individual rating
    assert not individual & set().union(*(_variants(v) for v in received.values()))
    traject.raw_ratings = {c["mean"] for c in cells}  # as the API would give them
    return traject, regisseur, board, individual, received


@pytest.fixture
def world(app):
    """Every board rated by the four others."""
    return _world(frozenset())


@pytest.fixture
def world_hidden(app):
    """BC rated by two boards only, and the traject-wide trust mean visible in the indicators."""
    return _world(frozenset(MISSING))


def _trust_table(html: str) -> str:
    match = re.search(r'<table class="data-table[^"]*" id="(?:tabel|r)-vertrouwen">(.*?)</table>', html, re.S)
    assert match, "no trust table on the page"
    return match.group(1)


def _dashboard(client, traject) -> str:
    """The dashboard's first screen followed by its board page (where the trust table lives):
    every assertion below holds for both together."""
    first = client.get(f"/trajecten/{traject.id}/resultaten")
    board = client.get(f"/trajecten/{traject.id}/resultaten/bestuur")
    assert first.status_code == 200 and board.status_code == 200
    return first.get_data(as_text=True) + board.get_data(as_text=True)


def test_the_bestuurder_dashboard_shows_only_received_averages(client, world):
    traject, _, board, individual, received = world
    login(client, board)
    html = _dashboard(client, traject)
    table = _trust_table(html)
    assert not {s for s in individual if s in html}, "an individual board's rating is on the page"
    assert "Zwakste schakel" not in html and "Vertrouwensmatrix" not in html
    assert len(received) == len(CODES)
    for code, value in received.items():
        assert _variants(value) & {s for s in _variants(value) if s in table}, code


def test_a_hidden_board_cannot_be_worked_out_from_the_totals(client, world_hidden):
    """BC has two raters (ZL and BM). Shown averages of the other four boards plus the visible
    traject-wide trust mean would give ZL→BC + BM→BC, and ZL's bestuurder knows ZL→BC: so no
    average is shown at all."""
    from app.results.views import received_trust_rows, trust_isolates_a_rating

    traject, _, board, individual, received = world_hidden
    login(client, board)
    html = _dashboard(client, traject)
    table = _trust_table(html)
    assert not {s for s in individual if s in html}
    assert not {s for value in received.values() for s in _variants(value) if s in table}
    assert table.count("te weinig beoordelaars") >= 2 * len(CODES)
    # the rule itself: with the total visible the four averages isolate BM→BC for ZL's viewer
    cells = _trust(frozenset(MISSING))["cells"]
    total_row = [{"construct": "trust", "organisation": None, "role": None, "n": 10, "suppressed": False}]
    assert trust_isolates_a_rating(cells, {"ZL", "BM", "EC", "VN"}, total_row)
    assert not trust_isolates_a_rating(cells, {"ZL", "BM", "EC", "VN"}, [])
    assert [r["suppressed"] for r in received_trust_rows(cells, [])] == [True, False, False, False, False]
    # BC (hidden) comes first in code order: BC, BM, EC, VN, ZL
    assert all(r["suppressed"] for r in received_trust_rows(cells, total_row))


def test_the_regisseur_sees_the_full_matrix(client, world):
    traject, regisseur, _, individual, _ = world
    login(client, regisseur)
    html = _dashboard(client, traject)
    shown = {s for s in individual if s in _trust_table(html)}
    assert shown == individual  # every cell
    assert "Zwakste schakel" in html


def test_the_report_page_shows_no_individual_rating(client, world):
    traject, _, board, individual, _ = world
    login(client, board)
    response = client.get(f"/trajecten/{traject.id}/rapport")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert not {s for s in individual if s in html}


def test_the_xlsx_report_and_the_api_show_no_individual_rating(client, world):
    from openpyxl import load_workbook

    traject, _, board, individual, received = world
    headers = api_token(board)
    response = client.get(f"/api/v1/trajects/{traject.id}/report.xlsx", headers=headers)
    for _ in range(5):
        if response.status_code != 202:
            break
        response = client.get(f"/api/v1/trajects/{traject.id}/report.xlsx", headers=headers)
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(response.data))
    response.close()
    texts = {
        str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None
    }
    assert not {s for s in individual if any(s in t for t in texts)}
    assert any(name.startswith("Vertrouwen") for name in workbook.sheetnames)  # sheets carry their titles
    # the API: indicators carry no trust cells either
    indicators = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=headers).get_json()
    numbers, stack = set(), [indicators]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, float):
            numbers.add(value)
    assert not numbers & traject.raw_ratings
