"""Traject services: create and edit trajects, organisations (also by CSV), and members."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import PHASES, Organisation, Traject, TrajectMember, User
from app.models.trajects import MIN_ANONYMITY_THRESHOLD
from app.services import audit
from app.services.errors import N_, ServiceError

# A code starts with a letter or digit: one starting with "-" would read as a formula in a CSV.
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
# No school has more respondents than this; a larger threshold would not fit the integer column.
MAX_THRESHOLD = 100_000
# Control characters (NUL included: PostgreSQL text cannot hold it) never belong in a name; they
# would also break the XLSX report. Tab and line breaks are allowed where text may span lines.
# Bidi controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F
# marks) are refused too: U+202E before "fdp.exe" displays it as "exe.pdf", so a name could show a different
# school, person or text than it holds ("Trojan Source").
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL_RE = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f{_BIDI}]")
_LINE_CONTROL_RE = re.compile(f"[\\x00-\\x1f\\x7f{_BIDI}]")
BAD_TEXT_MESSAGE = N_("De tekst bevat ongeldige tekens.")


def unstorable_text(value: str, *, multiline: bool = False) -> bool:
    """True for text we refuse to store: control or bidi characters, lone surrogates (not UTF-8)."""
    if (_CONTROL_RE if multiline else _LINE_CONTROL_RE).search(value):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


ORGANISATION_COLUMNS = ("code", "name", "staff", "students", "locations", "region")
# Dutch column headers are accepted too, since regisseurs export from Dutch spreadsheets.
COLUMN_ALIASES = {
    "naam": "name",
    "medewerkers": "staff",
    "personeel": "staff",
    "leerlingen": "students",
    "locaties": "locations",
    "regio": "region",
}


class TrajectError(ServiceError):
    """A user-facing reason (message id and parameters) why a traject change was refused."""


class OrganisationInUse(TrajectError):
    """An organisation that data still refers to; `dependents` counts that data per kind."""

    def __init__(self, name: str, dependents: dict[str, int]):
        super().__init__(
            N_("De organisatie %(name)s kan niet worden verwijderd: er hangen gegevens aan.", name=name), status=409
        )
        self.dependents = dependents


def check_thresholds(anonymity_threshold, comment_threshold) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        anonymity_threshold = int(anonymity_threshold)
    except (TypeError, ValueError):
        errors["anonymity_threshold"] = [N_("Vul een geheel getal in.")]
        return errors
    if anonymity_threshold < MIN_ANONYMITY_THRESHOLD:
        errors["anonymity_threshold"] = [N_("De anonimiteitsdrempel is minstens %(n)s.", n=MIN_ANONYMITY_THRESHOLD)]
    elif anonymity_threshold > MAX_THRESHOLD:
        errors["anonymity_threshold"] = [N_("De anonimiteitsdrempel is hoogstens %(n)s.", n=MAX_THRESHOLD)]
    try:
        comment_threshold = int(comment_threshold)
    except (TypeError, ValueError):
        errors["comment_threshold"] = [N_("Vul een geheel getal in.")]
        return errors
    if comment_threshold < anonymity_threshold:
        errors["comment_threshold"] = [
            N_("De drempel voor open antwoorden mag niet lager zijn dan de anonimiteitsdrempel.")
        ]
    elif comment_threshold > MAX_THRESHOLD:
        errors["comment_threshold"] = [N_("De drempel voor open antwoorden is hoogstens %(n)s.", n=MAX_THRESHOLD)]
    return errors


def create_traject(
    owner: User,
    *,
    name: str,
    description: str = "",
    phase: str = "ict_foto",
    anonymity_threshold: int = 5,
    comment_threshold: int = 10,
    deadline=None,
) -> Traject:
    """Create a traject owned by a regisseur (no commit)."""
    errors = check_thresholds(anonymity_threshold, comment_threshold)
    if not (name or "").strip():
        errors["name"] = [N_("Vul een naam in.")]
    elif len(name.strip()) > 200:
        errors["name"] = [N_("De naam mag hoogstens 200 tekens lang zijn.")]
    elif unstorable_text(name):
        errors["name"] = [BAD_TEXT_MESSAGE]
    if description and unstorable_text(description, multiline=True):
        errors["description"] = [BAD_TEXT_MESSAGE]
    if phase not in PHASES:
        errors["phase"] = [N_("Onbekende fase; kies uit %(phases)s.", phases=", ".join(PHASES))]
    if errors:
        raise TrajectError(N_("De traject-gegevens zijn niet geldig."), errors)
    traject = Traject(
        name=name.strip(),
        description=(description or "").strip(),
        phase=phase,
        anonymity_threshold=int(anonymity_threshold),
        comment_threshold=int(comment_threshold),
        deadline=deadline,
    )
    db.session.add(traject)
    db.session.flush()
    db.session.add(TrajectMember(traject=traject, user=owner))
    audit.record("traject.created", obj=traject, traject_id=traject.id)
    return traject


class ThresholdFrozen(TrajectError):
    """Lowering a threshold after a questionnaire was published: respondents were promised it."""

    status = 409


THRESHOLD_FROZEN_MESSAGE = N_(
    "De drempel kan niet meer omlaag: er is al een vragenlijst van dit traject "
    "gepubliceerd, en de respondenten is deze drempel beloofd. Verhogen mag wel."
)


def has_published_questionnaire(traject: Traject) -> bool:
    """True once any questionnaire of the traject has been published (open or closed)."""
    from app.models import Questionnaire

    return (
        db.session.scalar(
            select(Questionnaire.id)
            .where(
                Questionnaire.traject_id == traject.id,
                (Questionnaire.status.in_(("open", "closed"))) | Questionnaire.published_at.is_not(None),
            )
            .limit(1)
        )
        is not None
    )


def lowered_thresholds(traject: Traject, values: dict) -> list[str]:
    """The thresholds in `values` that are lower than the traject's current ones."""
    lowered = []
    for key in ("anonymity_threshold", "comment_threshold"):
        if key not in values or values[key] is None:
            continue
        try:
            new = int(values[key])
        except (TypeError, ValueError):
            continue  # check_thresholds reports it
        if new < getattr(traject, key):
            lowered.append(key)
    return lowered


def update_traject(traject: Traject, **values) -> Traject:
    """Edit a traject (no commit). Lowering a threshold after publishing raises ThresholdFrozen."""
    errors = check_thresholds(
        values.get("anonymity_threshold", traject.anonymity_threshold),
        values.get("comment_threshold", traject.comment_threshold),
    )
    lowered = lowered_thresholds(traject, values)
    if lowered and has_published_questionnaire(traject):
        raise ThresholdFrozen(THRESHOLD_FROZEN_MESSAGE, {key: [THRESHOLD_FROZEN_MESSAGE] for key in lowered})
    if "name" in values and not (values["name"] or "").strip():
        errors["name"] = [N_("Vul een naam in.")]
    elif "name" in values and len(values["name"].strip()) > 200:
        errors["name"] = [N_("De naam mag hoogstens 200 tekens lang zijn.")]
    elif "name" in values and unstorable_text(values["name"]):
        errors["name"] = [BAD_TEXT_MESSAGE]
    if isinstance(values.get("description"), str) and unstorable_text(values["description"], multiline=True):
        errors["description"] = [BAD_TEXT_MESSAGE]
    if "phase" in values and values["phase"] not in PHASES:
        errors["phase"] = [N_("Onbekende fase; kies uit %(phases)s.", phases=", ".join(PHASES))]
    if errors:
        raise TrajectError(N_("De traject-gegevens zijn niet geldig."), errors)
    for key, value in values.items():
        setattr(traject, key, value.strip() if isinstance(value, str) else value)
    audit.record("traject.updated", obj=traject, traject_id=traject.id, fields=sorted(values))
    return traject


MAX_COUNT = 10_000_000  # staff, students, locations: far above any school, within the integer column


def _int_or_none(value, label: str, errors: list[str]):
    if value is None or str(value).strip() == "":
        return None
    try:
        number = int(str(value).strip().replace(".", "").replace(" ", ""))
    except ValueError:
        errors.append(f"{label}: '{str(value)[:40]}' is geen geheel getal.")
        return None
    if number < 0:
        errors.append(f"{label}: mag niet negatief zijn.")
    elif number > MAX_COUNT:
        errors.append(f"{label}: hoogstens {MAX_COUNT}.")
        return None
    return number


def organisation_errors(data: dict, existing_codes: set[str]) -> tuple[dict, dict[str, list[str]]]:
    """Validate one organisation's fields; returns (clean values, errors per field)."""
    errors: dict[str, list[str]] = {}
    code = (data.get("code") or "").strip().upper()
    if not code:
        errors["code"] = [N_("Vul een code in.")]
    elif not CODE_RE.match(code):
        errors["code"] = [
            N_("Een code bestaat uit hoogstens 20 letters, cijfers, - of _, en begint met een letter of cijfer.")
        ]
    elif code in existing_codes:
        errors["code"] = [N_("De code %(code)s bestaat al in dit traject.", code=code)]
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [N_("Vul een naam in.")]
    elif len(name) > 200:
        errors["name"] = [N_("De naam mag hoogstens 200 tekens lang zijn.")]
    elif unstorable_text(name):
        errors["name"] = [BAD_TEXT_MESSAGE]
    region = (data.get("region") or "").strip()[:100]
    if unstorable_text(region):
        errors["region"] = [BAD_TEXT_MESSAGE]
    clean = {"code": code, "name": name, "region": region}
    for key, label in (("staff", "Medewerkers"), ("students", "Leerlingen"), ("locations", "Locaties")):
        field_errors: list[str] = []
        clean[key] = _int_or_none(data.get(key), label, field_errors)
        if field_errors:
            errors[key] = field_errors
    return clean, errors


def add_organisation(traject: Traject, data: dict) -> Organisation:
    """Add one organisation (no commit); raises TrajectError with field errors."""
    codes = {o.code for o in traject.organisations}
    clean, errors = organisation_errors(data, codes)
    if errors:
        raise TrajectError(N_("De organisatie is niet geldig."), errors)
    organisation = Organisation(traject=traject, **clean)
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.created", obj=organisation, traject_id=traject.id, code=clean["code"])
    return organisation


def update_organisation(organisation: Organisation, data: dict) -> Organisation:
    codes = {o.code for o in organisation.traject.organisations if o.id != organisation.id}
    clean, errors = organisation_errors(data, codes)
    if errors:
        raise TrajectError(N_("De organisatie is niet geldig."), errors)
    for key, value in clean.items():
        setattr(organisation, key, value)
    audit.record("organisation.updated", obj=organisation, traject_id=organisation.traject_id)
    return organisation


def organisation_dependents(organisation: Organisation) -> dict[str, int]:
    """What refers to the organisation, counted: participants, accounts, responses, SWOT points and
    board decisions or MR advice. Any of these keeps it (a typo'd, unused school can go)."""
    from sqlalchemy import func

    from app.models import Participant, Questionnaire, Response
    from app.models.advice import AdviceVersion, BoardDecision, MrAdvice, SwotItem

    traject_id, code = organisation.traject_id, organisation.code

    def count(query) -> int:
        return db.session.scalar(query) or 0

    return {
        "participants": count(
            select(func.count()).select_from(Participant).where(Participant.organisation_id == organisation.id)
        ),
        "accounts": count(select(func.count()).select_from(User).where(User.organisation_id == organisation.id)),
        "responses": count(
            select(func.count())
            .select_from(Response)
            .join(Questionnaire)
            .where(Questionnaire.traject_id == traject_id, Response.organisation_code == code)
        ),
        "swot": count(
            select(func.count())
            .select_from(SwotItem)
            .where(SwotItem.traject_id == traject_id, SwotItem.organisation_code == code)
        ),
        "decisions": count(
            select(func.count())
            .select_from(BoardDecision)
            .join(AdviceVersion)
            .where(AdviceVersion.traject_id == traject_id, BoardDecision.organisation_code == code)
        )
        + count(
            select(func.count())
            .select_from(MrAdvice)
            .join(AdviceVersion)
            .where(AdviceVersion.traject_id == traject_id, MrAdvice.organisation_code == code)
        ),
    }


def delete_organisation(organisation: Organisation) -> None:
    """Delete an organisation nothing refers to (no commit); TrajectError when data depends on it,
    so nothing is cascaded away: results, statements and decisions keep their school."""
    dependents = {k: v for k, v in organisation_dependents(organisation).items() if v}
    if dependents:
        raise OrganisationInUse(organisation.name, dependents)
    traject_id, code = organisation.traject_id, organisation.code
    organisation.traject.organisations.remove(organisation)
    db.session.delete(organisation)
    audit.record(
        "organisation.deleted", object_type="Organisation", object_id=organisation.id, traject_id=traject_id, code=code
    )


@dataclass
class ImportReport:
    """Outcome of a CSV import: rows created, or the errors per row (then nothing is created)."""

    created: list = field(default_factory=list)
    row_errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)

    @property
    def ok(self) -> bool:
        return not self.row_errors


def decode_upload(raw: bytes) -> str:
    """An uploaded CSV as text: UTF-8, or CP-1252, which Excel on Windows saves."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_csv(text: str) -> tuple[list[str], list[dict]]:
    """Read a CSV with ';' or ',' as separator (Dutch Excel writes ';'), header in row 1."""
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    header = [COLUMN_ALIASES.get(h, h) for h in header]
    reader.fieldnames = header
    rows = list(reader)
    # Excel saves the empty rows below a table as ";;;": trailing rows without any value are no
    # data (blank rows in between stay, so every error keeps its line number).
    while rows and _blank(rows[-1]):
        rows.pop()
    return header, rows


def _blank(row: dict) -> bool:
    values = [v for value in row.values() for v in (value if isinstance(value, list) else [value])]
    return all(not (v or "").strip() for v in values)


def import_organisations(traject: Traject, text: str) -> ImportReport:
    """Import organisations from CSV: all rows or none. Errors name the line and the field."""
    report = ImportReport()
    try:
        header, rows = read_csv(text)
    except (csv.Error, UnicodeDecodeError) as exc:
        report.row_errors.append((1, "bestand", f"Het bestand is geen leesbare CSV: {exc}"))
        return report
    missing = [c for c in ("code", "name") if c not in header]
    if missing:
        report.row_errors.append(
            (
                1,
                "kop",
                "Kolom ontbreekt: " + ", ".join(missing) + ". Verwacht: code;name;staff;students;locations;region",
            )
        )
        return report
    if not rows:
        report.row_errors.append((2, "bestand", "Het bestand bevat geen rijen."))
        return report
    codes = {o.code for o in traject.organisations}
    cleaned = []
    for line, row in enumerate(rows, start=2):
        clean, errors = organisation_errors(row, codes)
        for field_name, messages in errors.items():
            for message in messages:
                report.row_errors.append((line, field_name, message))
        if not errors:
            codes.add(clean["code"])
            cleaned.append(clean)
    if report.row_errors:
        return report
    for clean in cleaned:
        organisation = Organisation(traject=traject, **clean)
        db.session.add(organisation)
        report.created.append(organisation)
    db.session.flush()
    audit.record(
        "organisation.imported", traject_id=traject.id, object_type="Traject", object_id=traject.id, count=len(cleaned)
    )
    return report


def add_member(traject: Traject, user: User) -> TrajectMember:
    existing = db.session.scalar(
        select(TrajectMember).where(TrajectMember.traject_id == traject.id, TrajectMember.user_id == user.id)
    )
    if existing is not None:
        raise TrajectError(N_("%(email)s is al lid van dit traject.", email=user.email))
    member = TrajectMember(traject=traject, user=user)
    db.session.add(member)
    audit.record("member.added", obj=traject, traject_id=traject.id, user=user.email)
    return member


def remove_member(traject: Traject, member: TrajectMember, acting: User) -> None:
    if member.user_id == acting.id:
        raise TrajectError(N_("U kunt uzelf niet uit het traject verwijderen."))
    audit.record("member.removed", obj=traject, traject_id=traject.id, user=member.user.email)
    db.session.delete(member)
