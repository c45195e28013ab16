"""Attendance flags are recorded with no console open: `floorconsole watch` runs the recorder.

A real `watch` subprocess on a real queue_log and records file, its clock set with
time-machine inside the subprocess (a fixed instant, running at real speed from there);
in-process, the headless driver with a ManualClock: the records changing (a roster imported,
leave approved) are picked up, someone on approved leave who logs in is not flagged, and two
recorders on one file record one row.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from support.waiting import wait_for

from floorconsole.clock import ManualClock
from floorconsole.config import Agent, Config, Person
from floorconsole.identity import Actor
from floorconsole.roster.attendance_recorder import AttendanceRecorder, FollowAttendance
from floorconsole.roster.model import RosterEntry
from floorconsole.store import Store, StoreService
from floorconsole.store.registers import RegisterSettings
from floorconsole.views import FeedStatus, FloorUpdate, SeatView

ROOT = Path(__file__).resolve().parents[1]
D1 = date(2026, 12, 1)
ACTOR = Actor("Li Na", "li", "pts/1")


def local(day: date, hh: int, mm: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hh, mm).astimezone().timestamp()


def _line(t: float, *fields: str) -> str:
    return "|".join([str(int(t)), *fields]) + "\n"


def _flags(db: Path) -> list[tuple[str, str]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return sorted(conn.execute("SELECT person, kind FROM attendance_flags").fetchall())
        except sqlite3.OperationalError:
            return []


def _ended(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM attendance_flag_events").fetchone()[0])


# The watch runs with its clock at 08:30 on D1 (time-machine in the subprocess, ticking).
WATCH_MAIN = (
    "import sys, time_machine\n"
    "time_machine.travel(float(sys.argv[1]), tick=True).start()\n"
    "from floorconsole.cli import main\n"
    "raise SystemExit(main(sys.argv[2:]))\n"
)


def test_watch_records_late_and_not_rostered_once_with_no_console(tmp_path: Path) -> None:
    db, feed = tmp_path / "floor.db", tmp_path / "queue_log"
    now = local(D1, 8, 30)
    with Store(db, clock=ManualClock(local(D1, 7))) as store:
        store.import_roster(
            [RosterEntry(D1, "SIP/1001", "day", "sales"), RosterEntry(D1, "SIP/1009", "day", "sales")],
            "roster.csv",
            ACTOR,
        )
    # SIP/1001 (rostered) came at 08:01; SIP/1002 (not rostered) at 08:05; SIP/1009 never came
    feed.write_text(
        _line(local(D1, 8, 1), "NONE", "sales", "SIP/1001", "ADDMEMBER", "")
        + _line(local(D1, 8, 5), "NONE", "sales", "SIP/1002", "ADDMEMBER", "")
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["--db", str(db), "watch", "--feed", str(feed), "--interval", "0.2", "--quiet"]
    proc = subprocess.Popen(
        [sys.executable, "-c", WATCH_MAIN, repr(now), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        try:
            wait_for(lambda: len(_flags(db)) >= 2, timeout=90, what="two flags recorded by watch")
        except AssertionError:
            proc.send_signal(signal.SIGTERM)
            said = proc.communicate(timeout=30)[1][-1500:]
            raise AssertionError(f"not recorded; watch said: {said}") from None
        assert _flags(db) == [("SIP/1002", "unrostered"), ("SIP/1009", "late")]
        # SIP/1009 comes: a later run of the rules records the late episode's end (how late),
        # and by then nothing was recorded twice
        with open(feed, "a") as f:
            f.write(_line(now + 1, "NONE", "sales", "SIP/1009", "ADDMEMBER", ""))
        wait_for(lambda: _ended(db) == 1, timeout=60, what="the late episode's end recorded")
        assert _flags(db) == [("SIP/1002", "unrostered"), ("SIP/1009", "late")]
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out == ""
    with Store(db, clock=ManualClock(now), read_only=True) as store:
        late = next(f for f in store.list_attendance_flags(local(D1, 8), local(D1, 16)) if f.kind == "late")
    assert late.started_at == local(D1, 8) and late.shift_key == f"{D1} day" and late.minutes == 30  # how late


# ---- in-process: the headless driver with a clock the test moves --------------------------

PEOPLE = (Person("li", "Li Na", "supervisor"), Person("zhou", "Zhou Min", "manager"))
ZHOU = Actor("Zhou Min", "zhou", "pts/3")
SETTINGS = RegisterSettings((Agent("Xu Jing", "hotline", 2, lead="li"),), ())


def seat(agent: str, state: str, since: float) -> SeatView:
    return SeatView(agent, agent, "", ("sales",), state, since, None, "", 0, 0)


def _follow(db: Path, clock: ManualClock) -> tuple[FollowAttendance, StoreService]:
    service = StoreService(db, clock=clock)
    recorder = AttendanceRecorder(service, Config(db_path=db), ACTOR, every_s=0.0)
    return FollowAttendance(recorder, clock), service


def _drain(follow: FollowAttendance) -> None:
    for f in list(follow.recorder.pending):
        f.result(timeout=30)


def test_headless_recorder_picks_up_a_roster_imported_and_leave_approved(tmp_path: Path) -> None:
    db = tmp_path / "floor.db"
    clock = ManualClock(local(D1, 7, 50))
    with Store(db, clock=clock, people=PEOPLE, registers=SETTINGS):
        pass
    follow, service = _follow(db, clock)
    try:
        follow.on_update(
            FloorUpdate(
                seats={
                    "Xu Jing": seat("Xu Jing", "AVAILABLE", local(D1, 7, 55)),
                    "Ma Wei": seat("Ma Wei", "AVAILABLE", local(D1, 7, 56)),
                },
                status=FeedStatus(state="live", live=True),
            )
        )
        follow.step()
        assert follow.recorder.loaded and follow.recorder.expected.days == frozenset()
        clock.set(local(D1, 8, 30))
        follow.step()
        _drain(follow)
        assert _flags(db) == []  # no roster: nobody is "not rostered"
        # the roster arrives, and Xu Jing's leave for the day is approved (another process)
        with Store(db, clock=ManualClock(local(date(2026, 11, 20), 9)), people=PEOPLE, registers=SETTINGS) as s:
            s.import_roster(
                [RosterEntry(D1, "Ma Wei", "evening", "g"), RosterEntry(D1, "Xu Jing", "day", "g")], "r.csv", ACTOR
            )
            leave = s.request_leave("Xu Jing", "ordinary", D1, "day", ACTOR, reason="family")
            s.approve_leave(leave.id, ZHOU)
        clock.set(local(D1, 8, 31))
        follow.step()  # the records moved: reloaded, then the rules run
        _drain(follow)
        # Ma Wei is not rostered on the day shift; Xu Jing came in despite leave: not flagged
        assert _flags(db) == [("Ma Wei", "unrostered")]
        assert "Xu Jing" in follow.recorder.expected.on_leave[(D1, "day")]
        for _ in range(3):
            clock.advance(60)
            follow.step()
        _drain(follow)
        assert _flags(db) == [("Ma Wei", "unrostered")]  # once per episode
    finally:
        service.close()


def test_two_recorders_on_one_file_record_one_row(tmp_path: Path) -> None:
    db = tmp_path / "floor.db"
    clock = ManualClock(local(D1, 8, 30))
    with Store(db, clock=clock) as store:
        store.import_roster([RosterEntry(D1, "SIP/1009", "day", "g")], "r.csv", ACTOR)
    a, sa = _follow(db, clock)
    b, sb = _follow(db, clock)
    try:
        update = FloorUpdate(
            seats={"SIP/1002": seat("SIP/1002", "AVAILABLE", local(D1, 8, 5))},
            status=FeedStatus(state="live", live=True),
        )
        for follow in (a, b):
            follow.on_update(update)
        for _ in range(2):
            for follow in (a, b):
                follow.step()
            clock.advance(5)
        _drain(a)
        _drain(b)
        assert _flags(db) == [("SIP/1002", "unrostered"), ("SIP/1009", "late")]
    finally:
        sa.close()
        sb.close()
