"""The roster, attendance flags and roll calls in a real SQLite records file."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from floorconsole.clock import ManualClock
from floorconsole.identity import Actor
from floorconsole.roster.model import AttendanceFlag, RosterEntry
from floorconsole.roster.roll_call import RollCallLine
from floorconsole.store import Store, ValidationError

LI = Actor("Li Supervisor", "li", "pts/1")
D1, D2 = date(2026, 12, 1), date(2026, 12, 2)


def _store(tmp_path: Path) -> Store:
    return Store(tmp_path / "floor.db", clock=ManualClock(1_790_000_000.0))


def test_import_and_read_back(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        entries = [RosterEntry(D1, "Li Na", "day", "a"), RosterEntry(D2, "Wang Wei", "night", "b")]
        imp = store.import_roster(entries, "dec.csv", LI)
        assert (imp.rows, imp.first_day, imp.last_day) == (2, D1, D2)
        assert store.roster_between(D1, D2) == entries
        assert store.roster_between(D2, D2) == entries[1:]
        assert store.roster_months() == {(2026, 12)}
        assert store.verify().ok


def test_reimport_replaces_the_days_it_holds(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.import_roster([RosterEntry(D1, "Li Na", "day", "a"), RosterEntry(D2, "Li Na", "day", "a")], "v1", LI)
        store.import_roster([RosterEntry(D1, "Zhao Lei", "evening", "a")], "v2", LI)
        assert store.roster_between(D1, D2) == [
            RosterEntry(D1, "Zhao Lei", "evening", "a"),
            RosterEntry(D2, "Li Na", "day", "a"),
        ]
        assert len(store.roster_imports()) == 2


def test_import_refuses_unknown_shift_and_nothing_lands(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        with pytest.raises(ValidationError, match="unknown shift 'brunch'"):
            store.import_roster([RosterEntry(D1, "A", "day", ""), RosterEntry(D1, "B", "brunch", "")], "x", LI)
        assert store.roster_between(D1, D2) == [] and store.roster_imports() == []


def test_flag_once_end_and_allow(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        f = AttendanceFlag("Li Na", "late", "2026-12-01 day", 1000.0, 20)
        a = store.record_attendance_flag(f, LI)
        b = store.record_attendance_flag(f, LI)  # another console saw the same episode
        assert a.id == b.id and a.id > 0
        store.end_attendance_flag("Li Na", "late", "2026-12-01 day", 1000.0, 34, LI)
        store.end_attendance_flag("Li Na", "late", "2026-12-01 day", 1000.0, 99, LI)  # once
        with pytest.raises(ValidationError, match="why it is allowed"):
            store.allow_attendance_flag(a.id, "  ", LI)
        allowed = store.allow_attendance_flag(a.id, "bus strike, called ahead", LI)
        assert (allowed.allowed, allowed.allowed_by, allowed.minutes) == (True, LI.name, 34)
        with pytest.raises(ValidationError, match="already noted"):
            store.allow_attendance_flag(a.id, "again", LI)
        assert [x.id for x in store.list_attendance_flags(1000.0, 1001.0)] == [a.id]
        assert store.list_attendance_flags(1000.5, 2000.0) == []
        assert store.verify().ok


def test_flag_rows_are_append_only(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.record_attendance_flag(AttendanceFlag("Li Na", "off_post", "k", 5.0, 20), LI)
        store.import_roster([RosterEntry(D1, "Li Na", "day", "a")], "x", LI)
    conn = sqlite3.connect(tmp_path / "floor.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE attendance_flags SET minutes = 0")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM roster_entries")


def test_roll_call_writes_the_duty_log(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        lines = [
            RollCallLine("Li Na", "a", "present"),
            RollCallLine("Wang Wei", "a", "late"),
            RollCallLine("Zhao Lei", "", "on_leave", "sick"),
        ]
        rc = store.record_roll_call("2026-12-01 day", lines, LI)
        entry = store.get_entry(rc.entry_seq)
        assert entry.kind == "roll-call"
        assert "present 1, late 1, absent 0, on leave 1" in entry.body
        assert "Late: Wang Wei." in entry.body and "On leave: Zhao Lei (sick)." in entry.body
        assert store.list_roll_calls("2026-12-01 day")[0].lines == tuple(lines)
        with pytest.raises(ValidationError, match="nobody is expected"):
            store.record_roll_call("2026-12-01 day", [], LI)
        assert store.verify().ok
