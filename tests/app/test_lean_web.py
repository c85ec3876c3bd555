"""A web process serves pages, submissions and exports without loading pandas or scipy (issue 18, lean workers).

Nor, at rest or for those requests, numpy (the disclosure rules load it only to compute) or
Flask-Migrate with alembic, mako and pygments (only `flask db` binds them); nor, at rest,
jsonschema with its format libraries (an API body or a definition is validated on demand):
together about 28 MB of every gunicorn worker.

Each step runs in a fresh interpreter: one prepares a SQLite database (a released, closed
questionnaire and an open one with a token; that process may load anything), the other is the
web process under test, with a real (non-eager) broker so a submission only queues its recompute.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "scipy")
#: Loaded only when a request computes (numpy) or a migration runs (the rest).
IDLE_FREE = ("numpy", "flask_migrate", "alembic", "mako", "pygments")
#: Also not at rest: the API submission validates its body, so the requests load jsonschema.
AT_REST_FREE = (*IDLE_FREE, "jsonschema", "arrow")

SETUP = """
import json, sys
sys.path.insert(0, {tests!r})
from app import create_app
from app.extensions import db
app = create_app("testing", {{"SQLALCHEMY_DATABASE_URI": {url!r}}})
with app.app_context():
    db.create_all()
    from builders import gen_traject, gen_user
    from respond_builders import VALID_SMALL, close_and_release, gen_participant, gen_questionnaire, small_definition
    from app.services import accounts
    owner = gen_user("regisseur")
    traject = gen_traject(owner, anonymity_threshold=3, comment_threshold=3)
    closed = gen_questionnaire(traject)
    client = app.test_client()
    for token in [gen_participant(closed)[1] for _ in range(3)]:
        assert client.post("/api/v1/responses", json={{"token": token, "answers": VALID_SMALL}}).status_code == 201
    close_and_release(client, owner, closed)
    open_one = gen_questionnaire(traject, definition=small_definition(key="second"))
    token = gen_participant(open_one)[1]
    secret = accounts.issue_api_token(owner)
    db.session.commit()
    print(json.dumps({{"closed": closed.id, "token": token, "secret": secret, "answers": VALID_SMALL}}))
"""

WEB = """
import json, sys
from app import create_app
data = json.loads(sys.argv[1])
app = create_app("testing", {{"SQLALCHEMY_DATABASE_URI": {url!r}, "RATELIMIT_ENABLED": False,
                             "CELERY": {{"broker_url": "memory://", "task_always_eager": False}}}})
idle = sorted({{m.split(".")[0] for m in sys.modules}} & set({at_rest_free!r}))
client = app.test_client()
pages = [client.get("/").status_code, client.get("/api/v1/health").status_code]
submitted = client.post("/api/v1/responses", json={{"token": data["token"], "answers": data["answers"]}})
export = client.get(f"/api/v1/questionnaires/{{data['closed']}}/responses.csv",
                    headers={{"Authorization": "Bearer " + data["secret"]}})
rows = export.get_data(as_text=True).splitlines()
print(json.dumps({{"pages": pages, "submit": submitted.status_code, "export": export.status_code, "rows": len(rows),
                   "heavy": sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r}),
                   "idle": idle, "after": sorted({{m.split(".")[0] for m in sys.modules}} & set({idle_free!r}))}}))
"""


def _run(code: str, *args: str) -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_a_submission_and_a_csv_export_leave_pandas_and_scipy_unloaded(tmp_path):
    url = f"sqlite:///{tmp_path / 'lean.sqlite'}"
    data = _run(SETUP.format(tests=str(ROOT / "tests"), url=url))
    report = json.loads(_run(WEB.format(url=url, heavy=HEAVY, idle_free=IDLE_FREE, at_rest_free=AT_REST_FREE), data))
    # The requests really did their work: pages answered, the response stored, the CSV streamed.
    assert report["submit"] == 201, report
    assert report["export"] == 200 and report["rows"] == 4, report
    assert all(code in (200, 302) for code in report["pages"]), report
    assert report["heavy"] == [], f"a web process loaded {report['heavy']}"
    assert report["idle"] == [], f"a web process loaded {report['idle']} at rest"
    assert report["after"] == [], f"a web process loaded {report['after']} for pages, a submission or the CSV"
