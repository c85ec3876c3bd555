"""SWOT, confrontatiematrix, feasibility overrides and roadmap pages: rules, limits and access."""

from builders import add_member, gen_user, login
from builders_results import gen_case_traject, gen_snapshot
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models.advice import FeasibilityOverride, RoadmapAction, SwotItem
from app.services import advice


def _setup(client):
    owner = gen_user("regisseur", name="Anne Regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    login(client, owner)
    return owner, traject


def _items(traject, organisation=None):
    query = select(SwotItem).where(SwotItem.traject_id == traject.id)
    query = query.where(
        SwotItem.organisation_code.is_(None) if organisation is None else SwotItem.organisation_code == organisation
    )
    return list(db.session.scalars(query))


def test_swot_page_derives_items_with_rule_and_evidence_link_once(client, app):
    owner, traject = _setup(client)
    html = client.get(f"/trajecten/{traject.id}/swot").get_data(as_text=True)
    # The rule is named in words, not by its code (issue 16).
    assert "regel: lage score op een draagvlakindex" in html and "index.knelpunt" not in html
    assert f"/trajecten/{traject.id}/resultaten/draagvlak#indices" in html
    # A new traject has no case facts; the sector's generic items are offered as suggestions only.
    assert "Suggesties uit de sector" in html and "Hoofd ICT is al aangesteld" not in html
    assert not [i for i in _items(traject) if i.quadrant in "OT" and i.source == "manual"]
    count = len(_items(traject))
    client.get(f"/trajecten/{traject.id}/swot")
    assert len(_items(traject)) == count  # a second visit adds nothing
    assert client.get(f"/trajecten/{traject.id}/swot?org=BM").status_code == 200
    assert any(i.rule == "foto.pensionering" for i in _items(traject, "BM"))
    assert client.get(f"/trajecten/{traject.id}/swot?org=XX").status_code == 404


def test_manual_items_add_edit_delete_and_auto_items_are_protected(client, app):
    owner, traject = _setup(client)
    client.get(f"/trajecten/{traject.id}/swot")
    r = client.post(
        f"/trajecten/{traject.id}/swot/punten?org=ZL",
        data={"quadrant": "O", "text_nl": "Nieuwe aanbesteding werkplekken in 2027"},
        follow_redirects=True,
    )
    assert "SWOT-punt opgeslagen" in r.get_data(as_text=True)
    item = next(i for i in _items(traject, "ZL") if i.source == "manual")
    client.post(f"/trajecten/{traject.id}/swot/punten/{item.id}", data={"quadrant": "T", "text_nl": "Gewijzigd"})
    db.session.refresh(item)
    assert (item.quadrant, item.text_nl) == ("T", "Gewijzigd")
    r = client.post(
        f"/trajecten/{traject.id}/swot/punten", data={"quadrant": "S", "text_nl": "  "}, follow_redirects=True
    )
    assert "Vul een omschrijving in." in r.get_data(as_text=True)
    auto = next(i for i in _items(traject) if i.source == "auto")
    r = client.post(f"/trajecten/{traject.id}/swot/punten/{auto.id}/verwijderen", follow_redirects=True)
    assert "niet verwijderen" in r.get_data(as_text=True) and db.session.get(SwotItem, auto.id) is not None
    client.post(f"/trajecten/{traject.id}/swot/punten/{item.id}/verwijderen")
    assert db.session.get(SwotItem, item.id) is None


def test_at_most_five_per_quadrant_server_side(client, app):
    owner, traject = _setup(client)
    client.get(f"/trajecten/{traject.id}/swot")
    for k in range(6):
        client.post(f"/trajecten/{traject.id}/swot/punten", data={"quadrant": "S", "text_nl": f"Sterkte {k}"})
    strengths = [i.id for i in _items(traject) if i.quadrant == "S"]
    assert len(strengths) >= 6
    r = client.post(f"/trajecten/{traject.id}/swot/selectie", data={"selected": strengths[:6]}, follow_redirects=True)
    assert "Kies hoogstens 5 punten per kwadrant" in r.get_data(as_text=True)
    assert not any(i.selected for i in _items(traject))
    client.post(f"/trajecten/{traject.id}/swot/selectie", data={"selected": strengths[:5]})
    assert sum(i.selected for i in _items(traject)) == 5


def test_confrontation_scores_and_sums(client, app):
    owner, traject = _setup(client)
    client.get(f"/trajecten/{traject.id}/swot")
    s = [i for i in _items(traject) if i.quadrant == "W"][:2]
    o = [i for i in _items(traject) if i.quadrant in "OT"][:2]
    client.post(f"/trajecten/{traject.id}/swot/selectie", data={"selected": [i.id for i in s + o]})
    client.post(
        f"/trajecten/{traject.id}/swot/confrontatie",
        data={
            f"score-{s[0].id}-{o[0].id}": "2",
            f"score-{s[0].id}-{o[1].id}": "-1",
            f"score-{s[1].id}-{o[0].id}": "1",
            f"score-{s[1].id}-{o[1].id}": "0",
        },
    )
    state = advice.confrontation_state(traject, None)
    assert state["result"]["rows"] == {s[0].id: 1, s[1].id: 1}
    assert state["result"]["columns"] == {o[0].id: 3, o[1].id: -1}
    html = client.get(f"/trajecten/{traject.id}/swot").get_data(as_text=True)
    assert "Belangrijkste aandachtspunten" in html and "+3" in html
    r = client.post(
        f"/trajecten/{traject.id}/swot/confrontatie", data={f"score-{s[0].id}-{o[0].id}": "5"}, follow_redirects=True
    )
    assert "tussen −2 en +2" in r.get_data(as_text=True)


def test_feasibility_override_keeps_who_when_and_audits(client, app):
    owner, traject = _setup(client)
    html = client.get(f"/trajecten/{traject.id}/haalbaarheid").get_data(as_text=True)
    assert "knock-out" in html and "advies" in html and "<caption" in html
    r = client.post(
        f"/trajecten/{traject.id}/haalbaarheid/overschrijven",
        data={"domain": "inkoop", "form": "ssc", "score": "80", "reason": ""},
        follow_redirects=True,
    )
    assert "Geef een schriftelijke onderbouwing." in r.get_data(as_text=True)
    assert db.session.scalar(select(FeasibilityOverride)) is None
    client.post(
        f"/trajecten/{traject.id}/haalbaarheid/overschrijven",
        data={"domain": "inkoop", "form": "ssc", "score": "80", "reason": "SIVON regelt de inkoop al centraal."},
    )
    row = db.session.scalar(select(FeasibilityOverride))
    assert row.score == 80 and row.user_id == owner.id and row.at is not None and row.reason.startswith("SIVON")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feasibility.override"))
    assert event.actor_id == owner.id and event.detail["score"] == 80.0
    html = client.get(f"/trajecten/{traject.id}/haalbaarheid").get_data(as_text=True)
    assert "Anne Regisseur" in html and "SIVON regelt" in html and "overschreven" in html
    feas = advice.feasibility(traject)
    assert next(r for r in feas["recommendations"] if r["domain"] == "inkoop")["form"] == "ssc"


def test_roadmap_proposals_never_duplicate_and_edits(client, app):
    owner, traject = _setup(client)
    r = client.post(f"/trajecten/{traject.id}/routekaart/voorstel", follow_redirects=True)
    assert "voorgesteld" in r.get_data(as_text=True)
    rows = list(db.session.scalars(select(RoadmapAction)))
    keys = [a.key for a in rows]
    assert "overleg" in keys and len(keys) == len(set(keys))
    assert {a.horizon for a in rows} >= {"kort"}
    r = client.post(f"/trajecten/{traject.id}/routekaart/voorstel", follow_redirects=True)
    assert "Geen nieuwe voorstellen" in r.get_data(as_text=True)
    assert len(list(db.session.scalars(select(RoadmapAction)))) == len(rows)
    first, second = rows[0], rows[1]
    client.post(
        f"/trajecten/{traject.id}/routekaart/acties/{second.id}",
        data={
            "title": second.title,
            "horizon": "middellang",
            "owner": "Hoofd ICT",
            "quarter": "2027-k2",
            "status": "bezig",
            "depends_on": [first.id],
        },
    )
    db.session.refresh(second)
    assert (second.owner, second.quarter, second.status, second.depends_on) == (
        "Hoofd ICT",
        "2027-K2",
        "bezig",
        [first.id],
    )
    r = client.post(
        f"/trajecten/{traject.id}/routekaart/acties/{first.id}",
        data={
            "title": first.title,
            "horizon": "kort",
            "quarter": "2027-K1",
            "status": "open",
            "depends_on": [second.id],
        },
        follow_redirects=True,
    )
    assert "kringloop" in r.get_data(as_text=True)
    r = client.post(
        f"/trajecten/{traject.id}/routekaart/acties",
        data={"title": "Gezamenlijke aanbesteding", "horizon": "kort", "quarter": "volgend jaar", "status": "open"},
        follow_redirects=True,
    )
    assert "2027-K1" in r.get_data(as_text=True)  # the Dutch format hint
    html = client.get(f"/trajecten/{traject.id}/routekaart").get_data(as_text=True)
    assert 'role="img"' in html and "Korte termijn" in html and "Lange termijn" in html


def test_bestuurder_reads_but_cannot_edit(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, owner)
    client.get(f"/trajecten/{traject.id}/swot")
    client.post("/logout")
    login(client, board)
    for url in ("swot", "haalbaarheid", "routekaart", "rapport", "resultaten"):
        page = client.get(f"/trajecten/{traject.id}/{url}")
        assert page.status_code == 200, url
        assert 'name="csrf_token"' not in page.get_data(as_text=True).split("</header>")[1] or url == "rapport"
    assert client.post(f"/trajecten/{traject.id}/routekaart/voorstel").status_code == 403
    assert (
        client.post(f"/trajecten/{traject.id}/swot/punten", data={"quadrant": "S", "text_nl": "x"}).status_code == 403
    )
    assert (
        client.post(
            f"/trajecten/{traject.id}/haalbaarheid/overschrijven",
            data={"domain": "inkoop", "form": "ssc", "score": "80", "reason": "x"},
        ).status_code
        == 403
    )
    # Having the report built changes no data, so a bestuurder may ask for the PDF.
    assert client.post(f"/trajecten/{traject.id}/rapport/bouwen").status_code == 302
    outsider = gen_user("regisseur")
    client.post("/logout")
    login(client, outsider)
    for url in ("swot", "haalbaarheid", "routekaart", "rapport"):
        assert client.get(f"/trajecten/{traject.id}/{url}").status_code == 404
    assert client.post(f"/trajecten/{traject.id}/routekaart/voorstel").status_code == 404


def test_traject_page_links_to_results(client, app):
    owner, traject = _setup(client)
    html = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert f"/trajecten/{traject.id}/resultaten" in html and f"/trajecten/{traject.id}/rapport" in html
