"""The owed reports' renderers: user text shown literally in every format, spreadsheet cells
never run as formulas, CJK text aligned by terminal cells, empty tables said so."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from rich.cells import cell_len

from floorconsole.reports.document import Document, Table
from floorconsole.reports.render import render, table_lines, xlsx_value

HOSTILE = '=HYPERLINK("http://x")<script>alert(1)</script>|**bold** [link](http://x)'


def doc() -> Document:
    return Document(
        title="Report 报告",
        tables=[
            Table(
                "People",
                ("agent", "calls", "SL"),
                [["张伟 (SIP/1001)", "12", "80.0%"], ["Liu Bo", "3", "—"], [HOSTILE, "-1", "5.5%"]],
                "a note",
            ),
            Table("Empty", ("x",), []),
        ],
        intro=["intro line"],
        footer=["footer line"],
        name="test-report",
    )


def test_markdown_and_html_show_user_text_literally() -> None:
    md = render(doc(), "md")
    assert isinstance(md, str)
    assert "<script>" not in md and "\\|" in md and "\\*\\*bold\\*\\*" in md and "\\[link\\]" in md
    page = render(doc(), "html")
    assert isinstance(page, str)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "(none)" in md and "(none)" in page


def test_csv_has_a_bom_and_no_formula() -> None:
    text = render(doc(), "csv")
    assert isinstance(text, str) and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    hostile = next(r for r in rows if r and "HYPERLINK" in r[0])
    assert hostile[0].startswith("'=") and hostile[1] == "-1"  # a negative number stays a number
    assert ["张伟 (SIP/1001)", "12", "80.0%"] in rows


def test_xlsx_numbers_are_numbers_and_text_never_a_formula(tmp_path: Path) -> None:
    data = render(doc(), "xlsx")
    assert isinstance(data, bytes)
    path = tmp_path / "r.xlsx"
    path.write_bytes(data)
    wb = load_workbook(path)
    assert wb.sheetnames == ["test-report", "People", "Empty"]
    ws = wb["People"]
    assert [c.value for c in ws[3]] == ["agent", "calls", "SL"]
    assert [c.value for c in ws[4]] == ["张伟 (SIP/1001)", 12, 0.8]
    assert ws["C4"].number_format == "0.0%"
    assert ws["A6"].value == HOSTILE and ws["A6"].data_type == "s"  # text, not a formula
    assert ws["B6"].value == -1
    assert xlsx_value("—") == "—" and xlsx_value("07") == 7


def test_text_aligns_by_terminal_cells() -> None:
    t = Table("t", ("名字", "n"), [["张伟", "1"], ["Liu Bo", "22"], ["王", "333"]])
    lines = table_lines(t)
    assert len({cell_len(line) for line in lines}) == 1  # numbers right-aligned: every line as wide
    assert lines[2].startswith("张伟    ") and lines[2].endswith("  1")
    text = render(doc(), "text")
    assert isinstance(text, str) and "(none)" in text and "\x1b" not in text


def test_unknown_format_is_a_clear_error() -> None:
    try:
        render(doc(), "pdf")
    except ValueError as exc:
        assert "md, csv, html, xlsx, text" in str(exc)
    else:
        raise AssertionError("pdf accepted")
