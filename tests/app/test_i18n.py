"""Dutch first, English switchable, and no interface string left untranslated."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from builders import gen_traject, gen_user, login

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app/translations/en/LC_MESSAGES/messages.po"


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_every_interface_string_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        extracted = _ids(read_po(fh))
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and m.string and (m.string if isinstance(m.string, str) else all(m.string)) and "fuzzy" not in m.flags
    }
    missing = sorted(extracted - translated)
    assert missing == [], f"untranslated (run `make extract-messages` and fill in en): {missing[:10]}"


def test_dutch_by_default_and_english_on_request(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, name="Verkenning SSVO")
    login(client, owner)
    dutch = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert '<html lang="nl">' in dutch and "Organisaties" in dutch and "Anonimiteitsdrempel" in dutch
    client.get("/taal/en")
    english = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert '<html lang="en">' in english and "Organisations" in english and "Anonymity threshold" in english
    assert "Organisaties" not in english
    client.get("/taal/nl")
    assert "Organisaties" in client.get(f"/trajecten/{traject.id}").get_data(as_text=True)


def test_login_page_in_english(client):
    client.get("/taal/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and "Forgot your password?" in page and "Inloggen" not in page
