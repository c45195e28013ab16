"""Reports and text tables with Chinese text: columns line up in terminal cells, CSV cells
come back whole, headings are the glossary's; and a terminal set up for CJK (TERM, LANG)
measures nothing differently. Real `floorconsole` subprocesses on a real feed and database."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from support import fixed_floor

from floorconsole import i18n

NAMES = {"sales": "销售热线", "support": "售后服务"}
ENTRY = "三号座席耳机有杂音，已报修"


def chinese_feed(tmp_path: Path) -> Path:
    now = fixed_floor.day_instant()
    lines = []
    for line in fixed_floor.feed_lines(now):
        for english, chinese in NAMES.items():
            line = line.replace(f"|{english}|", f"|{chinese}|")
        lines.append(line)
    feed = tmp_path / "queue_log"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return feed


def fc(*argv: str, env: dict[str, str] | None = None) -> str:
    base = {k: v for k, v in os.environ.items() if k not in i18n.ENV_VARIABLES}
    proc = subprocess.run(
        [sys.executable, "-m", "floorconsole", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**base, **(env or {})},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def tables(text: str) -> list[list[str]]:
    """The blocks of the stats output that are tables (the lines between blank lines)."""
    blocks = [b.splitlines() for b in text.strip().split("\n\n")]
    return [b for b in blocks if len(b) > 1]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_stats_tables_line_up_in_cells_with_chinese_queue_names(tmp_path: Path, lang: str) -> None:
    out = fc("--lang", lang, "stats", "--feed", str(chinese_feed(tmp_path)))
    queue_table = tables(out)[0]
    assert any("销售热线" in line for line in queue_table)
    # every line of a table is as wide as its header, counted in cells (not characters)
    for table in tables(out):
        widths = {cell_len(line.rstrip()) for line in table}
        assert len(widths) == 1, table
        # the columns after the first are right-aligned: their right edges coincide
        header_words = table[0].split()
        edge = cell_len(table[0][: table[0].index(header_words[1]) + len(header_words[1])])
        for line in table[1:]:
            first_end = cell_len(line.split("  ")[0])
            assert first_end <= edge
    if lang == "zh_CN":
        assert queue_table[0].split()[:3] == ["队列", "进线", "接听"]


@pytest.fixture
def db_with_chinese_entry(tmp_path: Path) -> tuple[Path, str]:
    """A database with one Chinese duty-log entry, and the key of the shift it went into
    (named explicitly below, so a run at a shift boundary reports the right shift)."""
    db = tmp_path / "floor.db"
    saved = fc(
        "--db", str(db), "--lang", "en", "log", "add", "--kind", "equipment", "--body", ENTRY, "--author", "李娜"
    )
    shift = saved.split("(", 1)[1].split(")", 1)[0].split(", ", 1)[1]  # saved log entry 1 (equipment, KEY) ...
    return db, shift


def test_report_csv_in_chinese_keeps_every_cell_whole(tmp_path: Path, db_with_chinese_entry) -> None:
    db, shift = db_with_chinese_entry
    out = fc(
        "--db", str(db), "--lang", "zh_CN", "report", "--format", "csv", "--shift", shift,
        "--feed", str(chinese_feed(tmp_path)),
    )  # fmt: skip
    assert out.startswith("\ufeff")  # Excel on a Chinese Windows needs the BOM
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    sections = {r[0].removeprefix("## "): i for i, r in enumerate(rows) if r and r[0].startswith("## ")}
    assert {"队列指标", "值班日志", "投诉升级", "交接班"} <= set(sections)
    header = rows[sections["值班日志"] + 1]
    assert header == ["#", "时间", "类别", "更正", "内容", "记录人"]
    entry = rows[sections["值班日志"] + 2]
    assert len(entry) == len(header) and entry[4] == ENTRY and entry[5] == "李娜"
    kpi_header = rows[sections["队列指标"] + 1]
    assert kpi_header[:3] == ["队列", "进线", "接听"] and "服务水平" in kpi_header and "放弃率" in kpi_header
    kpis = rows[sections["队列指标"] + 2 : sections["队列指标"] + 5]
    assert {r[0] for r in kpis} >= {"销售热线", "售后服务", "全部队列"}
    assert all(len(r) == len(kpi_header) for r in kpis)


def test_report_markdown_in_chinese(tmp_path: Path, db_with_chinese_entry) -> None:
    db, shift = db_with_chinese_entry
    out = fc(
        "--db", str(db), "--lang", "zh_CN", "report", "--format", "md", "--shift", shift,
        "--feed", str(chinese_feed(tmp_path)),
    )  # fmt: skip
    assert out.startswith("# 班次报告：") or out.startswith("# 班次报告:")
    assert "## 值班日志" in out and ENTRY in out
    table = [line for line in out.splitlines() if line.startswith("| ") and "销售热线" in line]
    assert table and all(line.count("|") == table[0].count("|") for line in table)


def test_a_cjk_terminal_measures_the_same(tmp_path: Path) -> None:
    """TERM and LANG as on a Chinese terminal change no width rich (and so Textual) computes:
    the console's strings are drawn from what rich.cells measures, and the zh_CN messages
    carry no ambiguous-width character for such a terminal to draw wider (test_i18n)."""
    probe = (
        "import json, sys; from rich.cells import cell_len; from floorconsole import i18n; "
        "i18n.set_language('zh_CN'); "
        "words = [i18n._(w) for w in ('Service level', 'Abandon rate', 'ASA', 'AHT', 'Avl', 'Paus', 'RNA')]; "
        "print(json.dumps([cell_len(w) for w in words + ['徐静', '销售热线', 'A01']]))"
    )
    results = []
    for env in (
        {"TERM": "xterm-256color", "LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "LC_CTYPE": "zh_CN.UTF-8"},
        {"TERM": "linux", "LANG": "C.UTF-8"},
    ):
        base = {k: v for k, v in os.environ.items() if k not in (*i18n.ENV_VARIABLES, "TERM", "LC_CTYPE")}
        proc = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env={**base, **env}, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        results.append(proc.stdout.strip())
    assert results[0] == results[1]
    assert results[0] == "[8, 6, 8, 8, 4, 4, 4, 4, 8, 3]"
