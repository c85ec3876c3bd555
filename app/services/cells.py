"""Spreadsheet cells that never become formulas, for every XLSX and CSV writer.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a tab or
a carriage return) as a formula: an organisation called `=HYPERLINK("https://…","klik")` would
put a live link in the report of every board, `@SUM(A1)` or `-1+2` would compute. User text
(names, answers, SWOT points, notes) must stay text.

- XLSX (openpyxl): `safe_cell(value)` returns a cell whose type is fixed to string, so the value
  is stored exactly as typed and never as a formula (openpyxl would store a string starting with
  `=` as a formula). Use it for every value passed to `Worksheet.append`.
- CSV: `safe_csv(value)` puts an apostrophe before such a value (the usual defence; Excel and
  LibreOffice hide the apostrophe and show the text).
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def formula_like(value) -> bool:
    """True for a string a spreadsheet program could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value):
    """A value for openpyxl's `Worksheet.append` that is never a formula.

    Strings that look like a formula become a detached string cell (data type 's'); `append`
    places it in the row. Numbers, dates, None and other strings are returned unchanged."""
    if not formula_like(value):
        return value
    from openpyxl.cell.cell import Cell

    cell = Cell(None)
    cell._value = cell.check_string(value)  # the same length and character checks as openpyxl's
    cell.data_type = "s"
    return cell


def safe_csv(value):
    """A CSV cell that is never a formula: an apostrophe before formula-like text."""
    if formula_like(value):
        return "'" + value
    return value
