"""The analysis package stays free of web, database and queue libraries."""

import subprocess
import sys


def test_analysis_imports_no_flask_sqlalchemy_or_celery():
    code = (
        "import sys, analysis.indicators, analysis.indices, analysis.board, analysis.comparisons, "
        "analysis.simulate, analysis.anonymity; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'celery', 'surveys'}))"
    )
    import analysis

    root = str(__import__("pathlib").Path(analysis.__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
