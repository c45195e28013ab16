"""A `Document` in every format: Markdown, CSV (with a BOM for Excel on Chinese Windows),
one self-contained HTML page, an .xlsx workbook (openpyxl; one sheet per table, numbers as
numbers) and aligned plain text for a terminal (widths by `rich.cells.cell_len`, so Chinese
names, two cells wide, keep the columns straight).
"""

from __future__ import annotations

import csv
import html
import io
import re

from rich.cells import cell_len

from floorconsole.i18n import _
from floorconsole.printable import printable
from floorconsole.report import CSV_BOM
from floorconsole.report_text import md_escape
from floorconsole.reports.document import Document, Table

FORMATS: tuple[str, ...] = ("md", "csv", "html", "xlsx", "text")
EMPTY = "(none)"


def render(doc: Document, fmt: str) -> str | bytes:
    """`doc` in `fmt`: text for md, csv, html and text; bytes for xlsx."""
    if fmt == "md":
        return render_md(doc)
    if fmt == "csv":
        return render_csv(doc)
    if fmt == "html":
        return render_html(doc)
    if fmt == "text":
        return render_text(doc)
    if fmt == "xlsx":
        return render_xlsx(doc)
    raise ValueError(
        _("unknown report format {fmt}; use one of {formats}").format(fmt=repr(fmt), formats=", ".join(FORMATS))
    )


# ----------------------------------------------------------------------------- Markdown


def _md(text: str) -> str:
    return md_escape(text) or " "


def render_md(doc: Document) -> str:
    lines = [f"# {_md(doc.title)}", ""]
    for line in doc.intro:
        lines += [_md(line), ""]
    for t in doc.tables:
        lines += [f"## {_md(t.title)}", ""]
        if t.note:
            lines += [_md(t.note), ""]
        if not t.rows:
            lines += [EMPTY, ""]
            continue
        lines.append("| " + " | ".join(_md(c) for c in t.columns) + " |")
        lines.append("|" + "|".join("---" for _ in t.columns) + "|")
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in t.rows]
        lines.append("")
    lines += [_md(line) for line in doc.footer]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- CSV

_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")


def _csv(text: str) -> str:
    # A leading = + - @ makes a spreadsheet run the cell as a formula: keep it text.
    text = printable(text)
    # A lone "-" (nothing) is no formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and text != "-" and not _NUMBER.match(text) else text


def render_csv(doc: Document) -> str:
    buf = io.StringIO()
    buf.write(CSV_BOM)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([_csv(doc.title)])
    for line in doc.intro:
        w.writerow([_csv(line)])
    w.writerow([])
    for t in doc.tables:
        w.writerow([_csv(f"## {t.title}")] + ([_csv(t.note)] if t.note else []))
        w.writerow([_csv(c) for c in t.columns])
        for row in t.rows:
            w.writerow([_csv(c) for c in row])
        w.writerow([])
    for line in doc.footer:
        w.writerow([_csv(line)])
    return buf.getvalue()


# ----------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.n{text-align:right}p.note{color:#555;font-size:.85em}
footer{margin-top:2em;font-size:.8em;color:#555;word-break:break-all}
"""


def _e(text: str) -> str:
    return html.escape(printable(text), quote=True)


def render_html(doc: Document) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{_e(doc.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(doc.title)}</h1>",
    ]
    out += [f"<p>{_e(line)}</p>" for line in doc.intro]
    for t in doc.tables:
        out.append(f"<h2>{_e(t.title)}</h2>")
        if t.note:
            out.append(f'<p class="note">{_e(t.note)}</p>')
        if not t.rows:
            out.append(f"<p>{EMPTY}</p>")
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in t.columns) + "</tr></thead><tbody>")
        for row in t.rows:
            cells = "".join(f'<td class="n">{_e(c)}</td>' if _NUMBER.match(c) else f"<td>{_e(c)}</td>" for c in row)
            out.append(f"<tr>{cells}</tr>")
        out.append("</tbody></table>")
    out.append("<footer>" + "<br>".join(_e(line) for line in doc.footer) + "</footer></body></html>")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- text


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def table_lines(t: Table) -> list[str]:
    """One table as aligned lines: widths in terminal cells, numbers right-aligned."""
    cols = [printable(c) for c in t.columns]
    rows = [[printable(c) for c in row] for row in t.rows]
    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    numeric = [
        bool(rows) and all(_NUMBER.match(r[i]) or r[i] in ("", "—", "-") for r in rows) for i in range(len(cols))
    ]
    lines = ["  ".join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(cols)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    return lines


def render_text(doc: Document) -> str:
    lines = [printable(doc.title), "=" * cell_len(printable(doc.title))]
    lines += [printable(line) for line in doc.intro]
    for t in doc.tables:
        lines += ["", printable(t.title), "-" * cell_len(printable(t.title))]
        if t.note:
            lines.append(printable(t.note))
        lines += table_lines(t) if t.rows else [EMPTY]
    lines.append("")
    lines += [printable(line) for line in doc.footer]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- xlsx

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.lower())
    return name


def xlsx_value(text: str) -> str | int | float:
    """A cell as a spreadsheet wants it: `12` a number, `78.5%` the fraction 0.785 (shown as a
    percentage), anything else text (a leading = stays text: openpyxl would write a formula)."""
    if _NUMBER.match(text):
        if text.endswith("%"):
            return float(text[:-1]) / 100
        return float(text) if "." in text else int(text)
    return printable(text)


def render_xlsx(doc: Document) -> bytes:
    """A workbook: a summary sheet (title, intro, footer, contents), then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    used: set[str] = set()
    ws.title = _sheet_title(doc.name, used)
    bold = Font(bold=True)
    ws.append([printable(doc.title)])
    ws["A1"].font = bold
    for line in doc.intro:
        ws.append([printable(line)])
    ws.append([])
    for t in doc.tables:
        ws.append([printable(t.title), len(t.rows)])
    ws.append([])
    for line in doc.footer:
        ws.append([printable(line)])
    for t in doc.tables:
        sheet = wb.create_sheet(_sheet_title(t.title, used))
        sheet.append([printable(t.title)])
        sheet["A1"].font = bold
        sheet.append([printable(t.note)] if t.note else [])
        sheet.append([printable(c) for c in t.columns])
        for cell in sheet[3]:
            cell.font = bold
        for row in t.rows:
            values = [xlsx_value(c) for c in row]
            sheet.append(values)
            for cell, raw in zip(sheet[sheet.max_row], row):
                if isinstance(cell, Cell) and raw.endswith("%") and isinstance(cell.value, float):
                    cell.number_format = "0.0%"
                elif isinstance(cell, Cell) and isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        for i, heading in enumerate(t.columns, start=1):
            width = max([cell_len(heading)] + [cell_len(r[i - 1]) for r in t.rows]) + 2
            sheet.column_dimensions[_col_letter(i)].width = min(width, 60)
        sheet.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)
