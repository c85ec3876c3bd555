"""The figures of one recompute: every analysis run over the frames, unsuppressed (releases.py decides what shows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from operator import itemgetter

import pandas as pd
from sqlalchemy import func, select

import analysis
from analysis import disclosure
from analysis.coded import coded_from_matrices, prepare_coded
from analysis.foto import derived_figures
from analysis.motives import board_motives
from analysis.preferences import preference_answers, preferred_forms
from app.extensions import db
from app.models import Organisation, Participant, Questionnaire, Response, Traject
from app.services import releases
from app.services import rollups as rollup_service  # roll-up hook (issue 15): the figures of pools
from app.services.indicator_instruments import BOARD, FOTO, MOTIVES, STAFF, STAFF_ROLES, Instrument, response_filter
from app.services.indicator_reading import Frames, plain_columns

Progress = Callable[[float, str], None]


def _subset(frame: pd.DataFrame, questionnaire: str, roles=None) -> pd.DataFrame:
    mask = (
        frame["questionnaire"].to_numpy() == questionnaire
        if not isinstance(frame["questionnaire"].dtype, pd.CategoricalDtype)
        else (frame["questionnaire"] == questionnaire).to_numpy()
    )
    if roles is not None:
        mask &= frame["role"].isin(roles).to_numpy()
    return frame.loc[mask]


def _items_of(items: pd.DataFrame, questionnaire: str, construct: str | None = None) -> pd.DataFrame:
    mask = items["questionnaire"] == questionnaire
    if construct is not None:
        mask &= items["construct"] == construct
    return items.loc[mask]


def ict_foto(traject: Traject, groups: dict[str, Instrument]) -> list[dict]:
    """The latest ICT-foto response per school, with derived figures."""
    instrument = groups.get(FOTO)
    if instrument is None:
        return []
    rows = db.session.execute(
        select(Response.organisation_code, Response.answers)
        .where(*response_filter(instrument.ids), Response.organisation_code.is_not(None))
        .order_by(Response.submitted_on, Response.revision, Response.signed_at)
    ).all()
    latest = {code: answers for code, answers in rows}  # later rows win
    organisations = {o.code: o for o in traject.organisations}
    return [
        {"organisation": code, "answers": answers, "derived": _derived(answers, organisations.get(code))}
        for code, answers in sorted(latest.items())
    ]


def _derived(answers: dict, organisation: Organisation | None) -> dict:
    return derived_figures(answers, organisation.students if organisation is not None else None)


def preferences(choices: pd.DataFrame, items: pd.DataFrame) -> list[dict]:
    """Staff's preferred cooperation form per domain (analysis.preferences), unsuppressed."""
    return preferred_forms(preference_answers(choices, items, STAFF))


def comments(texts: pd.DataFrame, comment_threshold: int) -> list[dict]:
    """Free text of (organisation, role) groups of at least the comment threshold, sorted by text."""
    if texts.empty:
        return []
    rows: list[dict] = []
    # Sorted by (instrument, question) and within one by school, role and text, so the order says
    # nothing about who answered when; as one stable sort of every row by the five was.
    parts = dict(iter(texts.groupby(["questionnaire", "question"], sort=False)))
    for questionnaire, question in sorted(parts):
        visible = analysis.filter_comments(parts[questionnaire, question], comment_threshold)
        organisations, roles, answers = (visible[c].tolist() for c in ("organisation", "role", "text"))
        counts = Counter(zip(organisations, roles, answers))  # each distinct answer of a group once
        if len(counts) * 4 <= len(answers):
            # Most answers repeat (100,000 respondents): one dict per distinct answer of a group,
            # repeated, sorted once; unless two cells sort alike (a school None and one "None").
            cells = [(cell, (str(cell[0]), str(cell[1]), cell[2])) for cell in counts]
            if len({key for _, key in cells}) == len(cells):
                for cell, _ in sorted(cells, key=_SECOND):
                    row = dict(zip(_COMMENT, (questionnaire, question, *cell)))
                    rows += [row] * counts[cell]
                continue
        keys = list(zip(map(str, organisations), map(str, roles), answers))
        rows += [
            {
                "questionnaire": questionnaire,
                "question": question,
                "organisation": organisations[i],
                "role": roles[i],
                "text": answers[i],
            }
            for i in sorted(range(len(keys)), key=keys.__getitem__)
        ]
    return rows


_COMMENT = ("questionnaire", "question", "organisation", "role", "text")
_SECOND = itemgetter(1)


def response_rates(traject: Traject) -> list[dict]:
    rows = db.session.execute(
        select(
            func.coalesce(Questionnaire.template_key, Questionnaire.key),
            Organisation.code,
            Participant.role,
            func.count(Participant.id),
            func.count(Participant.id).filter(Participant.completed.is_(True)),
            Questionnaire.anonymous,
        )
        .join(Questionnaire, Participant.questionnaire_id == Questionnaire.id)
        .outerjoin(Organisation, Participant.organisation_id == Organisation.id)
        .where(Questionnaire.traject_id == traject.id)
        .group_by(
            func.coalesce(Questionnaire.template_key, Questionnaire.key),
            Organisation.code,
            Participant.role,
            Questionnaire.anonymous,
        )
    ).all()
    # `anonymous` tells pages whether a small completed count must be hidden: for identified
    # questionnaires (ICT-foto, board statements) one respondent per school is the design.
    return sorted(
        (
            {
                "questionnaire": q,
                "organisation": org,
                "role": role,
                "invited": int(invited),
                "completed": int(completed),
                "anonymous": bool(anonymous),
            }
            for q, org, role, invited, completed, anonymous in rows
        ),
        key=lambda r: (r["questionnaire"], str(r["organisation"]), r["role"]),
    )


def _staff_extra_members(frames: Frames) -> pd.DataFrame:
    """Who the per-domain staff figures sum over: the gap's staff side and the preferred forms."""
    items, parts = frames.items, []
    support = _items_of(items, STAFF, "domain_support")
    if frames.answered() and len(support):
        domain_of = dict(zip(support["question"], "gap:" + support["domain"].astype(str)))
        sub = frames.likert_of(STAFF, STAFF_ROLES, list(domain_of))
        parts.append(
            pd.DataFrame(
                {
                    "measure": sub["question"].astype(object).map(domain_of).to_numpy(),
                    "respondent": sub["respondent"].astype(object).to_numpy(),
                }
            )
        )
    if len(frames.choices):
        pref = preference_answers(frames.choices, items, STAFF)
        parts.append(
            pd.DataFrame(
                {
                    "measure": ("pref:" + pref["domain"].astype(str)).to_numpy(),
                    "respondent": pref["respondent"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["measure", "respondent"])


def _locations(choices: pd.DataFrame) -> dict:
    """``{"ict_users": {respondent: location}}``: the answers the release plan's location groups are made of."""
    from analysis.ict_users import LOCATION, QUESTIONNAIRE

    if not len(choices):
        return {QUESTIONNAIRE: {}}
    mine = choices.loc[(choices["questionnaire"] == QUESTIONNAIRE) & (choices["question"] == LOCATION)]
    return {QUESTIONNAIRE: dict(zip(mine["respondent"].tolist(), mine["value"].astype(str).tolist()))}


def compute_raw(
    traject: Traject, frames: Frames, groups: dict[str, Instrument], progress: Progress | None = None
) -> releases.Raw:
    """Run the analysis package over the frames, unsuppressed: disclosure is decided afterwards."""
    from analysis.indices import check_model, index_table, person_indices

    progress = progress or (lambda fraction, message: None)
    threshold = traject.anonymity_threshold
    matrices, items = frames.matrices, frames.items
    if matrices is None:  # cannot happen: freed only by compute_raw
        raise RuntimeError("freed only by compute_raw")
    likert_items = items.loc[items["min"].notna()]
    answered = frames.answered()
    has_staff, has_motives = frames.answered(STAFF), frames.answered(MOTIVES)
    # The small subsets the other analyses read are built from their questionnaires' matrices
    # first; no long frame of every answer is ever built (bench/README.md, issue 18).
    motive_matrices = [m for m in matrices if m.questionnaire == MOTIVES] if has_motives else []
    staff = groups.get(STAFF)
    staff_extra = (
        _staff_extra_members(frames) if staff is not None and staff.anonymous and STAFF in frames.people else None
    )
    board_likert = plain_columns(frames.likert_of(BOARD, ("board",))) if answered else frames.likert_of(BOARD)
    board_items = _items_of(items, BOARD)
    board_choices = _subset(frames.choices, BOARD, ("board",)) if len(frames.choices) else frames.choices
    gap_frame = (
        pd.concat(
            [
                board_likert.loc[
                    board_likert["question"].isin(_items_of(items, BOARD, "autonomy_willingness")["question"])
                ],
                plain_columns(frames.likert_of(STAFF, None, _items_of(items, STAFF, "domain_support")["question"])),
            ],
            ignore_index=True,
        )
        if answered
        else board_likert
    )
    gap_items = pd.concat(
        [_items_of(items, BOARD, "autonomy_willingness"), _items_of(items, STAFF, "domain_support")], ignore_index=True
    )
    # Code and score the likert answers once, straight from the matrices; constructs, indices and
    # comparisons share them.
    coded = coded_from_matrices(matrices, likert_items, frames.organisations) if answered else None
    frames.matrices = None  # coded now: the analyses below read the coded answers, not the matrices
    del matrices
    prepared = prepare_coded(coded) if coded is not None else None
    del coded
    constructs = analysis.indicator_table(prepared) if prepared is not None else []
    progress(0.5, "constructen")
    weights = traject.index_weights or None
    members = {}
    indices, compare, index_members, staff_prepared = [], None, None, None
    if has_staff:
        if prepared is None:  # cannot happen: staff answers are likert answers, so they were prepared
            raise RuntimeError("staff answers are likert answers, so they were prepared")
        staff_prepared = prepared.only(STAFF)
        model_weights, model = check_model(weights)
        per_person, names = person_indices(
            staff_prepared.scores,
            staff_prepared.coded.constructs,
            model_weights,
            model,
            people=staff_prepared.coded.people,
        )
        # Computed once: the index table and the release's index members read the same rows.
        indices = index_table(staff_prepared, weights=weights, per_person=(per_person, names))
        index_members = pd.DataFrame(
            {
                # Categorical: the members count per index code, no label string per person and index.
                "index": pd.Categorical.from_codes(per_person["index"].to_numpy(), categories=names),
                "respondent": staff_prepared.coded.people["respondent"].to_numpy()[per_person["person"].to_numpy()],
            }
        )
        del per_person  # ≈ 30 MB at 100,000 respondents, not needed beside the members (the peak)

        def compare(allowed, staff_prepared=staff_prepared):
            return analysis.compare_groups(staff_prepared, "organisation", threshold, allowed=allowed)

    progress(0.7, "indices")
    motives, motive_prepared = [], None
    if motive_matrices:
        motive_items = _items_of(likert_items, MOTIVES).copy()
        motive_items["construct"] = "motive_" + motive_items["domain"].fillna(motive_items["question"]).astype(str)
        motive_prepared = prepare_coded(coded_from_matrices(motive_matrices, motive_items, frames.organisations))
        motives = analysis.indicator_table(motive_prepared)
        del motive_matrices
    for key, instrument in groups.items():
        if not instrument.anonymous or key not in frames.people:
            continue
        if key == STAFF:
            own = staff_prepared  # restricted once, above
        else:
            own = prepared.only(key) if prepared is not None and key in set(items["questionnaire"]) else None
        members[key] = disclosure.members(
            frames.people[key],
            own if key != MOTIVES else motive_prepared,
            index_members=index_members if key == STAFF else None,
            extra=staff_extra if key == STAFF else None,
        )
    board = {
        "trust": analysis.trust_matrix(board_likert, board_items)
        if len(board_likert)
        else {"cells": [], "mean_received": {}, "asymmetry": [], "weakest_link": None},
        "autonomy": analysis.autonomy_willingness(board_likert, board_items) if len(board_likert) else [],
        "commit_forms": analysis.commit_forms(board_choices, board_items) if len(board_choices) else [],
        "motives": board_motives(board_likert, board_items) if len(board_likert) else [],  # identified: no threshold
    }
    progress(0.8, "bestuur")
    return releases.Raw(
        constructs=constructs,
        motives=motives,
        indices=indices,
        gap=analysis.board_staff_gap(gap_frame, gap_items, threshold) if len(gap_frame) else [],
        preferences=preferences(frames.choices, items) if len(frames.choices) else [],
        comments=comments(frames.texts, traject.comment_threshold),
        rates=response_rates(traject),
        members=members,
        board=board,
        ict_foto=ict_foto(traject, groups),
        compare=compare,
        extra={
            "responses_by_key": dict(frames.counts["by_questionnaire"]),
            # roll-up hook (issue 15): pool figures and item quality, computed once the release decided
            "release_extras": rollup_service.Extras(
                {STAFF: staff_prepared, MOTIVES: motive_prepared}, weights, prepared
            ),
            "locations": _locations(frames.choices),  # location hook: the ICT users' location groups
        },
    )


def compute_payload(
    traject: Traject, frames: Frames, groups: dict[str, Instrument], progress: Progress | None = None
) -> dict:
    """The payload the next release would show (the shape is documented in docs/worker.md)."""
    history = releases.releases_of(traject.id)
    previous = history[-1] if history else None
    number = (previous.number + 1) if previous is not None else 1
    raw = compute_raw(traject, frames, groups, progress)
    return releases.assemble(traject, groups, raw, previous, history, number).payload
