"""Roster files as centres keep them: CSV and XLSX, English or Chinese headers; every bad row
listed with its line number and why; nothing imported until the file is clean."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from floorconsole.config import DEFAULT_SHIFTS
from floorconsole.roster.model import RosterEntry
from floorconsole.roster.roster_import import parse_date, read_roster
from floorconsole.roster.settings import RosterSettings


def _csv(tmp_path: Path, text: str, name: str = "roster.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _xlsx(tmp_path: Path, rows: list[list[object]], name: str = "roster.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    p = tmp_path / name
    book.save(p)
    return p


def test_english_csv(tmp_path: Path) -> None:
    p = _csv(tmp_path, "date,person,shift,group\n2026-12-01,Li Na,day,billing\n2026-12-01,Wang Wei,night,\n")
    r = read_roster(p, DEFAULT_SHIFTS)
    assert r.ok, r.problems
    assert r.entries == [
        RosterEntry(date(2026, 12, 1), "Li Na", "day", "billing"),
        RosterEntry(date(2026, 12, 1), "Wang Wei", "night", ""),
    ]


def test_chinese_headers_gbk_and_aliases(tmp_path: Path) -> None:
    text = "日期,姓名,班次,组别\n2026年12月1日,李娜,白班,投诉组\n2026/12/02,王伟,夜班,咨询组\n"
    p = _csv(tmp_path, text, encoding="gb18030")
    settings = RosterSettings(shift_aliases=(("白班", "day"), ("夜班", "night")))
    r = read_roster(p, DEFAULT_SHIFTS, settings)
    assert r.ok, r.problems
    assert r.entries[0] == RosterEntry(date(2026, 12, 1), "李娜", "day", "投诉组")
    assert r.entries[1] == RosterEntry(date(2026, 12, 2), "王伟", "night", "咨询组")


def test_csv_bad_rows_listed_with_line_numbers(tmp_path: Path) -> None:
    text = (
        "date,person,shift,group\n"  # line 1
        "2026-12-01,Li Na,day,a\n"  # 2 fine
        "\n"  # 3 blank: skipped
        "2026-13-01,Wang Wei,day,a\n"  # 4 bad date
        "2026-12-01,,day,a\n"  # 5 no person
        "2026-12-01,Zhao,brunch,a\n"  # 6 unknown shift
        "2026-12-01,Li Na,day,b\n"  # 7 duplicate of line 2
    )
    r = read_roster(_csv(tmp_path, text), DEFAULT_SHIFTS)
    assert not r.ok
    by_line = {p.line: p.message for p in r.problems}
    assert sorted(by_line) == [4, 5, 6, 7]
    assert "not a date" in by_line[4] and "2026-13-01" in by_line[4]
    assert "person is empty" in by_line[5]
    assert "unknown shift 'brunch'" in by_line[6] and "day" in by_line[6]
    assert "line 2" in by_line[7]
    assert str(r.problems[0]).startswith("line 4: ")


def test_csv_quoted_newline_keeps_physical_line_numbers(tmp_path: Path) -> None:
    text = 'date,person,shift,group\n2026-12-01,"Li\nNa",day,a\n2026-12-01,X,nope,a\n'
    r = read_roster(_csv(tmp_path, text), DEFAULT_SHIFTS)
    assert [p.line for p in r.problems] == [4]


def test_missing_column_named(tmp_path: Path) -> None:
    r = read_roster(_csv(tmp_path, "日期,姓名,组别\n2026-12-01,李娜,a\n"), DEFAULT_SHIFTS)
    assert [p.line for p in r.problems] == [1]
    assert "shift" in r.problems[0].message and "班次" in r.problems[0].message


def test_empty_file(tmp_path: Path) -> None:
    r = read_roster(_csv(tmp_path, ""), DEFAULT_SHIFTS)
    assert not r.ok and "empty" in r.problems[0].message


def test_xlsx_with_date_cells_and_errors(tmp_path: Path) -> None:
    from datetime import datetime

    p = _xlsx(
        tmp_path,
        [
            ["日期", "姓名", "班次", "组别"],
            [datetime(2026, 12, 1), "李娜", "day", "投诉组"],
            ["2026-12-02", 1001, "evening", None],
            ["someday", "王伟", "day", "a"],
            [datetime(2026, 12, 3), "赵", "lunch", "a"],
        ],
    )
    r = read_roster(p, DEFAULT_SHIFTS)
    assert {p.line for p in r.problems} == {4, 5}
    assert r.entries[:2] == [
        RosterEntry(date(2026, 12, 1), "李娜", "day", "投诉组"),
        RosterEntry(date(2026, 12, 2), "1001", "evening", ""),
    ]


def test_xlsx_clean(tmp_path: Path) -> None:
    p = _xlsx(tmp_path, [["Date", "Agent", "Shift", "Queue"], ["2026-12-01", "Li Na", "Night", "q1"]])
    r = read_roster(p, DEFAULT_SHIFTS)
    assert r.ok and r.entries == [RosterEntry(date(2026, 12, 1), "Li Na", "night", "q1")]


def test_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "r.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        read_roster(bad, DEFAULT_SHIFTS)
    with pytest.raises(ValueError, match=r"\.xls format"):
        read_roster(tmp_path / "r.xls", DEFAULT_SHIFTS)
    with pytest.raises(ValueError, match=r"expected a \.csv or \.xlsx"):
        read_roster(tmp_path / "r.pdf", DEFAULT_SHIFTS)


@pytest.mark.parametrize(
    "text", ["2026-12-01", "2026/12/01", "2026.12.01", "20261201", "2026年12月1日", "2026 年 12 月 01 日"]
)
def test_date_forms(text: str) -> None:
    assert parse_date(text) == date(2026, 12, 1)
