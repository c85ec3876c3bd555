"""Test builders with sensible defaults (CTFd's gen_* style): users, trajects, organisations."""

from __future__ import annotations

import itertools

from app.extensions import db
from app.models import Organisation, Traject, TrajectMember, User
from app.services import accounts

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def gen_user(
    role: str = "regisseur",
    *,
    email: str | None = None,
    name: str | None = None,
    organisation: Organisation | None = None,
    password: str = PASSWORD,
) -> User:
    n = next(_seq)
    user = accounts.create_user(
        email=email or f"user{n}@example.nl",
        name=name or f"Gebruiker {n}",
        role=role,
        password=password,
        organisation=organisation,
    )
    db.session.commit()
    return user


def gen_traject(
    owner: User | None = None, *, name: str = "Verkenning", organisations=("AA", "BB"), **kwargs
) -> Traject:
    owner = owner or gen_user("regisseur")
    traject = Traject(name=name, **kwargs)
    db.session.add(traject)
    db.session.flush()
    db.session.add(TrajectMember(traject=traject, user=owner))
    for code in organisations:
        db.session.add(
            Organisation(traject=traject, code=code, name=f"School {code}", staff=50, students=500, locations=1)
        )
    db.session.commit()
    return traject


def add_member(traject: Traject, user: User) -> None:
    db.session.add(TrajectMember(traject=traject, user=user))
    db.session.commit()


def login(client, user: User, password: str = PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def api_token(user: User) -> dict:
    secret = accounts.issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}
