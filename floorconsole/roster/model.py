"""The typed seam between the roster, the leave/swap registers, attendance and the reports.

`roster` (import, expected floor, attendance flags, roll call), `registers` (leave and
swaps with their rules) and the reports all speak these types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

AttendanceKind = Literal["late", "off_post", "long_meal", "unrostered"]
RollCallMark = Literal["present", "late", "absent", "on_leave"]


@dataclass(frozen=True)
class RosterEntry:
    """One line of the roster: `person` (the agent as the feed names them) works `shift`
    (a configured shift name) on `day`, in `group` (a seat or queue group)."""

    day: date
    person: str
    shift: str
    group: str


@dataclass(frozen=True)
class ApprovedLeave:
    """Approved leave: `person` is not expected on `shift` of `day`."""

    person: str
    day: date
    shift: str
    kind: str  # ordinary, urgent, sick, night, holiday


@dataclass(frozen=True)
class ApprovedSwap:
    """An approved swap: `cover` works `person`'s `shift` on `day`; `person` pays it back by
    working `cover`'s `payback_shift` on `payback_day`."""

    person: str
    day: date
    shift: str
    cover: str
    payback_day: date
    payback_shift: str


@dataclass(frozen=True)
class AttendanceFlag:
    """One episode the floor flagged: late 20 min or more, off post 20 min or more, a meal
    pause over an hour, or logged in without being rostered. `started_at` is a Unix time;
    `allowed` is set when a supervisor noted it as allowed (then it is not counted)."""

    person: str
    kind: AttendanceKind
    shift_key: str
    started_at: float
    minutes: int
    allowed: bool = False
    allowed_by: str = ""
    allowed_note: str = ""
    id: int = 0  # the stored flag's id (0: not stored yet); how a supervisor marks it allowed
