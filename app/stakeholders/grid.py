"""The power/interest grid (Mendelow) as a server-side SVG: numbered markers, quadrant labels, a table beside it."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from analysis.stakeholders import HIGH
from app.results.charts import GRID, INK, MUTED, _line, _rect, _svg, _text
from app.stakeholders import labels

FILL = {"manage_closely": "#d6e4ef", "keep_satisfied": "#eef2f5", "keep_informed": "#f3f6f9", "monitor": "#ffffff"}
MARK = {
    "supporter": "#1e6b3a",
    "neutral": "#4a5560",
    "critical": "#a4262c",
    "unknown": "#1f5f8b",
}  # ≥ 4.5:1 with white text


def grid_svg(stakeholders: list, *, cell: int = 96) -> Markup:
    """Stakeholders as numbered markers (their number in the table) in a 5×5 influence × interest grid."""
    left, top, size = 56, 16, cell * 5
    width, height = left + size + 16, top + size + 52
    body = []
    quadrants = (("keep_satisfied", 0, 0), ("manage_closely", 1, 0), ("monitor", 0, 1), ("keep_informed", 1, 1))
    split = (HIGH - 1) * cell  # high begins at 3: the line lies between 2 and 3
    for code, col, row in quadrants:
        x = left + (split if col else 0)
        y = top + (0 if row == 0 else size - split)
        w = size - split if col else split
        h = size - split if row == 0 else split
        body.append(_rect(x, y, w, h, FILL[code], stroke=GRID))
        body.append(_text(x + 6, y + 16, str(labels.QUADRANT[code]), size=12, weight="700", fill=INK))
    for i in range(6):
        body.append(_line(left + i * cell, top, left + i * cell, top + size, GRID))
        body.append(_line(left, top + i * cell, left + size, top + i * cell, GRID))
    body.append(_line(left + split, top, left + split, top + size, INK, 2))
    body.append(_line(left, top + size - split, left + size, top + size - split, INK, 2))
    for i in range(1, 6):
        body.append(_text(left + (i - 0.5) * cell, top + size + 16, str(i), anchor="middle", fill=MUTED))
        body.append(_text(left - 10, top + size - (i - 0.5) * cell + 4, str(i), anchor="end", fill=MUTED))
    body.append(_text(left + size / 2, top + size + 38, _("Belang →"), anchor="middle", weight="600"))
    body.append(
        _text(
            14,
            top + size / 2,
            _("Invloed →"),
            anchor="middle",
            weight="600",
            extra=f' transform="rotate(-90 14 {top + size / 2:.0f})"',
        )
    )
    per_cell: dict = {}
    for number, s in enumerate(stakeholders, start=1):
        per_cell.setdefault((s.influence, s.interest), []).append((number, s))
    radius = 12
    for (influence, interest), members in per_cell.items():
        x0 = left + (interest - 1) * cell
        y0 = top + size - influence * cell
        for k, (number, s) in enumerate(members[:9]):
            cx = x0 + 20 + (k % 3) * 28
            cy = y0 + 30 + (k // 3) * 28
            body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{MARK.get(s.attitude, INK)}"/>')
            body.append(_text(cx, cy + 4, str(number), anchor="middle", size=11, fill="#ffffff", weight="700"))
        if len(members) > 9:
            body.append(_text(x0 + cell - 6, y0 + cell - 6, f"+{len(members) - 9}", anchor="end", size=11))
    desc = _(
        "Elke belanghebbende is een genummerd bolletje op invloed (verticaal, 1–5) en belang (horizontaal, "
        "1–5); de kleur is de houding. Vanaf 3 telt als hoog. De tabel ernaast noemt elk nummer."
    )
    return _svg(width, height, _("Krachtenveld: invloed en belang"), desc, body)
