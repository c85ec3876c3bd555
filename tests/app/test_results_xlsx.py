"""The XLSX report survives names with control characters stored before input was checked."""
import io

from openpyxl import load_workbook

from app.results.report import render_xlsx


def test_control_characters_are_dropped_not_fatal():
    context = {"tables": [{"key": "ict_foto", "title": "ICT-foto\x01", "columns": ["Organisatie", "Leerlingen"],
                           "rows": [["School\x02 A", 450], ["School B", 1350]], "note": "n\x0b.b."}]}
    workbook = load_workbook(io.BytesIO(render_xlsx(context)))
    sheet = workbook["ict_foto"]
    assert sheet["A1"].value == "ICT-foto"
    assert [c.value for c in sheet[3]] == ["School A", "450"]
    assert sheet.cell(row=sheet.max_row, column=1).value == "n.b."
