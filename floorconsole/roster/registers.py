"""What the leave and swap rules share: a refusal with its reason, shift windows on the
floor's calendar, the holiday calendar and who may approve what.

Pure: no clock, no store. Moments are aware datetimes; "a day ahead" is counted on the
wall clock of the floor's zone (the same clock time the day before, 23 or 25 hours across a
DST change), "an hour before" in elapsed time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from floorconsole.config import Agent, Holiday, Person
from floorconsole.i18n import _
from floorconsole.shifts import ShiftDef, parse_hhmm


class Reason(StrEnum):
    """Why a leave or swap entry (or its approval) is refused: one code per rule."""

    BAD_INPUT = "bad_input"
    UNKNOWN_SHIFT = "unknown_shift"
    NOT_IN_PERSON = "not_in_person"
    HOLIDAY_DUTY = "holiday_duty"
    SWAP_DAY = "swap_day"
    LEAVE_DAY = "leave_day"
    SHIFT_STARTED = "shift_started"
    ORDINARY_NOTICE = "ordinary_notice"
    URGENT_NOTICE = "urgent_notice"
    NIGHT_NOTICE = "night_notice"
    HOLIDAY_NOTICE = "holiday_notice"
    DOCTOR_NOTE = "doctor_note"
    APPROVER_UNKNOWN = "approver_unknown"
    APPROVER_ROLE = "approver_role"
    APPROVER_LEVEL = "approver_level"
    SAME_APPROVER = "same_approver"
    PARTY_APPROVES = "party_approves"
    WRONG_LEAD = "wrong_lead"
    UNKNOWN_AGENT = "unknown_agent"
    SAME_PERSON = "same_person"
    JOB_DIFFERS = "job_differs"
    LEVEL_DIFFERS = "level_differs"
    TOO_MANY_SWAPS = "too_many_swaps"
    CONSECUTIVE_SWAP = "consecutive_swap"
    NOT_ROSTERED = "not_rostered"
    NO_ROSTER = "no_roster"
    ALREADY_ROSTERED = "already_rostered"
    BACK_TO_BACK = "back_to_back"
    CLOSED = "closed"


@dataclass(frozen=True)
class Refusal:
    """A rule said no: `reason` for programs and tests, `message` (translated) for people."""

    reason: Reason
    message: str

    def __str__(self) -> str:
        return self.message


# Approval levels (DOMAIN.md: leave level by level, one day the department head, more the
# centre head), mapped onto the configured roles: `manager` is the department head
# (客服部主任), `centre_head` the centre head (客服中心主任), who may approve any leave.
DEPARTMENT_HEAD = "department_head"
CENTRE_HEAD = "centre_head"
LEVEL_ROLES: dict[str, frozenset[str]] = {
    DEPARTMENT_HEAD: frozenset({"manager", "centre_head"}),
    CENTRE_HEAD: frozenset({"centre_head"}),
}


def level_label(level: str) -> str:
    """The approval level in words."""
    return _("the department head (客服部主任)") if level == DEPARTMENT_HEAD else _("the centre head (客服中心主任)")


def check_approver(person: Person | None, os_user: str) -> Refusal | None:
    """A register approval is signed by a configured person with a signing role."""
    if person is None:
        return Refusal(
            Reason.APPROVER_UNKNOWN,
            _(
                "OS user {user} is not a configured person, so cannot approve: add [people.{user}] "
                "with a name and role to the config"
            ).format(user=os_user),
        )
    if not person.can_sign:
        return Refusal(
            Reason.APPROVER_ROLE,
            _("{name} is a {role}, who may not approve leave or swaps").format(name=person.name, role=person.role),
        )
    return None


def shift_def(shifts: Iterable[ShiftDef], name: str) -> ShiftDef | None:
    """The configured shift of that name."""
    return next((s for s in shifts if s.name == name), None)


def local(naive: datetime, zone: tzinfo | None) -> datetime:
    """A wall-clock time of the floor as an aware datetime: in `zone`, or (None) in the
    process's zone, which the composition root set to the floor's."""
    return naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()


def wall_back(moment: datetime, days: int, zone: tzinfo | None) -> datetime:
    """The same clock time `days` calendar days earlier, on the floor's wall clock."""
    return local(moment.replace(tzinfo=None) - timedelta(days=days), zone)


@dataclass(frozen=True)
class Window:
    """One shift on one day: the day it starts, its name, start and end (aware)."""

    day: date
    shift: str
    start: datetime
    end: datetime


def window(shift: ShiftDef, day: date, zone: tzinfo | None) -> Window:
    """Where `shift` on `day` lies; a shift whose end is not after its start ends next day."""
    start_naive = datetime.combine(day, parse_hhmm(shift.start))
    end_naive = datetime.combine(day, parse_hhmm(shift.end))
    if end_naive <= start_naive:
        end_naive += timedelta(days=1)
    return Window(day, shift.name, local(start_naive, zone), local(end_naive, zone))


def holiday_on(holidays: Iterable[Holiday], day: date) -> Holiday | None:
    """The holiday on `day`, if it is one."""
    return next((h for h in holidays if h.day == day), None)


def on_holiday_duty(holidays: Iterable[Holiday], person: str, days: Iterable[date]) -> Holiday | None:
    """The first holiday among `days` on which `person` is on holiday duty."""
    wanted = set(days)
    return next((h for h in holidays if h.day in wanted and person in h.duty), None)


def holiday_duty_refusal(holiday: Holiday, person: str, what: str) -> Refusal:
    return Refusal(
        Reason.HOLIDAY_DUTY,
        _("{person} is on holiday duty on {day} {name}: no {what} for those on holiday duty (节假日当班)").format(
            person=person, day=holiday.day.isoformat(), name=holiday.name, what=what
        ),
    )


def agent_of(agents: Iterable[Agent], name: str) -> Agent | None:
    return next((a for a in agents if a.name == name), None)


def when(moment: datetime) -> str:
    """A moment for a message: `2026-11-23 08:00` on the floor's clock."""
    return moment.strftime("%Y-%m-%d %H:%M")


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
