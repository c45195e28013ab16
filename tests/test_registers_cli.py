"""`floorconsole leave` and `floorconsole swap`: entries with the rules checked, refusals as
one line with exit 1 (bad options exit 2), two shift leads approving a swap as two different
OS users, the swap register printout (换班登记表), JSON lists. The session runs at a fixed
local instant (time-machine), in the process's zone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine

from floorconsole import identity
from floorconsole.cli import main

CONFIG = """
[store]
db = "floor.db"

[people.li]
name = "Li Na"
role = "supervisor"
[people.wang]
name = "Wang Fang"
role = "supervisor"
[people.zhou]
name = "Zhou Min"
role = "manager"
[people.qian]
name = "Qian Hua"
role = "centre_head"

[agents."Xu Jing"]
job = "hotline"
level = 2
lead = "li"
[agents."Ma Wei"]
job = "hotline"
level = 2
lead = "wang"
[agents."Liu Qiang"]
job = "complaints"
level = 2

[[holidays]]
date = 2026-12-25
name = "Test holiday"
duty = ["Ma Wei"]
"""
D1, D2 = date(2026, 11, 24), date(2026, 11, 26)


# November's roster as a centre keeps it: day shifts; Xu Jing off on the 26th, Ma Wei on the 24th.
ROSTER_CSV = "date,person,shift,group\n" + "".join(
    f"{date(2026, 11, i).isoformat()},{name},day,A\n"
    for i in range(1, 31)
    for name in ("Xu Jing", "Ma Wei", "Liu Qiang")
    if (name, date(2026, 11, i)) not in (("Xu Jing", D2), ("Ma Wei", D1))
)


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    roster = tmp_path / "november.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    with time_machine.travel(datetime(2026, 11, 20, 9, 0).astimezone(), tick=False):
        assert main(["--config", str(path), "roster", "import", str(roster)]) == 0  # the real import
        yield path


def as_user(monkeypatch: pytest.MonkeyPatch, os_user: str) -> None:
    """The effective OS account the next commands run as."""
    monkeypatch.setattr(identity, "effective_os_user", lambda: os_user)


def cli(capsys: pytest.CaptureFixture[str], cfg: Path, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["--config", str(cfg), *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_leave_request_approve_list(cfg: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    as_user(monkeypatch, "li")
    code, out, _ = cli(
        capsys,
        cfg,
        "leave",
        "request",
        "--person",
        "Xu Jing",
        "--kind",
        "ordinary",
        "--day",
        "2026-11-24",
        "--shift",
        "day",
    )
    assert (
        code == 0
        and out.strip() == "leave 1: Xu Jing 2026-11-24..2026-11-24 day (ordinary), waiting for the department head"
    )
    code, _, err = cli(capsys, cfg, "leave", "approve", "1")
    assert code == 1
    assert err == (
        "floorconsole: error: refused: Leave of 1 day(s) is approved by the department head (客服部主任); "
        "Li Na is a supervisor\n"
    )
    as_user(monkeypatch, "zhou")
    code, out, _ = cli(capsys, cfg, "leave", "approve", "1")
    assert code == 0 and out.strip() == "leave 1 approved by Zhou Min"
    code, out, _ = cli(capsys, cfg, "leave", "list", "--json")
    record = json.loads(out)["leave"][0]
    assert record["status"] == "approved" and record["first_day"] == "2026-11-24"
    assert record["approvals"][0]["os_user"] == "zhou"
    code, out, _ = cli(capsys, cfg, "leave", "list")
    assert "Leave register 请假登记" in out and "approved 已批" in out and "Zhou Min" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--kind", "ordinary", "--day", "2026-11-21", "--shift", "day"],
            "Ordinary leave is asked a day ahead: by 2026-11-20 08:00 for the shift at 2026-11-21 08:00",
        ),
        (
            ["--kind", "urgent", "--day", "2026-11-20", "--shift", "evening"],
            None,  # 16:00 today: more than an hour ahead, accepted
        ),
        (
            ["--kind", "urgent", "--day", "2026-11-21", "--shift", "night"],
            None,  # tonight's night shift (00:00 on the 21st), asked before 12:00 today
        ),
        (
            ["--kind", "ordinary", "--day", "2026-11-24", "--shift", "day", "--not-in-person"],
            "Ordinary leave is asked in person, not through someone else (only sick leave may be)",
        ),
        (
            ["--kind", "sick", "--day", "2026-11-24", "--shift", "day"],
            "Sick leave of a full day needs a doctor's note (医疗单位证明): tick the note when it is given",
        ),
        (
            ["--kind", "ordinary", "--day", "2026-11-24", "--shift", "late"],
            "No shift named late; configured: night, day, evening",
        ),
    ],
)
def test_each_leave_refusal_is_one_line_with_exit_1(cfg: Path, capsys, monkeypatch, argv, message) -> None:  # noqa: ANN001
    as_user(monkeypatch, "li")
    code, out, err = cli(capsys, cfg, "leave", "request", "--person", "Xu Jing", *argv)
    if message is None:
        assert code == 0, err
        return
    assert (code, out) == (1, "")
    assert err == f"floorconsole: error: refused: {message}\n"


def test_night_leave_at_noon_is_refused(cfg: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    as_user(monkeypatch, "li")
    night = ["leave", "request", "--person", "Xu Jing", "--kind", "urgent", "--day", "2026-11-21", "--shift", "night"]
    with time_machine.travel(datetime(2026, 11, 20, 12, 0).astimezone(), tick=False):
        code, _, err = cli(capsys, cfg, *night)
    assert code == 1 and err == (
        "floorconsole: error: refused: Night-shift leave is asked before 12:00: before 2026-11-20 12:00 "
        "for the night shift at 2026-11-21 00:00\n"
    )
    with time_machine.travel(datetime(2026, 11, 20, 11, 59, 59).astimezone(), tick=False):
        assert cli(capsys, cfg, *night)[0] == 0


def test_holiday_duty_refused_and_bad_options_exit_2(cfg: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    as_user(monkeypatch, "li")
    code, _, err = cli(
        capsys,
        cfg,
        "leave",
        "request",
        "--person",
        "Ma Wei",
        "--kind",
        "ordinary",
        "--day",
        "2026-12-25",
        "--shift",
        "day",
    )
    assert code == 1 and "no leave for those on holiday duty" in err and err.count("\n") == 1
    code, _, err = cli(
        capsys, cfg, "leave", "request", "--person", "X", "--kind", "ordinary", "--day", "24/11", "--shift", "day"
    )
    assert code == 2 and "expected a date such as 2026-11-24" in err
    code, _, err = cli(
        capsys, cfg, "leave", "request", "--person", "X", "--kind", "holiday", "--day", "2026-11-24", "--shift", "day"
    )
    assert code == 2


def test_a_swap_approved_by_both_shift_leads_as_two_os_users(cfg: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    as_user(monkeypatch, "li")
    swap = ["swap", "request", "--person", "Xu Jing", "--day", "2026-11-24", "--shift", "day", "--cover", "Ma Wei"]
    code, out, err = cli(capsys, cfg, *swap, "--payback-day", "2026-11-26", "--payback-shift", "day")
    assert code == 0, err
    assert out.strip() == (
        "swap 1: Ma Wei works Xu Jing's day on 2026-11-24; paid back on 2026-11-26 (day); waiting for both shift leads"
    )
    code, out, _ = cli(capsys, cfg, "swap", "approve", "1")
    assert code == 0 and out.strip() == "swap 1: approval by Li Na recorded (1 of 2): waiting for the other shift lead"
    code, _, err = cli(capsys, cfg, "swap", "approve", "1")
    assert code == 1 and err == (
        "floorconsole: error: refused: Li Na has already approved this swap: the second approval is the other "
        "shift lead's\n"
    )
    as_user(monkeypatch, "zhou")
    code, _, err = cli(capsys, cfg, "swap", "approve", "1")
    assert code == 1 and "both sides' shift leads (wang)" in err
    as_user(monkeypatch, "wang")
    code, out, _ = cli(capsys, cfg, "swap", "approve", "1")
    assert code == 0 and out.strip() == "swap 1: approval by Wang Fang recorded (2 of 2): approved"
    code, out, _ = cli(capsys, cfg, "swap", "list")
    lines = out.splitlines()
    assert lines[0] == "Swap register 换班登记表"
    assert lines[2].split()[:5] == ["No.", "Status", "Swap", "day", "换班日期"]
    row = lines[4]
    assert (
        row.split()[:4] == ["1", "approved", "已批", "2026-11-24"]
        and "Xu Jing" in row
        and "Ma Wei" in row
        and "approved 已批" in row
    )
    assert "Li Na 11-20 09:00, Wang Fang 11-20 09:00" in row
    code, out, _ = cli(capsys, cfg, "swap", "list", "--json")
    assert json.loads(out)["swaps"][0]["status"] == "approved"
    # leave on the pay-back day is now refused
    as_user(monkeypatch, "li")
    code, _, err = cli(
        capsys,
        cfg,
        "leave",
        "request",
        "--person",
        "Xu Jing",
        "--kind",
        "ordinary",
        "--day",
        "2026-11-26",
        "--shift",
        "day",
    )
    assert code == 1 and "no leave on a swap or pay-back day" in err


def test_swap_refusals_are_one_line(cfg: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    as_user(monkeypatch, "li")
    code, _, err = cli(
        capsys, cfg, "swap", "request", "--person", "Xu Jing", "--day", "2026-11-24", "--shift", "day",
        "--cover", "Liu Qiang", "--payback-day", "2026-11-26", "--payback-shift", "day",
    )  # fmt: skip
    assert code == 1
    assert err == (
        "floorconsole: error: refused: A swap is only between the same job: Xu Jing is hotline, Liu Qiang is complaints\n"
    )
    as_user(monkeypatch, "nobody")
    code, _, err = cli(
        capsys, cfg, "swap", "request", "--person", "Xu Jing", "--day", "2026-11-24", "--shift", "day",
        "--cover", "Ma Wei", "--payback-day", "2026-11-26", "--payback-shift", "day",
    )  # fmt: skip
    assert code == 1 and "'nobody' is not a configured person" in err and err.count("\n") == 1
    code, out, _ = cli(capsys, cfg, "swap", "list", "--from", "2026-12-01")
    assert code == 0 and "no swaps" in out
    code, _, err = cli(capsys, cfg, "swap", "list", "--from", "1 Dec")
    assert code == 2 and "expected a date such as 2026-11-24" in err
