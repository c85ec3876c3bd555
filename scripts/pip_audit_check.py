"""Run pip-audit against the installed environment and judge its answer loudly (used by `make audit`).

Exit 0: every installed package was checked and none has a known vulnerability.
Exit 1: a known vulnerability (each is listed with its fix version).
Exit 2: pip-audit could not run (no network to PyPI, or another error): CI must not pass silently.
Exit 3: pip-audit ran but could not check some packages (PyPI did not answer for their version),
        unless PIP_AUDIT_ALLOW_UNAUDITED=1, which turns this into a loud warning (see
        docs/security.md: why this is so on the project's build machines, and what is checked).
Ignored vulnerability ids, each with its reason, live in IGNORED below and in docs/security.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"

#: {vulnerability id: reason}; keep in step with docs/security.md.
IGNORED: dict[str, str] = {}

BAR = "=" * 78


def banner(lines: list[str]) -> None:
    print(BAR, file=sys.stderr)
    for line in lines:
        print(line, file=sys.stderr)
    print(BAR, file=sys.stderr)


def main() -> int:
    cmd = [str(PIP_AUDIT), "--format", "json", "--progress-spinner", "off", "--skip-editable", "--timeout", "30"]
    for vuln_id in IGNORED:
        cmd += ["--ignore-vuln", vuln_id]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        banner(
            [
                "PIP-AUDIT KON NIET DRAAIEN: " + repr(exc),
                "Zonder afhankelijkheden-audit faalt deze stap bewust (geen stille pass).",
            ]
        )
        return 2
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-8:]
        banner(
            [
                f"PIP-AUDIT KON NIET DRAAIEN (exit {done.returncode}). Is PyPI (pypi.org) bereikbaar?",
                *tail,
                "Zonder afhankelijkheden-audit faalt deze stap bewust (geen stille pass).",
            ]
        )
        return 2

    deps = report.get("dependencies", [])
    vulnerable = [(d, v) for d in deps for v in d.get("vulns", [])]
    skipped = [d for d in deps if d.get("skip_reason")]
    checked = len(deps) - len(skipped)
    if vulnerable:
        banner(
            ["PIP-AUDIT: BEKENDE KWETSBAARHEDEN GEVONDEN"]
            + [
                f"  {d['name']} {d.get('version', '?')}: {v['id']} "
                f"(opgelost in {', '.join(v.get('fix_versions') or ['-'])})"
                for d, v in vulnerable
            ]
            + [
                "Werk de pakketten bij, of leg een gemotiveerde uitzondering vast in",
                "scripts/pip_audit_check.py (IGNORED) en docs/security.md.",
            ]
        )
        return 1
    if skipped:
        lines = [
            f"PIP-AUDIT: {len(skipped)} van {len(deps)} pakketten NIET GECONTROLEERD "
            f"({checked} wel, zonder bekende kwetsbaarheden).",
            "Reden (eerste): " + skipped[0]["skip_reason"],
            "PyPI gaf voor deze versies geen antwoord (/pypi/<naam>/<versie>/json).",
            "Zie docs/security.md, 'Afhankelijkheden'.",
        ]
        if os.environ.get("PIP_AUDIT_ALLOW_UNAUDITED") == "1":
            banner(lines + ["PIP_AUDIT_ALLOW_UNAUDITED=1: als WAARSCHUWING doorgelaten."])
            return 0
        banner(lines + ["Deze stap faalt; zet PIP_AUDIT_ALLOW_UNAUDITED=1 om dit bewust toe te staan."])
        return 3
    print(f"pip-audit: {len(deps)} pakketten gecontroleerd, geen bekende kwetsbaarheden.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
