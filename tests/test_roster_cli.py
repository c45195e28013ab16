"""`floorconsole roster ...` end to end in a real process: import (refused with line numbers,
then clean), show, roll call into the duty log, flags and allow; and the config keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from floorconsole.config import ConfigError, config_from_dict
from floorconsole.roster.model import AttendanceFlag
from floorconsole.store import Store


def fc(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "floorconsole", "--db", str(tmp_path / "floor.db"), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )


def test_import_refused_then_clean_show_and_rollcall(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,姓名,班次,组别\n2026-12-01,李娜,day,投诉组\n2026-12-01,王伟,brunch,\n12/01,赵磊,day,\n")
    r = fc(tmp_path, "roster", "import", str(bad))
    assert r.returncode == 1
    assert "bad.csv:3: unknown shift 'brunch'" in r.stderr and "bad.csv:4: not a date" in r.stderr
    assert "nothing was imported" in r.stderr
    assert not (tmp_path / "floor.db").exists() or Store(tmp_path / "floor.db").roster_months() == set()

    good = tmp_path / "dec.xlsx"
    book = openpyxl.Workbook()
    for row in (
        ["日期", "姓名", "班次", "组别"],
        ["2026-12-01", "李娜", "day", "投诉组"],
        ["2026-12-01", "王伟", "day", ""],
    ):
        book.active.append(row)
    book.save(good)
    r = fc(tmp_path, "roster", "import", str(good), "--as", "Li Supervisor")
    assert r.returncode == 0, r.stderr
    assert "imported 2 rows (2 people) for 2026-12-01 to 2026-12-01" in r.stdout

    r = fc(tmp_path, "roster", "show", "--day", "2026-12-01")
    assert r.returncode == 0, r.stderr
    assert "2026-12-01 day 08:00–16:00: 2 expected" in r.stdout and "李娜" in r.stdout

    r = fc(
        tmp_path, "roster", "rollcall", "--shift", "2026-12-01 day", "--mark", "王伟=absent", "--as", "Li Supervisor"
    )
    assert r.returncode == 0, r.stderr
    assert "recorded as duty-log entry 1" in r.stdout
    with Store(tmp_path / "floor.db") as store:
        [entry] = store.list_entries(kinds=["roll-call"])
        assert "present 1, late 0, absent 1" in entry.body and "Absent: 王伟." in entry.body

    r = fc(tmp_path, "roster", "rollcall", "--shift", "2026-12-01 day", "--mark", "nobody=absent")
    assert r.returncode == 2 and "'nobody' is not expected" in r.stderr
    r = fc(tmp_path, "roster", "rollcall", "--shift", "2026-12-01 day", "--mark", "王伟=gone")
    assert r.returncode == 2 and "PERSON=MARK" in r.stderr


def test_flags_and_allow(tmp_path: Path) -> None:
    from datetime import datetime

    from floorconsole.identity import Actor

    started = datetime(2026, 11, 18, 10, 0).astimezone().timestamp()  # in the day shift, in any zone
    with Store(tmp_path / "floor.db") as store:
        f = store.record_attendance_flag(
            AttendanceFlag("李娜", "off_post", "2026-11-18 day", started, 22), Actor("x", "x", "x")
        )
    r = fc(tmp_path, "roster", "allow", str(f.id), "--note", "")
    assert r.returncode == 1 and "why it is allowed" in r.stderr
    r = fc(tmp_path, "roster", "allow", str(f.id), "--note", "sent to recover after a hard call", "--as", "Li")
    assert r.returncode == 0, r.stderr
    assert "noted as allowed" in r.stdout
    r = fc(tmp_path, "roster", "flags", "--shift", "2026-11-18 day")
    assert r.returncode == 0, r.stderr
    assert "李娜" in r.stdout and "off post" in r.stdout and "allowed by" in r.stdout


def test_config_roster_and_attendance_keys(tmp_path: Path) -> None:
    cfg = config_from_dict(
        {"roster": {"shift_aliases": {"白班": "day"}}, "attendance": {"late_min": 15, "meal_pauses": ["饭"]}},
        tmp_path,
    )
    assert cfg.roster.shift_aliases == (("白班", "day"),)
    assert cfg.roster.attendance.late_min == 15 and cfg.roster.attendance.is_meal("吃饭")
    with pytest.raises(ConfigError, match="configured shifts"):
        config_from_dict({"roster": {"shift_aliases": {"白班": "brunch"}}}, tmp_path)
    with pytest.raises(ConfigError, match="unknown key"):
        config_from_dict({"attendance": {"lat_min": 3}}, tmp_path)
    with pytest.raises(ConfigError, match="positive number"):
        config_from_dict({"attendance": {"late_min": -1}}, tmp_path)
