"""CLI: `users create`, `users token` and `demo load`, as the API guide and the case describe."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, Organisation, Traject, User, hash_token


def test_users_create_and_token(runner, client):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "r@example.nl",
            "--name",
            "Ria",
            "--role",
            "regisseur",
            "--password",
            "een-goed-wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["users", "token", "r@example.nl"]).output.strip()
    assert token.startswith("dv_")
    assert db.session.scalar(select(ApiToken.token_hash)) == hash_token(token)
    assert client.get("/api/v1/trajects", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_users_create_refuses_bad_input_in_dutch(runner):
    short = runner.invoke(
        args=["users", "create", "--email", "r@example.nl", "--name", "R", "--role", "regisseur", "--password", "kort"]
    )
    assert short.exit_code != 0 and "minstens 10 tekens" in short.output
    bad_role = runner.invoke(
        args=["users", "create", "--email", "r@example.nl", "--name", "R", "--role", "koning", "--password", "x" * 12]
    )
    assert bad_role.exit_code != 0
    unknown = runner.invoke(args=["users", "token", "niemand@example.nl"])
    assert unknown.exit_code != 0 and "Geen account" in unknown.output


def test_users_create_with_organisation(runner):
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "lead@example.nl",
            "--name",
            "L",
            "--role",
            "ict_lead",
            "--password",
            "x" * 12,
            "--organisation",
            "ZL",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "lead@example.nl")).organisation.code == "ZL"


def test_demo_load_is_idempotent_and_matches_the_case(runner):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert db.session.scalar(select(func.count(Traject.id))) == 1
    organisations = db.session.scalars(select(Organisation)).all()
    names = {o.name for o in organisations}
    assert names == {
        "Zuyderzee Lyceum",
        "Bonifatius Mavo",
        "Emelwerda College",
        "Vakcollege Noordoostpolder",
        "Berechja College",
    }
    assert sum(o.staff for o in organisations) == 470
    assert 4100 <= sum(o.students for o in organisations) <= 4200
    assert sum(o.locations for o in organisations) == 9
    # One or two bestuurders per school (the larger schools have two).
    boards = db.session.scalars(select(User).where(User.role == "bestuurder")).all()
    per_school = {}
    for user in boards:
        per_school[user.organisation.code] = per_school.get(user.organisation.code, 0) + 1
    assert len(per_school) == 5 and set(per_school.values()) == {1, 2} and len(boards) == 7
    assert "regisseur@demo.draagvlak.nl" in first.output
