"""The shift report as Markdown and as CSV (with a UTF-8 BOM, for Excel on Chinese Windows)."""

from __future__ import annotations

import csv
import io
import re

from floorconsole.i18n import _
from floorconsole.printable import printable
from floorconsole.report import CSV_BOM, ShiftReport
from floorconsole.report_cells import chain_line, footer_line, sections, title_line

_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
# Characters Markdown (CommonMark + GFM tables) acts on anywhere in a line...
_MD_INLINE = frozenset("\\`*_[]|~!")
# ...and those it acts on at the start of a paragraph (headings, lists, quotes, rules).
_MD_LEADING = frozenset("#+-=")


def md_escape(text: str) -> str:
    """Feed/user text made inert in Markdown: control characters visible (`printable`),
    HTML-significant characters as entities (no `<script>`, `<img onerror>` or
    `<iframe src=javascript:>` survives a renderer), Markdown-active ones backslash-escaped
    (no links, emphasis, table breaks or headings), so the text shows literally."""
    text = printable(text)
    out = []
    for i, ch in enumerate(text):
        if ch in _MD_ENTITIES:
            out.append(_MD_ENTITIES[ch])
        elif ch in _MD_INLINE or (i == 0 and ch in _MD_LEADING):
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    # "1. text" / "1) text" at the start would become a numbered list item.
    m = re.match(r"^(\d+)([.)])", escaped)
    if m:
        escaped = m.group(1) + "\\" + m.group(2) + escaped[m.end() :]
    return escaped


def _md_cell(text: str) -> str:
    return md_escape(text) or " "


def render_md(report: ShiftReport, complaints_only: bool = False) -> str:
    """GitHub-flavoured Markdown; user text shown literally (pipes escaped, controls visible)."""
    lines = [f"# {_md_cell(title_line(report, complaints_only))}", ""]
    for title, cols, rows, note in sections(report, complaints_only):
        lines += [f"## {title}", ""]
        if note:
            lines += [_md_cell(note), ""]
        if not rows:
            lines += [_("(none)"), ""]
            continue
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "|".join("---" for _ in cols) + "|")
        for row in rows:
            lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        lines.append("")
    lines += [_md_cell(chain_line(report)), ""]
    lines.append(_md_cell(footer_line(report)))
    return "\n".join(lines) + "\n"


def _csv_cell(text: str) -> str:
    # A leading = + - @ makes spreadsheets run the cell as a formula: keep it text.
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("%s"))
        return True
    except ValueError:
        return False


def render_csv(report: ShiftReport, complaints_only: bool = False) -> str:
    """One CSV with sections: a title row, a header row, the data rows, a blank row.

    It starts with a UTF-8 byte-order mark: Excel on a Chinese Windows opens a CSV without
    one in the local code page (GBK) and shows every Chinese name as mojibake."""
    buf = io.StringIO()
    buf.write(CSV_BOM)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([_csv_cell(title_line(report, complaints_only))])
    w.writerow([])
    for title, cols, rows, note in sections(report, complaints_only):
        w.writerow([f"## {title}"] + ([_csv_cell(note)] if note else []))
        w.writerow(list(cols))
        for row in rows:
            w.writerow([_csv_cell(c) for c in row])
        w.writerow([])
    w.writerow([_csv_cell(chain_line(report))])
    w.writerow([_csv_cell(footer_line(report))])
    return buf.getvalue()
