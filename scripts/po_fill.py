"""Fill English msgstr lines of the catalog from a JSON file of {dutch: english} (developer tool)."""

import json
import sys

from babel.messages.pofile import read_po, write_po

PO = "app/translations/en/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    translations = json.load(open(path, encoding="utf-8"))
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(key)
    with open(PO, "wb") as fh:
        write_po(fh, catalog, width=100)
    for key in missing:
        print("MISSING:", key)


if __name__ == "__main__":
    main(sys.argv[1])
