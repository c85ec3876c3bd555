"""The XLSX report survives names with control characters stored before input was checked."""

import io

from openpyxl import load_workbook

from app.results.report import render_xlsx


def test_control_characters_are_dropped_not_fatal():
    context = {
        "tables": [
            {
                "key": "ict_foto",
                "title": "ICT-foto\x01",
                "columns": ["Organisatie", "Leerlingen"],
                "rows": [["School\x02 A", 450], ["School B", 1350]],
                "note": "n\x0b.b.",
            }
        ]
    }
    workbook = load_workbook(io.BytesIO(render_xlsx(context)))
    sheet = workbook["ICT-foto"]  # named by its title, never by an internal key
    assert sheet["A1"].value == "ICT-foto"
    assert [c.value for c in sheet[3]] == ["School A", "450"]
    assert sheet.cell(row=sheet.max_row, column=1).value == "n.b."


def test_formula_like_text_stays_text_and_sheets_carry_titles():
    context = {
        "tables": [
            {
                "key": "swot_traject",
                "title": "SWOT: hele traject",
                "columns": ["Kwadrant", "Punt"],
                "rows": [["Kans", '=HYPERLINK("https://example.org","klik")'], ["Kans", "@SUM(A1)"]],
                "note": "",
            },
            {"key": "swot_ZL", "title": "SWOT: hele traject", "columns": ["Kwadrant"], "rows": [], "note": ""},
        ]
    }
    workbook = load_workbook(io.BytesIO(render_xlsx(context)))
    assert workbook.sheetnames == ["SWOT - hele traject", "SWOT - hele traject (2)"]
    sheet = workbook["SWOT - hele traject"]
    assert sheet["B3"].data_type == "s" and sheet["B3"].value.startswith("=HYPERLINK")
    assert sheet["B4"].data_type == "s"
