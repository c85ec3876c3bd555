"""Fuzzing the stakeholder CSV import (all or nothing, never a server error) and the anonymous concern form."""

from __future__ import annotations

import io

from builders import gen_traject, gen_user, login
from fuzz.test_fuzz_inputs import CELLS, FUZZ, _rows_in, csv_texts
from hypothesis import given
from hypothesis import strategies as st
from respond_builders import gen_participant, gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models.stakeholders import Concern, Stakeholder

COLUMNS = [
    "naam",
    "name",
    "soort",
    "kind",
    "invloed",
    "influence",
    "belang",
    "interest",
    "houding",
    "organisatie",
    "betrokkenheid",
    "meetgroep",
    "eigenaar",
    "notitie",
    "",
    "x",
]
STAKEHOLDER_CELLS = st.one_of(
    CELLS,
    st.sampled_from(
        [
            "groep",
            "persoon",
            "group",
            "1",
            "3",
            "5",
            "6",
            "0",
            "voorstander",
            "kritisch",
            "meebeslissen",
            "ict-medewerkers",
        ]
    ),
)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_stakeholder_import_never_fails_or_half_stores(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "ZL"))
    login(client, owner)
    traject_id = traject.id

    @FUZZ
    @given(raw=csv_texts(COLUMNS))
    def run(raw):
        before = _count(Stakeholder)
        response = client.post(
            f"/trajecten/{traject_id}/belanghebbenden/import",
            data={"file": (io.BytesIO(raw), "register.csv")},
            content_type="multipart/form-data",
        )
        db.session.rollback()
        assert response.status_code in (200, 302, 413, 422), response.status_code
        added = _count(Stakeholder) - before
        if response.status_code == 302:
            assert added == _rows_in(raw) and added > 0
        else:
            assert added == 0

    run()


def test_anonymous_concern_form_stores_whole_concerns_or_nothing(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    token = gen_participant(gen_questionnaire(traject, "ict_staff"))[1]

    @FUZZ
    @given(text=STAKEHOLDER_CELLS, domain=st.one_of(st.sampled_from(["", "ibp", "koffie"]), st.text(max_size=10)))
    def run(text, domain):
        before = _count(Concern)
        response = client.post(f"/zorg/{token}", data={"text": text, "domain": domain})
        db.session.rollback()
        assert response.status_code in (200, 413, 429), response.status_code
        added = _count(Concern) - before
        assert added in (0, 1)
        if added:
            stored = db.session.scalars(select(Concern).order_by(Concern.arrival.desc())).first()
            assert stored.anonymous and stored.text == text.strip() and stored.raised_on is None

    run()
