"""The shift report as one self-contained HTML page with an inline SVG chart.

No scripts, no web fonts, no network: the page opens from a mail attachment on any machine.
Every value goes through `html.escape` (user and feed text is shown literally).
"""

from __future__ import annotations

import html

from floorconsole.i18n import N_, _, is_chinese
from floorconsole.printable import printable
from floorconsole.report import HOUR, HourRow, ShiftReport
from floorconsole.report_cells import chain_line, fmt_hm, footer_line, sections, title_line

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f2f2f2}p.note{color:#555;font-size:.85em}.chart{margin:.5em 0}
footer{margin-top:2em;font-size:.8em;color:#555;word-break:break-all}
"""


# the chart's words are translated inside f-strings, where extraction cannot see them
_CHART_WORDS = (
    N_("Waiting callers and service level by hour"),
    N_("{n} waiting at peak"),
    N_("peak waiting callers"),
    N_("service level"),
    N_("SL target"),
)


def _e(text: str) -> str:
    return html.escape(printable(text), quote=True)


def chart_svg(hours: tuple[HourRow, ...], sl_target: float | None = None) -> str:
    """Bars: peak callers waiting per hour (left axis); line: service level % (right axis)."""
    if not hours:
        return ""
    w, h, left, right, top, bottom = 640, 220, 40, 44, 16, 30
    pw, ph = w - left - right, h - top - bottom
    n = len(hours)
    slot = pw / n
    peak = max(max(r.peak_waiting for r in hours), 1)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{_e(_("Waiting callers and service level by hour"))}">'
    ]
    parts.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#ccc"/>')
    for i, r in enumerate(hours):
        bh = ph * r.peak_waiting / peak
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + ph - bh:.1f}" width="{slot * 0.7:.1f}" height="{bh:.1f}" '
            f'fill="#8ab4f8"><title>{fmt_hm(r.start)}: {_e(_("{n} waiting at peak").format(n=r.peak_waiting))}</title></rect>'
        )
        if n <= 12 or i % 2 == 0:
            parts.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{h - 12}" font-size="10" '
                f'text-anchor="middle">{fmt_hm(r.start)}</text>'
            )
    if sl_target is not None:
        y = top + ph * (1 - sl_target / 100)
        parts.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e37400" stroke-dasharray="4 3"/>'
        )
    points = []
    for i, r in enumerate(hours):
        sl = r.measures.service_level
        if sl is None:
            continue
        x, y = left + i * slot + slot / 2, top + ph * (1 - sl / 100)
        points.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#188038"><title>{fmt_hm(r.start)}: '
            f"SL {sl:.1f}%</title></circle>"
        )
    if len(points) > 1:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#188038" stroke-width="2"/>')
    parts.append(f'<text x="4" y="{top + 8}" font-size="10">{peak}</text>')
    parts.append(f'<text x="4" y="{top + ph}" font-size="10">0</text>')
    parts.append(f'<text x="{w - right + 4}" y="{top + 8}" font-size="10">100%</text>')
    parts.append(f'<text x="{w - right + 4}" y="{top + ph}" font-size="10">0%</text>')
    parts.append(f'<text x="{left}" y="{h - 1}" font-size="10" fill="#1a73e8">■ {_e(_("peak waiting callers"))}</text>')
    parts.append(f'<text x="{left + 180}" y="{h - 1}" font-size="10" fill="#188038">● {_e(_("service level"))}</text>')
    if sl_target is not None:
        parts.append(
            f'<text x="{left + 300}" y="{h - 1}" font-size="10" fill="#e37400">- - {_e(_("SL target"))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: ShiftReport, complaints_only: bool = False, sl_target: float | None = 80.0) -> str:
    """The whole page."""
    title = _e(title_line(report, complaints_only))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if is_chinese() else "en"}"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
    ]
    for sec_title, cols, rows, note in sections(report, complaints_only):
        out.append(f"<h2>{_e(sec_title)}</h2>")
        if note:
            out.append(f'<p class="note">{_e(note)}</p>')
        if sec_title == _("By hour") and report.feed is not None:
            out.append(chart_svg(report.feed.hours, sl_target))
        if not rows:
            out.append(f"<p>{_e(_('(none)'))}</p>")
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr></thead><tbody>")
        for row in rows:
            out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
        out.append("</tbody></table>")
    out.append(f'<p class="chain">{_e(chain_line(report))}</p>')
    out.append(f"<footer>{_e(footer_line(report))}</footer></body></html>")
    return "\n".join(out) + "\n"


__all__ = ["HOUR", "chart_svg", "render_html"]
