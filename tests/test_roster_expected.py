"""Who is expected on the floor: roster, leave, swaps, and the swap that leaves a shift uncovered."""

from __future__ import annotations

import os
import time
from datetime import date, datetime

import pytest

from floorconsole.config import DEFAULT_SHIFTS
from floorconsole.roster.expected import expected_floor, shift_window, warnings_due
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, RosterEntry

D1, D2, D3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
ROSTER = [
    RosterEntry(D1, "Li Na", "day", "billing"),
    RosterEntry(D1, "Wang Wei", "day", "billing"),
    RosterEntry(D1, "Zhao Lei", "evening", "complaints"),
    RosterEntry(D2, "Li Na", "evening", "billing"),
    RosterEntry(D2, "Zhao Lei", "day", "complaints"),
]


def names(floor, day, shift):  # noqa: ANN001, ANN201
    return [e.person for e in floor.expected(day, shift)]


def test_roster_alone() -> None:
    floor = expected_floor(ROSTER)
    assert names(floor, D1, "day") == ["Li Na", "Wang Wei"]
    assert floor.days == {D1, D2} and not floor.warnings


def test_leave_takes_them_off() -> None:
    floor = expected_floor(ROSTER, [ApprovedLeave("Wang Wei", D1, "day", "sick")])
    assert names(floor, D1, "day") == ["Li Na"]
    assert floor.leave_of("Wang Wei", D1, "day").kind == "sick"


def test_swap_both_halves() -> None:
    # Zhao covers Li Na's D1 day shift; Li Na pays back Zhao's D2 day shift.
    floor = expected_floor(ROSTER, swaps=[ApprovedSwap("Li Na", D1, "day", "Zhao Lei", D2, "day")])
    assert names(floor, D1, "day") == ["Wang Wei", "Zhao Lei"]
    cover = next(e for e in floor.expected(D1, "day") if e.person == "Zhao Lei")
    assert (cover.covers, cover.group) == ("Li Na", "billing")  # works the seat group of the shift
    assert names(floor, D2, "day") == ["Li Na"]
    assert not floor.warnings


def test_swap_cover_on_leave_warns_naming_both() -> None:
    floor = expected_floor(
        ROSTER,
        leave=[ApprovedLeave("Zhao Lei", D1, "day", "ordinary")],
        swaps=[ApprovedSwap("Li Na", D1, "day", "Zhao Lei", D2, "day")],
    )
    assert names(floor, D1, "day") == ["Wang Wei"]
    [w] = floor.warnings_for(D1, "day")
    assert (w.person, w.cover) == ("Li Na", "Zhao Lei")
    assert "Li Na" in w.text() and "Zhao Lei" in w.text() and "on leave" in w.text()


def test_swap_cover_already_on_that_shift_warns() -> None:
    floor = expected_floor(ROSTER, swaps=[ApprovedSwap("Li Na", D1, "day", "Wang Wei", D3, "day")])
    texts = [w.text() for w in floor.warnings]
    assert any("Wang Wei is already on that shift" in t for t in texts)
    # and the pay-back day: Wang Wei is not rostered on D3 day, so nothing to pay back
    assert any("Wang Wei is not rostered on it" in t for t in texts)
    assert names(floor, D1, "day") == ["Wang Wei"]


def test_swap_of_a_shift_not_rostered_warns() -> None:
    floor = expected_floor(ROSTER, swaps=[ApprovedSwap("Li Na", D3, "night", "Zhao Lei", D2, "day")])
    [w] = floor.warnings_for(D3, "night")
    assert "Li Na is not rostered on it" in w.reason


def test_warnings_shown_before_the_shift_only() -> None:
    floor = expected_floor(
        ROSTER,
        leave=[ApprovedLeave("Zhao Lei", D1, "day", "ordinary")],
        swaps=[ApprovedSwap("Li Na", D1, "day", "Zhao Lei", D2, "day")],
    )
    start = shift_window(DEFAULT_SHIFTS, D1, "day").start.timestamp()
    assert warnings_due(floor, DEFAULT_SHIFTS, start - 3600, 24)
    assert not warnings_due(floor, DEFAULT_SHIFTS, start - 30 * 3600, 24)  # too early
    assert not warnings_due(floor, DEFAULT_SHIFTS, start + 60, 24)  # started: the roll call shows it


def test_shift_crossing_midnight_window() -> None:
    w = shift_window(DEFAULT_SHIFTS, D1, "evening")
    assert w.start.date() == D1 and w.end.date() == D2 and w.end.hour == 0
    assert w.key == "2026-12-01 evening"


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


def test_dst_night_shift_is_as_long_as_the_clocks_make_it(berlin) -> None:  # noqa: ANN001
    spring = shift_window(DEFAULT_SHIFTS, date(2026, 3, 29), "night")
    autumn = shift_window(DEFAULT_SHIFTS, date(2026, 10, 25), "night")
    assert spring.end.timestamp() - spring.start.timestamp() == 7 * 3600
    assert autumn.end.timestamp() - autumn.start.timestamp() == 9 * 3600
    assert datetime.fromtimestamp(spring.end.timestamp()).hour == 8
