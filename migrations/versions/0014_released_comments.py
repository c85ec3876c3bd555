"""released free-text answers in a table of their own: one row per comment a release shows, in the
payload's order; the payload keeps a digest per instrument ({"count", "sha256"}) instead of the texts

Revision ID: 0014_released_comments
Revises: 0013_packed_likert
"""
import hashlib
import re
import unicodedata
from collections import Counter

from alembic import op
import sqlalchemy as sa


revision = '0014_released_comments'
down_revision = '0013_packed_likert'
branch_labels = None
depends_on = None

# -- frozen: app/services/comment_words.py as it was at this migration (2026-12-07). A migration
# never imports the app: a later word list must not change what this step writes.
OTHER = "overig"
# Words that place an answer under a domain; matched at the start of a word of the normalised text.
DOMAIN_WORDS = {
    "overleg": ("overleg", "kennisdeling", "kennis delen", "afstemming", "afspraken", "consultation", "knowledge"),
    "inkoop": (
        "inkoop",
        "inkopen",
        "contract",
        "aanbesteding",
        "licentie",
        "leverancier",
        "budget",
        "kosten",
        "procurement",
        "supplier",
        "licence",
        "license",
        "cost",
    ),
    "werkplek": ("werkplek", "laptop", "device", "apparatuur", "chromebook", "printer", "workplace", "equipment"),
    "netwerk": ("netwerk", "wifi", "internet", "infrastructuur", "server", "network", "infrastructure"),
    "applicaties": (
        "applicatie",
        "software",
        "systemen",
        "systeem",
        "magister",
        "somtoday",
        "elo",
        "application",
        "system",
    ),
    "servicedesk": ("servicedesk", "helpdesk", "storing", "melding", "aanspreekpunt", "service desk", "support"),
    "ibp": ("privacy", "beveiliging", "avg", "ibp", "informatiebeveiliging", "security", "gdpr"),
    "personeel": (
        "personeel",
        "werkdruk",
        "taken",
        "collega",
        "formatie",
        "vacature",
        "pensioen",
        "scholing",
        "staff",
        "workload",
        "colleague",
        "training",
    ),
}


def normalise(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


_DOMAIN_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<{domain}>" + "|".join(re.escape(w) for w in words) + ")" for domain, words in DOMAIN_WORDS.items())
    + ")"
)


def domain_of(normalised):
    match = _DOMAIN_PATTERN.search(normalised)
    return match.lastgroup or OTHER if match else OTHER


# -- end of the frozen copy

FIELDS = ("questionnaire", "question", "organisation", "role", "text")
COLUMNS = FIELDS + ("form", "normalised", "domain", "group_size")

snapshots = sa.table(
    "indicator_snapshots", sa.column("id", sa.Integer), sa.column("counts", sa.JSON), sa.column("payload", sa.JSON)
)


def _comments_table():
    return sa.table(
        "released_comments",
        sa.column("snapshot_id", sa.Integer),
        sa.column("position", sa.Integer),
        *[sa.column(c) for c in COLUMNS],
    )


def _derived(rows):
    # As app/services/released_comments.derived and .digest at the time of this migration.
    words, out = {}, []
    sizes = Counter(tuple(r.get(f) for f in FIELDS[:4]) for r in rows if r.get("text"))
    for row in rows:
        text = row.get("text")
        found = words.get(text)
        if found is None:
            norm = normalise(text or "")
            found = words[text] = ((text or "").strip(), norm, domain_of(norm))
        fields = tuple(row.get(f) for f in FIELDS)
        out.append(fields + found + (sizes.get(fields[:4], 0) if text else 0,))
    return out


def _digest(rows):
    h = hashlib.sha256()
    for row in rows:
        fields = row[: len(FIELDS)] + (row[len(FIELDS) + 2],)
        h.update("\x1f".join("\x00" if v is None else str(v) for v in fields).encode() + b"\x1e")
    return {"count": len(rows), "sha256": h.hexdigest()}


def upgrade():
    op.create_table(
        'released_comments',
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('questionnaire', sa.String(length=60), nullable=False),
        sa.Column('question', sa.String(length=120), nullable=False),
        sa.Column('organisation', sa.String(length=20), nullable=True),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('form', sa.Text(), nullable=False),
        sa.Column('normalised', sa.Text(), nullable=False),
        sa.Column('domain', sa.String(length=20), nullable=False),
        sa.Column('group_size', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['snapshot_id'], ['indicator_snapshots.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('snapshot_id', 'position'),
    )
    # Move the comments of every stored release out of its payload, one release at a time (a
    # payload can hold 200,000 of them); the payload keeps the digest the recompute now writes, so
    # the next recompute of an unchanged traject finds the same payload and releases nothing new.
    bind = op.get_bind()
    table = _comments_table()
    ids = bind.execute(sa.select(snapshots.c.id).order_by(snapshots.c.id)).scalars().all()
    for snapshot_id in ids:
        counts, payload = bind.execute(
            sa.select(snapshots.c.counts, snapshots.c.payload).where(snapshots.c.id == snapshot_id)
        ).one()
        if not payload or "comments" not in payload:
            continue
        payload = dict(payload)
        rows = _derived(payload.pop("comments") or [])
        keys = list(((counts or {}).get("disclosure") or {}).keys())
        keys += [r[0] for r in rows if r[0] not in keys]
        payload["comments_released"] = {k: _digest([r for r in rows if r[0] == k]) for k in dict.fromkeys(keys)}
        for start in range(0, len(rows), 5000):
            bind.execute(
                table.insert(),
                [
                    dict(zip(("snapshot_id", "position") + COLUMNS, (snapshot_id, start + i) + r))
                    for i, r in enumerate(rows[start : start + 5000])
                ],
            )
        bind.execute(snapshots.update().where(snapshots.c.id == snapshot_id).values(payload=payload))


def downgrade():
    # The comments go back into their payloads, in their order; the digests go.
    bind = op.get_bind()
    table = _comments_table()
    ids = bind.execute(sa.select(snapshots.c.id).order_by(snapshots.c.id)).scalars().all()
    for snapshot_id in ids:
        payload = bind.execute(sa.select(snapshots.c.payload).where(snapshots.c.id == snapshot_id)).scalar()
        if not payload or "comments_released" not in payload:
            continue
        payload = dict(payload)
        payload.pop("comments_released")
        rows = bind.execute(
            sa.select(*[table.c[f] for f in FIELDS])
            .where(table.c.snapshot_id == snapshot_id)
            .order_by(table.c.position)
        ).all()
        payload["comments"] = [dict(zip(FIELDS, r)) for r in rows]
        bind.execute(snapshots.update().where(snapshots.c.id == snapshot_id).values(payload=payload))
    op.drop_table('released_comments')
