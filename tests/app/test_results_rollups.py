"""Roll-ups and the statistics pages (issue 15): the dashboard says which small groups are shown
together and why; "Verschillen tussen scholen" shows the tests only for shown schools; the
instrument-quality page shows alpha with its complete respondents and item–rest correlations."""

import re

import pytest
from builders import add_member, gen_user, login
from builders_results import ORGANISATIONS, gen_case_traject

from app.extensions import db
from app.services import indicators, simulation


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def small_case(app):
    """The case's five schools with 25 simulated staff: BC, BM (2 each) and VN (5) are hidden."""
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner, anonymity_threshold=5)
    simulation.simulate(traject, 25, seed=3, ict_staff=25)  # 25 ICT staff, not the case's small teams
    db.session.commit()
    indicators.compute_snapshot(traject)
    return owner, traject


def test_release_holds_the_pool_of_the_hidden_schools(small_case):
    _, traject = small_case
    snapshot = indicators.latest_snapshot(traject)
    state = snapshot.counts["disclosure"]["ict_staff"]
    hidden = {c for c in state["hidden"] if c.endswith("|")}
    assert hidden == {"BC|", "BM|", "VN|"}
    (pool,) = [p for p in snapshot.payload["rollups"] if p["questionnaire"] == "ict_staff"]
    assert pool["organisations"] == ["BC", "BM", "VN"] and pool["n"] == state["counts"]["+BC+BM+VN|"] >= 5
    draagvlak = next(r for r in pool["indices"] if r["index"] == "draagvlak")
    assert draagvlak["n"] <= pool["n"] and draagvlak["organisation"] == "+BC+BM+VN"
    # The pool is in the release's visible groups, so the next release's audit includes it.
    assert "+BC+BM+VN|" in state["visible"]["responses"]


def test_dashboard_explains_every_roll_up(client, small_case):
    owner, traject = small_case
    login(client, owner)
    html = client.get(f"/trajecten/{traject.id}/resultaten").get_data(as_text=True)
    text = _text(html)
    assert "Kleine groepen samengevoegd" in text
    names = ", ".join(ORGANISATIONS[c] for c in ("BC", "BM", "VN"))
    assert f"Kleinere scholen samen ({names})" in text
    expected = f"{names} : zit in Kleinere scholen samen ({names}); alle ICT-medewerkers samen; alle respondenten samen"
    assert expected in text
    assert "alle respondenten samen" in text
    # No n of a hidden school, and no reason per hidden school (it would bound its n).
    assert "complement" not in text


def test_differences_page_compares_only_shown_schools(client, small_case):
    owner, traject = small_case
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    response = client.get(f"/trajecten/{traject.id}/resultaten/verschillen")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kruskal–Wallis H" in html and "η²_H" in html
    tables = re.findall(r'<caption id="groepen-\d+">.*?</table>', html, flags=re.S)
    assert tables
    for table in tables:
        assert ORGANISATIONS["ZL"] in table and ORGANISATIONS["EC"] in table
        for code in ("BC", "BM", "VN"):
            assert ORGANISATIONS[code] not in table
    snapshot = indicators.latest_snapshot(traject)
    tested = [c for c in snapshot.payload["comparisons"] if c.get("tested")]
    assert len(tables) == len([c for c in snapshot.payload["comparisons"] if c["groups"]])
    for c in tested:
        assert {g["group"] for g in c["groups"]} == {"EC", "ZL"}
    # Beside the median, each school's answer distribution (from its released construct row).
    row = next(
        r
        for r in snapshot.payload["constructs"]
        if r["questionnaire"] == "ict_staff"
        and r["construct"] == tested[0]["construct"]
        and r["organisation"] == "ZL"
        and r["role"] is None
    )
    assert " · ".join(str(row["distribution"][p]) for p in "12345") in "".join(tables)


def test_quality_page_shows_alpha_with_its_respondents(client, small_case):
    owner, traject = small_case
    login(client, owner)
    response = client.get(f"/trajecten/{traject.id}/resultaten/instrumentkwaliteit")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    snapshot = indicators.latest_snapshot(traject)
    rows = [r for r in snapshot.payload["item_quality"] if r["questionnaire"] == "ict_staff"]
    assert rows and all(r["alpha_n"] <= r["n"] for r in rows)
    assert "Item-restcorrelaties" in text and "volledige respondenten van de" in text
    assert f"over {rows[0]['alpha_n']} volledige respondenten van de {rows[0]['n']}" in text


def test_statistics_pages_answer_404_to_outsiders(client, small_case):
    _, traject = small_case
    outsider = gen_user("bestuurder")
    login(client, outsider)
    for page in ("verschillen", "instrumentkwaliteit"):
        assert client.get(f"/trajecten/{traject.id}/resultaten/{page}").status_code == 404


def test_english_pages(client, small_case):
    owner, traject = small_case
    login(client, owner)
    client.get("/taal/en")
    text = _text(client.get(f"/trajecten/{traject.id}/resultaten/verschillen").get_data(as_text=True))
    assert "Differences between schools" in text


def test_publish_page_previews_the_roll_ups_from_the_participant_list(client, app):
    from builders import gen_traject
    from respond_builders import gen_participant, gen_questionnaire

    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB", "CC", "DD"), anonymity_threshold=5)
    questionnaire = gen_questionnaire(traject, status="draft")
    for org, n in (("AA", 2), ("BB", 4), ("CC", 8), ("DD", 9)):
        for _ in range(n):
            gen_participant(questionnaire, organisation=org)
    login(client, owner)
    text = _text(client.get(f"/vragenlijsten/{questionnaire.id}/publiceren").get_data(as_text=True))
    assert "Welke groepen de resultaten tonen" in text and "23 deelnemers" in text
    # At full response AA (2) and BB (4) roll up together (6, the rest 17); CC and DD are shown.
    assert "School AA samengevoegd: minder dan 5 samengevoegd: minder dan 5" in text
    assert "School DD getoond (n = 9) getoond (n = 6)" in text
    assert "Samengevoegde groep bij 100% respons: Kleinere scholen samen (School AA, School BB) (n = 6)" in text
    # At 70% AA and BB hold 3: CC (5) must hide too, else AA+BB = total − CC − DD; the pool is all three.
    assert "School CC getoond (n = 8) samengevoegd: zou een kleine groep verraden" in text
    assert "bij 70% respons: Kleinere scholen samen (School AA, School BB, School CC) (n = 8)" in text
    assert "ICT-medewerker" not in text  # one role only: no role rows that repeat the schools


def test_report_page_says_which_roll_up_it_shows(client, small_case):
    owner, traject = small_case
    login(client, owner)
    text = _text(client.get(f"/trajecten/{traject.id}/rapport").get_data(as_text=True))
    assert "Kleine groepen samengevoegd" in text and "Kleinere scholen samen (" in text


def test_api_comparisons_only_between_shown_schools_and_equal_to_scipy(client, small_case):
    """The indicators API's comparisons: only EC and ZL (the shown schools) take part; H and the
    pair's U and p equal scipy.stats.kruskal / mannwhitneyu on scores recomputed here from the
    stored answers (mean of answered items, reversed items as 6 - x, at least half answered)."""
    import numpy as np
    from builders import api_token
    from scipy import stats

    from app.models import Questionnaire, Response
    from surveys.model import Questionnaire as Definition

    owner, traject = small_case
    body = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(owner)).get_json()
    comparisons = body["comparisons"]
    assert comparisons
    assert all({g["group"] for g in c["groups"]} <= {"EC", "ZL"} for c in comparisons)
    questionnaire = db.session.query(Questionnaire).filter_by(traject_id=traject.id, template_key="ict_staff").one()
    questions = [
        q
        for q in Definition.from_dict(questionnaire.definition).questions()
        if q.type == "likert" and q.construct == "appropriateness"
    ]
    scores = {"EC": [], "ZL": []}
    for response in db.session.query(Response).filter_by(questionnaire_id=questionnaire.id, is_latest=True):
        if response.organisation_code not in scores:
            continue
        values = [(6 - v if q.reverse else v) for q in questions if (v := response.answers.get(q.key)) is not None]
        if len(values) >= len(questions) / 2:
            scores[response.organisation_code].append(np.mean(values))
    result = next(c for c in comparisons if c["construct"] == "appropriateness")
    assert result["tested"]
    h, p = stats.kruskal(scores["EC"], scores["ZL"])
    assert result["h"] == pytest.approx(h, rel=1e-12) and result["p"] == pytest.approx(p, rel=1e-12)
    (pair,) = result["pairs"]
    u, p_pair = stats.mannwhitneyu(scores[pair["a"]], scores[pair["b"]], alternative="two-sided")
    assert pair["u"] == pytest.approx(u) and pair["p"] == pytest.approx(p_pair, rel=1e-12)
    assert pair["p_holm"] == pytest.approx(p_pair, rel=1e-12)  # one pair: Holm leaves p as it is
    assert pair["r_rb"] == pytest.approx(2 * u / (len(scores[pair["a"]]) * len(scores[pair["b"]])) - 1)


def test_frozen_advice_version_keeps_its_roll_up_note(small_case, tmp_path):
    """The PDF and XLSX of a published version say which small groups are shown together: the
    version freezes the explanation of its own release (no n, no reason per group)."""
    import io
    import subprocess

    from openpyxl import load_workbook

    from app.services import advice_versions

    owner, traject = small_case
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    frozen = version.document["snapshot"]["rollup_explanation"]
    assert {(row["organisation"], row["role"]) for row in frozen} >= {("BC", None), ("BM", None), ("VN", None)}
    assert all("n" not in row and "reason" not in row for row in frozen)  # no n, no reason per hidden group

    advice_versions.request_files(version, owner)

    (tmp_path / "v.pdf").write_bytes(advice_versions.file_of(version, "pdf").data)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(tmp_path / "v.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    names = ", ".join(ORGANISATIONS[c] for c in ("BC", "BM", "VN"))
    assert "Kleine groepen samengevoegd" in text
    assert f"Kleinere scholen samen ({names})" in text

    book = load_workbook(io.BytesIO(advice_versions.file_of(version, "xlsx").data))
    sheet = book["Kleine groepen samengevoegd"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [names, f"Kleinere scholen samen ({names}); alle ICT-medewerkers samen; alle respondenten samen"] in rows
