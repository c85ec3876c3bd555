"""The open-answers page's groups: written with the release for its threshold, once more for a raised
threshold, gone with a superseded release and with the traject's erasure; two first reads at once."""

import pytest
from builders import gen_user
from builders_results import gen_case_traject, gen_snapshot
from sqlalchemy import func, select

from app.extensions import db
from app.models import ReleasedCommentGroup, ReleasedCommentGrouping
from app.results import open_answers
from app.services import indicators, privacy, released_groups, releases, simulation
from app.services.demo import load_demo


def _groupings(snapshot_id=None):
    query = select(ReleasedCommentGrouping.snapshot_id, ReleasedCommentGrouping.threshold)
    if snapshot_id is not None:
        query = query.where(ReleasedCommentGrouping.snapshot_id == snapshot_id)
    return sorted(db.session.execute(query).all())


def _groups(snapshot_id):
    return db.session.scalar(
        select(func.count()).select_from(ReleasedCommentGroup).where(ReleasedCommentGroup.snapshot_id == snapshot_id)
    )


@pytest.fixture
def released(app):
    traject, _ = load_demo()
    simulation.simulate(traject, 470, seed=11, ict_staff=160)
    db.session.commit()
    return traject, indicators.compute_snapshot(traject).snapshot


def test_the_release_writes_its_groups_and_the_page_reads_them(released, app):
    traject, snapshot = released
    assert _groupings(snapshot.id) == [(snapshot.id, traject.comment_threshold)]
    assert _groups(snapshot.id) > 10
    with app.test_request_context():
        page = open_answers.grouped(snapshot.id, traject.comment_threshold)
        assert page["groups"] == _groups(snapshot.id) and page["questions"]
        assert _groupings(snapshot.id) == [(snapshot.id, traject.comment_threshold)]  # read, not written again
        # A raised threshold: grouped once more on its first read, showing no more than before.
        raised = open_answers.grouped(snapshot.id, traject.comment_threshold + 5)
        assert raised["total"] <= page["total"] and raised["groups"] <= page["groups"]
    assert _groupings(snapshot.id) == [
        (snapshot.id, t) for t in (traject.comment_threshold, traject.comment_threshold + 5)
    ]


def test_the_groups_go_with_a_superseded_release_and_with_the_erasure(released):
    traject, snapshot = released
    later = gen_snapshot(traject, {"comments": []})
    later.number = snapshot.number + 1
    db.session.commit()
    releases.clear_superseded(traject.id, later.number)
    db.session.commit()
    assert _groupings(snapshot.id) == [] and _groups(snapshot.id) == 0
    released_groups.build(later.id, traject.comment_threshold)
    db.session.commit()
    assert _groupings(later.id)
    privacy.erase_traject(traject, confirm_name=traject.name)
    db.session.commit()
    assert _groupings() == [] and db.session.scalar(select(func.count()).select_from(ReleasedCommentGroup)) == 0


def test_a_first_read_that_finds_its_groups_written_meanwhile_reads_them(app, monkeypatch):
    traject = gen_case_traject(gen_user("regisseur"))
    comment = {"questionnaire": "ict_staff", "question": "worries", "organisation": "ZL", "role": "ict_staff"}
    release = gen_snapshot(traject, {"comments": [dict(comment, text="Meer overleg")] * 6}).id
    with db.engine.begin() as connection:  # another page grouped the release first
        released_groups.build(release, 5, connection)
    scalar, looks = db.session.scalar, []

    def look(*args, **kwargs):
        looks.append(args)
        return None if len(looks) == 1 else scalar(*args, **kwargs)  # the first look came just before

    monkeypatch.setattr(db.session, "scalar", look)
    with app.test_request_context():
        page = open_answers.grouped(release, 5)
    assert page["shown"] == 6 and [c["text"] for c in page["questions"][0]["domains"][0]["clusters"]] == [
        "Meer overleg"
    ]
    assert len(looks) == 2 and _groupings(release) == [(release, 5)]
