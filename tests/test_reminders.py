"""Reminders of what the shift lead owes: the monthly report from the 15th until sent (due the
22nd, overdue after), next month's roster from the 20th until imported (due the 25th), by
the floor's calendar day; the CLI and the console show them."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from floorconsole.cli import main
from floorconsole.clock import ManualClock, apply_time_zone
from floorconsole.identity import Actor
from floorconsole.reminders import ReminderState, due_reminders, floor_today, state_from
from floorconsole.store import Store

ME = Actor("Lin Mei", "lin", "pts/1")
NOTHING_DONE = state_from(set(), set())


def kinds(today: date, state: ReminderState = NOTHING_DONE) -> dict[str, tuple[str, str, bool]]:
    return {r.kind: (r.period_label, r.due.isoformat(), r.overdue) for r in due_reminders(today, state)}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (14, None),
        (15, ("2026-10", "2026-11-22", False)),
        (22, ("2026-10", "2026-11-22", False)),
        (23, ("2026-10", "2026-11-22", True)),
        (30, ("2026-10", "2026-11-22", True)),  # the month's last day
    ],
)
def test_monthly_report_from_the_15th_due_the_22nd(day: int, expected: tuple | None) -> None:
    assert kinds(date(2026, 11, day)).get("monthly_report") == expected


def test_the_monthly_report_stops_once_marked_sent() -> None:
    sent = state_from({"2026-10"}, set())
    assert "monthly_report" not in kinds(date(2026, 11, 23), sent)
    assert "monthly_report" in kinds(date(2026, 11, 23), state_from({"2026-09"}, set()))  # another month's


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (19, None),
        (20, ("2026-12", "2026-11-25", False)),
        (25, ("2026-12", "2026-11-25", False)),
        (26, ("2026-12", "2026-11-25", True)),
        (30, ("2026-12", "2026-11-25", True)),
    ],
)
def test_next_months_roster_from_the_20th_due_the_25th(day: int, expected: tuple | None) -> None:
    assert kinds(date(2026, 11, day)).get("roster") == expected


def test_the_roster_reminder_stops_once_imported() -> None:
    assert "roster" not in kinds(date(2026, 11, 21), state_from(set(), {(2026, 12)}))
    assert "roster" in kinds(date(2026, 11, 21), state_from(set(), {(2026, 11)}))  # this month's is not next


def test_year_ends() -> None:
    # December: the roster is January's of the next year; January: the report is December's.
    assert kinds(date(2026, 12, 31)) == {
        "monthly_report": ("2026-11", "2026-12-22", True),
        "roster": ("2027-01", "2026-12-25", True),
    }
    assert kinds(date(2027, 1, 15)) == {"monthly_report": ("2026-12", "2027-01-22", False)}
    assert kinds(date(2027, 1, 1)) == {}  # nothing due on the 1st
    assert kinds(date(2028, 2, 29))["roster"] == ("2028-03", "2028-02-25", True)


def test_reminder_text_says_what_and_by_when() -> None:
    r = due_reminders(date(2026, 11, 23), NOTHING_DONE)
    assert "2026-10" in r[0].text and "2026-11-22" in r[0].text and "overdue" in r[0].text
    assert "--mark-sent" in r[0].text
    assert "2026-12" in r[1].text and "2026-11-25" in r[1].text


@pytest.fixture
def zone() -> Iterator[None]:
    """Restore the process's zone after a test that sets the floor's."""
    before = os.environ.get("TZ")
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_today_is_the_floors_day_not_utcs(zone: None) -> None:
    # 16:30 UTC on the 14th is 00:30 on the 15th in Shanghai: the report reminder is due there.
    instant = datetime(2026, 11, 14, 16, 30, tzinfo=ZoneInfo("UTC")).timestamp()
    clock = ManualClock(instant)
    apply_time_zone("UTC")
    assert floor_today(clock) == date(2026, 11, 14)
    assert "monthly_report" not in kinds(floor_today(clock))
    apply_time_zone("Asia/Shanghai")
    assert floor_today(clock) == date(2026, 11, 15)
    assert "monthly_report" in kinds(floor_today(clock))
    # one second before midnight in Shanghai: still the 14th
    clock.set(datetime(2026, 11, 14, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())
    assert floor_today(clock) == date(2026, 11, 14)


def test_cli_reminders_follow_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "floor.db"
    Store(db).close()
    before = due_reminders(datetime.now().date(), NOTHING_DONE)
    assert main(["--db", str(db), "reminders", "--json"]) == 0
    after = due_reminders(datetime.now().date(), NOTHING_DONE)
    due = json.loads(capsys.readouterr().out)
    # whatever today is: what is printed is what due_reminders gives for the floor's day
    # (run at midnight, the day may turn between the two looks)
    assert [d["kind"] for d in due] in ([r.kind for r in before], [r.kind for r in after])
    expected = after
    for r in expected:
        if r.kind == "monthly_report":
            assert (
                main(
                    ["--db", str(db), "report", "monthly", "--month", r.period_label, "--mark-sent", "--as", "Lin Mei"]
                )
                == 0
            )
    capsys.readouterr()
    assert main(["--db", str(db), "reminders", "--json"]) == 0
    assert all(d["kind"] != "monthly_report" for d in json.loads(capsys.readouterr().out))
    with Store(db) as store:
        sent = store.list_reports_sent("monthly")
        assert [a.action for a in store.list_audit(action="report.sent")] == ["report.sent"] * len(sent)
