"""Server-side SVG charts: accessible (role=img, title, desc), values printed, no script and no style attributes."""

from __future__ import annotations

import itertools
import math

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.results.format import fmt

INK = "#1b1f24"
MUTED = "#4a5560"
GRID = "#c9d1d9"
BAR = "#1f5f8b"  # 7.0:1 on white
WHISKER = "#1b1f24"
SUPPRESSED = "#eef2f5"
POSITIVE = "#1e6b3a"  # 6.6:1 on white
NEGATIVE = "#a4262c"  # 6.9:1 on white
# Sequential scale for 0–100 (light to dark); text switches to white on the two darkest steps.
SCALE = ("#f3f6f9", "#d6e4ef", "#a9c6dd", "#5d8fb5", "#2f6690", "#163f5c")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
_ids = itertools.count(1)


def _uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _svg(width: float, height: float, title: str, desc: str, body: list[str], css_class: str = "chart") -> Markup:
    tid, did = _uid("t"), _uid("d")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" aria-labelledby="{tid} {did}" font-family="{FONT}" font-size="12">'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x, y, text, *, anchor="start", size=12, fill=INK, weight=None, extra="") -> str:
    w = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{w}{extra}>'
        f"{escape(text)}</text>"
    )


def _rect(x, y, w, h, fill, *, stroke=None, rx=0) -> str:
    s = f' stroke="{stroke}"' if stroke else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" rx="{rx}" fill="{fill}"{s}/>'
    )


def _line(x1, y1, x2, y2, stroke=GRID, width=1, dash=None) -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" stroke-width="{width}"{d}/>'
    )


def _hatch() -> tuple[str, str]:
    pid = _uid("hatch")
    return pid, (
        f'<defs><pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{SUPPRESSED}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{GRID}" stroke-width="2"/></pattern></defs>'
    )


def too_few() -> str:
    return _("te weinig respons")


def scale_fill(value: float | None) -> tuple[str, str]:
    """Fill and text colour of a 0–100 value on the sequential scale."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SUPPRESSED, INK
    step = min(len(SCALE) - 1, max(0, int(value // (100 / len(SCALE)))))
    return SCALE[step], ("#ffffff" if step >= 4 else INK)


def bar_chart(
    rows: list[dict],
    title: str,
    desc: str,
    *,
    maximum: float = 100.0,
    reference: float | None = 50.0,
    label_width: int = 210,
    width: int = 640,
    digits: int = 0,
) -> Markup:
    """Horizontal bars with 95% CI whiskers; rows ``{"label", "value", "low", "high", "n", "suppressed"}``."""
    row_h, top = 30, 24
    plot_x, plot_w = label_width, width - label_width - 110
    height = top + row_h * max(len(rows), 1) + 28
    body = []
    pid, defs = _hatch()
    body.append(defs)
    for tick in range(0, int(maximum) + 1, int(maximum // 4) or 1):
        x = plot_x + plot_w * tick / maximum
        body.append(_line(x, top - 6, x, top + row_h * len(rows), GRID))
        body.append(_text(x, height - 10, fmt(tick), anchor="middle", size=11, fill=MUTED))
    if reference is not None:
        x = plot_x + plot_w * reference / maximum
        body.append(_line(x, top - 10, x, top + row_h * len(rows), MUTED, 1.5, "4 3"))
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(plot_x - 8, y + row_h / 2 + 4, row["label"], anchor="end"))
        if row.get("suppressed") or row.get("value") is None:
            body.append(_rect(plot_x, y + 6, plot_w, row_h - 12, f"url(#{pid})"))
            body.append(_text(plot_x + 8, y + row_h / 2 + 4, too_few(), fill=INK, size=11))
            continue
        value = max(0.0, min(maximum, row["value"]))
        body.append(_rect(plot_x, y + 7, plot_w * value / maximum, row_h - 14, BAR, rx=2))
        low, high = row.get("low"), row.get("high")
        if low is not None and high is not None:
            x1 = plot_x + plot_w * max(0.0, min(maximum, low)) / maximum
            x2 = plot_x + plot_w * max(0.0, min(maximum, high)) / maximum
            cy = y + row_h / 2
            body += [
                _line(x1, cy, x2, cy, WHISKER, 1.5),
                _line(x1, cy - 6, x1, cy + 6, WHISKER, 1.5),
                _line(x2, cy - 6, x2, cy + 6, WHISKER, 1.5),
            ]
        n = row.get("n")
        label = fmt(row["value"], digits) + (f"  (n = {n})" if n is not None else "")
        body.append(_text(plot_x + plot_w + 8, y + row_h / 2 + 4, label, size=12, weight="600"))
    return _svg(width, height, title, desc, body)


def heatmap(
    row_labels: list[str],
    column_labels: list[str],
    values: list[list[dict | None]],
    title: str,
    desc: str,
    *,
    label_width: int = 210,
    cell_w: int = 74,
    cell_h: int = 34,
) -> Markup:
    """A grid of 0–100 values; a cell is ``{"value", "n", "suppressed"}`` or None (no data)."""
    top = 58
    width = label_width + cell_w * len(column_labels) + 4
    height = top + cell_h * len(row_labels) + 4
    pid, defs = _hatch()
    body = [defs]
    for j, label in enumerate(column_labels):
        x = label_width + j * cell_w + cell_w / 2
        lines = _wrap(label, 11)
        for k, part in enumerate(lines[:3]):
            body.append(_text(x, top - 8 - 13 * (len(lines[:3]) - 1 - k), part, anchor="middle", size=11, weight="600"))
    for i, label in enumerate(row_labels):
        y = top + i * cell_h
        body.append(_text(label_width - 8, y + cell_h / 2 + 4, label, anchor="end"))
        for j, cell in enumerate(values[i]):
            x = label_width + j * cell_w
            if cell is None:
                body.append(_rect(x + 1, y + 1, cell_w - 2, cell_h - 2, "#ffffff", stroke=GRID))
                body.append(_text(x + cell_w / 2, y + cell_h / 2 + 4, "–", anchor="middle", fill=MUTED))
            elif cell.get("suppressed") or cell.get("value") is None:
                body.append(_rect(x + 1, y + 1, cell_w - 2, cell_h - 2, f"url(#{pid})"))
                words = too_few().split(" ", 2)
                body.append(_text(x + cell_w / 2, y + cell_h / 2 - 2, " ".join(words[:2]), anchor="middle", size=9))
                body.append(_text(x + cell_w / 2, y + cell_h / 2 + 9, " ".join(words[2:]), anchor="middle", size=9))
            else:
                fill, ink = scale_fill(cell["value"])
                body.append(_rect(x + 1, y + 1, cell_w - 2, cell_h - 2, fill))
                body.append(
                    _text(
                        x + cell_w / 2,
                        y + cell_h / 2 + 1,
                        fmt(cell["value"]),
                        anchor="middle",
                        fill=ink,
                        weight="700",
                        size=13,
                    )
                )
                if cell.get("n") is not None:
                    body.append(
                        _text(
                            x + cell_w / 2, y + cell_h / 2 + 13, f"n = {cell['n']}", anchor="middle", fill=ink, size=9
                        )
                    )
    return _svg(width, height, title, desc, body)


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines or [""]


def diverging_bars(
    rows: list[dict],
    title: str,
    desc: str,
    *,
    limit: float = 100.0,
    label_width: int = 230,
    width: int = 640,
    left_label: str = "",
    right_label: str = "",
) -> Markup:
    """Bars left (negative) or right (positive) of zero; rows ``{"label", "value", "suppressed", "note"}``."""
    row_h, top = 26, 34
    plot_x, plot_w = label_width, width - label_width - 70
    mid = plot_x + plot_w / 2
    height = top + row_h * max(len(rows), 1) + 26
    pid, defs = _hatch()
    body = [
        defs,
        _text(plot_x, 14, left_label, size=11, fill=MUTED),
        _text(plot_x + plot_w, 14, right_label, anchor="end", size=11, fill=MUTED),
    ]
    for tick in (-limit, -limit / 2, 0, limit / 2, limit):
        x = mid + plot_w / 2 * tick / limit
        body.append(
            _line(x, top - 6, x, top + row_h * len(rows), MUTED if tick == 0 else GRID, 1.5 if tick == 0 else 1)
        )
        body.append(_text(x, height - 8, fmt(tick), anchor="middle", size=11, fill=MUTED))
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(plot_x - 8, y + row_h / 2 + 4, row["label"], anchor="end", size=11))
        if row.get("suppressed") or row.get("value") is None:
            body.append(_rect(plot_x, y + 5, plot_w, row_h - 10, f"url(#{pid})"))
            body.append(_text(mid, y + row_h / 2 + 4, row.get("note") or too_few(), anchor="middle", size=10))
            continue
        value = max(-limit, min(limit, row["value"]))
        w = plot_w / 2 * abs(value) / limit
        x = mid if value >= 0 else mid - w
        body.append(_rect(x, y + 6, w, row_h - 12, POSITIVE if value >= 0 else NEGATIVE, rx=2))
        tx = mid + w + 6 if value >= 0 else mid - w - 6
        sign = "+" if value > 0 else ""
        body.append(
            _text(
                tx,
                y + row_h / 2 + 4,
                sign + fmt(row["value"]),
                anchor="start" if value >= 0 else "end",
                size=11,
                weight="600",
            )
        )
    return _svg(width, height, title, desc, body)


def stacked_bars(
    rows: list[dict],
    points: list[str],
    point_labels: list[str],
    title: str,
    desc: str,
    *,
    label_width: int = 210,
    width: int = 640,
) -> Markup:
    """100% stacked bars of answer distributions; rows ``{"label", "distribution", "n", "suppressed"}``."""
    row_h, top = 30, 40
    plot_x, plot_w = label_width, width - label_width - 70
    height = top + row_h * max(len(rows), 1) + 10
    palette = ("#a4262c", "#e3a6a9", "#d9dee3", "#9cc3df", "#1f5f8b")
    inks = (("#ffffff",), (INK,), (INK,), (INK,), ("#ffffff",))
    pid, defs = _hatch()
    body = [defs]
    # Legend: colour plus label, so the meaning never rests on colour alone.
    lx = plot_x
    for k, label in enumerate(point_labels):
        body.append(_rect(lx, 6, 12, 12, palette[k % len(palette)], stroke=GRID))
        body.append(_text(lx + 16, 16, label, size=10))
        lx += 16 + 6.2 * len(label) + 12
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(plot_x - 8, y + row_h / 2 + 4, row["label"], anchor="end"))
        dist = row.get("distribution") or {}
        total = sum(dist.get(p, 0) for p in points)
        if row.get("suppressed") or not total:
            body.append(_rect(plot_x, y + 5, plot_w, row_h - 10, f"url(#{pid})"))
            body.append(_text(plot_x + 8, y + row_h / 2 + 4, too_few(), size=11))
            continue
        x = plot_x
        for k, p in enumerate(points):
            share = dist.get(p, 0) / total
            w = plot_w * share
            body.append(_rect(x, y + 5, w, row_h - 10, palette[k % len(palette)]))
            if share >= 0.08:
                body.append(
                    _text(
                        x + w / 2,
                        y + row_h / 2 + 4,
                        fmt(share * 100) + "%",
                        anchor="middle",
                        size=10,
                        fill=inks[k % len(inks)][0],
                    )
                )
            x += w
        if row.get("n") is not None:
            body.append(_text(plot_x + plot_w + 8, y + row_h / 2 + 4, f"n = {row['n']}", size=11))
    return _svg(width, height, title, desc, body)


def trust_grid(codes: list[str], cells: list[dict], title: str, desc: str, *, cell: int = 58) -> Markup:
    """Trust matrix: rows are the trusting board, columns the trusted one; cells show the 0–100 score."""
    left, top = 120, 56
    width = left + cell * len(codes) + 8
    height = top + cell * len(codes) + 8
    by_pair = {(c["from"], c["to"]): c for c in cells}
    body = [_text(left + cell * len(codes) / 2, 14, _("vertrouwt →"), anchor="middle", size=11, fill=MUTED)]
    for j, code in enumerate(codes):
        body.append(_text(left + j * cell + cell / 2, top - 10, code, anchor="middle", weight="700"))
    for i, source in enumerate(codes):
        y = top + i * cell
        body.append(_text(left - 10, y + cell / 2 + 4, source, anchor="end", weight="700"))
        for j, target in enumerate(codes):
            x = left + j * cell
            if source == target:
                body.append(_rect(x + 1, y + 1, cell - 2, cell - 2, "#ffffff", stroke=GRID))
                body.append(_text(x + cell / 2, y + cell / 2 + 4, "—", anchor="middle", fill=MUTED))
                continue
            c = by_pair.get((source, target))
            if c is None or c.get("score") is None:
                body.append(_rect(x + 1, y + 1, cell - 2, cell - 2, "#ffffff", stroke=GRID))
                body.append(_text(x + cell / 2, y + cell / 2 + 4, "–", anchor="middle", fill=MUTED))
                continue
            fill, ink = scale_fill(c["score"])
            body.append(_rect(x + 1, y + 1, cell - 2, cell - 2, fill))
            body.append(
                _text(x + cell / 2, y + cell / 2 + 2, fmt(c["score"]), anchor="middle", fill=ink, weight="700", size=13)
            )
            body.append(_text(x + cell / 2, y + cell / 2 + 15, f"n = {c.get('n')}", anchor="middle", fill=ink, size=9))
    return _svg(width, height, title, desc, body)


def timeline(actions: list[dict], quarters: list[str], title: str, desc: str, *, label_width: int = 300) -> Markup:
    """Roadmap actions as markers per quarter; actions ``{"label", "quarter", "horizon", "status"}``."""
    col, row_h, top = 64, 24, 36
    width = label_width + col * max(len(quarters), 1) + 8
    height = top + row_h * max(len(actions), 1) + 8
    fills = {"kort": "#1f5f8b", "middellang": "#5d8fb5", "lang": "#163f5c"}
    body = []
    for j, q in enumerate(quarters):
        x = label_width + j * col
        body.append(_line(x, top - 8, x, height - 4, GRID))
        body.append(_text(x + col / 2, top - 14, q, anchor="middle", size=10, weight="600"))
    for i, a in enumerate(actions):
        y = top + i * row_h
        label = a["label"] if len(a["label"]) <= 46 else a["label"][:45] + "…"
        body.append(_text(label_width - 8, y + row_h / 2 + 4, label, anchor="end", size=11))
        if a.get("quarter") in quarters:
            j = quarters.index(a["quarter"])
            x = label_width + j * col
            body.append(_rect(x + 4, y + 4, col - 8, row_h - 8, fills.get(a.get("horizon"), BAR), rx=4))
            mark = {"klaar": "✓", "bezig": "…"}.get(a.get("status"), "")
            if mark:
                body.append(_text(x + col / 2, y + row_h / 2 + 4, mark, anchor="middle", fill="#ffffff", weight="700"))
    return _svg(width, height, title, desc, body)
