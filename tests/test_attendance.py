"""Attendance flags, each rule at its edge: late 19 vs 20 min, off post, meal 60 vs 61 min,
unrostered, once per episode, the night shift across midnight, and DST."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

import pytest

from floorconsole.config import DEFAULT_SHIFTS
from floorconsole.roster.attendance import AttendanceDetector, FlagEnded
from floorconsole.roster.expected import expected_floor
from floorconsole.roster.model import ApprovedLeave, AttendanceFlag, RosterEntry
from floorconsole.views import SeatView

D1 = date(2026, 12, 1)


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> float:
    return datetime.combine(day, datetime.min.time()).replace(hour=hh, minute=mm, second=ss).astimezone().timestamp()


def seat(agent: str, state: str, since: float | None, reason: str = "", name: str = "") -> SeatView:
    return SeatView(agent, name or agent, "", ("q",), state, since, None, reason, 0, 0)


def detector(roster: list[RosterEntry], leave=()) -> AttendanceDetector:  # noqa: ANN001
    d = AttendanceDetector(DEFAULT_SHIFTS)
    d.set_expected(expected_floor(roster, leave))
    return d


def flags(events) -> list[tuple[str, str, int]]:  # noqa: ANN001
    return [(e.person, e.kind, e.minutes) for e in events if isinstance(e, AttendanceFlag)]


DAY = [RosterEntry(D1, "li", "day", "g"), RosterEntry(D1, "wang", "day", "g")]


def test_late_19_minutes_is_not_20_is() -> None:
    d = detector(DAY)
    d.observe([seat("wang", "AVAILABLE", at(D1, 7, 55))], at(D1, 7, 55))
    assert flags(d.tick(at(D1, 8, 19, 59))) == []
    assert flags(d.tick(at(D1, 8, 20))) == [("li", "late", 20)]
    assert flags(d.tick(at(D1, 8, 40))) == []  # once per episode
    d.observe([seat("li", "AVAILABLE", at(D1, 8, 34))], at(D1, 8, 34))
    [ended] = d.tick(at(D1, 8, 34, 1))
    assert ended == FlagEnded("li", "late", f"{D1} day", at(D1, 8), 34)


def test_late_with_leave_is_not_flagged() -> None:
    d = detector(DAY, [ApprovedLeave("li", D1, "day", "sick")])
    d.observe([seat("wang", "AVAILABLE", at(D1, 7, 55))], at(D1, 7, 55))
    assert flags(d.tick(at(D1, 9))) == []


def test_arrival_at_19_minutes_is_not_late() -> None:
    d = detector(DAY[:1])
    d.observe([seat("li", "AVAILABLE", at(D1, 8, 19))], at(D1, 8, 19))
    assert flags(d.tick(at(D1, 8, 30))) == []


def test_off_post_logged_off_and_bad_pause() -> None:
    d = detector(DAY)
    d.observe([seat("li", "AVAILABLE", at(D1, 7, 50)), seat("wang", "AVAILABLE", at(D1, 7, 50))], at(D1, 7, 50))
    d.tick(at(D1, 8, 1))
    d.observe([seat("li", "LOGGED_OFF", at(D1, 9, 0))], at(D1, 9, 0))
    d.observe([seat("wang", "PAUSED", at(D1, 9, 0), "break")], at(D1, 9, 0))
    assert flags(d.tick(at(D1, 9, 19, 59))) == []
    assert sorted(flags(d.tick(at(D1, 9, 20)))) == [("li", "off_post", 20), ("wang", "off_post", 20)]
    d.observe([seat("li", "AVAILABLE", at(D1, 9, 45))], at(D1, 9, 45))
    ended = [e for e in d.tick(at(D1, 9, 45, 1)) if isinstance(e, FlagEnded)]
    assert [(e.person, e.minutes) for e in ended] == [("li", 45)]


def test_allowed_pause_reason_is_not_off_post() -> None:
    d = detector(DAY[:1])
    d.observe([seat("li", "AVAILABLE", at(D1, 7, 50))], at(D1, 7, 50))
    d.observe([seat("li", "PAUSED", at(D1, 9), "Team meeting")], at(D1, 9))
    assert flags(d.tick(at(D1, 10))) == []


def test_meal_60_minutes_allowed_61_flagged() -> None:
    d = detector(DAY[:1])
    d.observe([seat("li", "AVAILABLE", at(D1, 7, 50))], at(D1, 7, 50))
    d.observe([seat("li", "PAUSED", at(D1, 12), "Lunch 午餐")], at(D1, 12))
    assert flags(d.tick(at(D1, 12, 30))) == []  # a meal is not off post
    assert flags(d.tick(at(D1, 13, 0))) == []  # exactly an hour
    assert flags(d.tick(at(D1, 13, 1))) == [("li", "long_meal", 61)]
    assert flags(d.tick(at(D1, 13, 30))) == []


def test_unrostered_after_the_grace() -> None:
    d = detector(DAY)
    d.observe([seat("li", "AVAILABLE", at(D1, 7)), seat("wang", "AVAILABLE", at(D1, 7))], at(D1, 7))
    d.observe([seat("sun", "AVAILABLE", at(D1, 9), name="Sun Yu")], at(D1, 9))
    assert flags(d.tick(at(D1, 9, 14))) == []
    assert flags(d.tick(at(D1, 9, 15))) == [("Sun Yu", "unrostered", 15)]
    assert flags(d.tick(at(D1, 10))) == []


def test_on_leave_and_logged_in_is_not_unrostered() -> None:
    """Someone on approved leave who comes in anyway is rostered (the leave took them off the
    shift): no "not rostered" flag, however long they stay; nor late, they are not expected."""
    d = detector(DAY, [ApprovedLeave("li", D1, "day", "ordinary")])
    d.observe([seat("wang", "AVAILABLE", at(D1, 7, 55)), seat("li", "AVAILABLE", at(D1, 8, 40))], at(D1, 8, 40))
    assert flags(d.tick(at(D1, 9))) == []
    assert flags(d.tick(at(D1, 12))) == []
    assert d.logged_in_people() == {"li", "wang"}
    # on leave from the day shift only: staying into the evening, where the roster covers the
    # day and does not name them, is working unrostered (as it is for wang)
    assert sorted(flags(d.tick(at(D1, 16, 15)))) == [("li", "unrostered", 15), ("wang", "unrostered", 15)]


def test_no_roster_for_the_day_no_unrostered_flags() -> None:
    d = detector([RosterEntry(D1 + timedelta(days=5), "li", "day", "g")])
    d.observe([seat("sun", "AVAILABLE", at(D1, 9))], at(D1, 9))
    assert flags(d.tick(at(D1, 11))) == []


def test_roster_names_people_by_seat_name() -> None:
    d = detector([RosterEntry(D1, "Li Na", "day", "g")])
    d.observe([seat("SIP/1001", "AVAILABLE", at(D1, 7, 59), name="Li Na")], at(D1, 7, 59))
    assert flags(d.tick(at(D1, 9))) == []


def test_previous_shift_staying_on_is_not_unrostered_within_grace() -> None:
    d = detector([RosterEntry(D1, "li", "day", "g"), RosterEntry(D1, "wang", "evening", "g")])
    d.observe([seat("li", "ON_CALL", at(D1, 15, 50))], at(D1, 15, 50))
    d.observe([seat("wang", "AVAILABLE", at(D1, 15, 55))], at(D1, 15, 55))
    assert flags(d.tick(at(D1, 16, 10))) == []
    d.observe([seat("li", "LOGGED_OFF", at(D1, 16, 12))], at(D1, 16, 12))
    assert flags(d.tick(at(D1, 16, 30))) == []


def test_night_shift_across_midnight() -> None:
    roster = [RosterEntry(D1, "li", "evening", "g"), RosterEntry(D1, "wang", "evening", "g")]
    d = detector(roster)
    d.observe([seat("li", "AVAILABLE", at(D1, 15, 58))], at(D1, 15, 58))
    assert flags(d.tick(at(D1, 16, 20))) == [("wang", "late", 20)]
    d.observe([seat("li", "LOGGED_OFF", at(D1, 23, 50))], at(D1, 23, 50))
    assert flags(d.tick(at(D1, 23, 59))) == []
    out = d.tick(at(D1 + timedelta(days=1), 0, 0, 0))
    # the evening shift ended at midnight: 10 minutes off post is not a flag; wang never came
    assert all(f.kind != "off_post" for f in out if isinstance(f, AttendanceFlag))
    [late] = [e for e in out if isinstance(e, FlagEnded)]
    assert (late.person, late.kind, late.shift_key) == ("wang", "late", f"{D1} evening")


def test_flag_key_of_a_night_shift_is_its_start_day() -> None:
    d = detector([RosterEntry(D1, "li", "evening", "g")])
    [flag] = [e for e in d.tick(at(D1, 16, 25)) if isinstance(e, AttendanceFlag)]
    assert flag.shift_key == f"{D1} evening"


def test_memory_is_per_seat_not_per_event() -> None:
    d = detector(DAY)
    t = at(D1, 8)
    for i in range(5000):
        state = "PAUSED" if i % 2 else "AVAILABLE"
        d.observe([seat("li", state, t + i, "break")], t + i)
        d.tick(t + i)
    assert len(d._seats) == 1
    assert len(d._open) + len(d._done) <= 2


@pytest.fixture
def berlin():  # noqa: ANN201
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_dst_spring_forward_night_shift(berlin) -> None:  # noqa: ANN001
    day = date(2026, 3, 29)  # 02:00 -> 03:00
    d = detector([RosterEntry(day, "li", "night", "g"), RosterEntry(day, "wang", "night", "g")])
    d.observe([seat("wang", "AVAILABLE", at(day, 0, 0) - 60)], at(day, 0, 0) - 60)
    assert flags(d.tick(at(day, 0, 19))) == []
    assert flags(d.tick(at(day, 0, 20))) == [("li", "late", 20)]
    d.observe([seat("wang", "LOGGED_OFF", at(day, 1, 50))], at(day, 1, 50))
    # 01:50 to 03:10 is 20 minutes of real time across the skipped hour
    assert flags(d.tick(at(day, 3, 9))) == []
    assert flags(d.tick(at(day, 3, 10))) == [("wang", "off_post", 20)]


def test_dst_autumn_late_counts_real_minutes(berlin) -> None:  # noqa: ANN001
    day = date(2026, 10, 25)  # 03:00 -> 02:00
    d = detector([RosterEntry(day, "li", "night", "g")])
    start = at(day, 0)
    assert flags(d.tick(start + 19 * 60)) == []
    assert flags(d.tick(start + 20 * 60)) == [("li", "late", 20)]


def test_a_swap_moves_who_is_late() -> None:
    from floorconsole.roster.model import ApprovedSwap

    roster = [RosterEntry(D1, "li", "day", "g"), RosterEntry(D1 + timedelta(days=1), "zhao", "day", "g")]
    d = AttendanceDetector(DEFAULT_SHIFTS)
    d.set_expected(expected_floor(roster, swaps=[ApprovedSwap("li", D1, "day", "zhao", D1 + timedelta(days=1), "day")]))
    # li swapped the day away: zhao covers it and is the one late; li is not flagged at all
    assert flags(d.tick(at(D1, 8, 20))) == [("zhao", "late", 20)]
