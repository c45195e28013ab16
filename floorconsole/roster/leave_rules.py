"""The leave rules (DOMAIN.md "Rosters, leave and swaps"; seed 004, 客服部请假制度汇编):

- asked in advance: ordinary leave (事假) a day ahead, urgent leave (特殊事假) an hour before
  the shift, sick leave (病假) before the shift starts;
- in person, sick leave excepted (事假必须由本人出面办理，病假除外);
- a full day of sick leave needs a doctor's note (病假满一天，必须持医疗单位证明);
- night-shift leave only before 12:00 (夜班…必须在当日十二点之前提出): the last noon before
  the night shift starts (the same day for a shift starting in the evening, the day before
  for one starting at midnight);
- leave on a public holiday two days ahead (节假日…需提前二天提出); none at all for the
  people on holiday duty that day (节假日当班人员不允许换班或请假);
- no leave on a swap or pay-back day (换班和还班均不得请假);
- approved level by level: one day by the department head, more by the centre head.

The night and holiday deadlines apply to ordinary and urgent leave; sick leave only has to be
asked before the shift (an emergency cannot be asked two days ahead). Every rule that
applies must hold; the first one broken is the refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from floorconsole.config import Holiday, Person
from floorconsole.i18n import _
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap
from floorconsole.roster.registers import (
    CENTRE_HEAD,
    DEPARTMENT_HEAD,
    LEVEL_ROLES,
    Reason,
    Refusal,
    check_approver,
    days_between,
    holiday_duty_refusal,
    holiday_on,
    level_label,
    local,
    on_holiday_duty,
    shift_def,
    wall_back,
    when,
    window,
)
from floorconsole.shifts import ShiftDef

LEAVE_KINDS: tuple[str, ...] = ("ordinary", "urgent", "sick")
MAX_LEAVE_DAYS = 31  # a longer absence is not leave the floor registers
URGENT_NOTICE = timedelta(hours=1)
NIGHT_DEADLINE_HOUR = 12


@dataclass(frozen=True)
class LeaveAsk:
    """Leave as asked: `person` off `shift` on every day from `first_day` to `last_day`."""

    person: str
    kind: str  # ordinary | urgent | sick
    first_day: date
    last_day: date
    shift: str
    asked_at: datetime  # aware: when it was asked (the injected clock)
    in_person: bool = True
    doctor_note: bool = False
    full_day: bool = True

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class LeaveCalendar:
    """What the leave rules look at besides the ask: the floor's shifts, which of them are
    night shifts, the holiday calendar, approved swaps, and the zone (None: the process's)."""

    shifts: tuple[ShiftDef, ...]
    night_shifts: tuple[str, ...] = ("night",)
    holidays: tuple[Holiday, ...] = ()
    swaps: Sequence[ApprovedSwap] = ()
    zone: tzinfo | None = None
    leave: Sequence[ApprovedLeave] = ()  # leave already entered (waiting or approved)


def check_leave(ask: LeaveAsk, cal: LeaveCalendar) -> Refusal | None:
    """The first rule `ask` breaks, or None when it may be entered."""
    for check in (_check_form, _check_in_person, _check_holiday_duty, _check_swap_days, _check_twice, _check_timing):
        refusal = check(ask, cal)
        if refusal is not None:
            return refusal
    return None


def leave_type(ask: LeaveAsk, cal: LeaveCalendar) -> str:
    """The kind the roster sees (`ApprovedLeave.kind`): sick stays sick; otherwise holiday
    leave on a holiday, night leave on a night shift, else the kind asked."""
    if ask.kind == "sick":
        return "sick"
    if any(holiday_on(cal.holidays, d) for d in days_between(ask.first_day, ask.last_day)):
        return "holiday"
    if ask.shift in cal.night_shifts:
        return "night"
    return ask.kind


def required_level(days: int) -> str:
    """One day: the department head; more: the centre head."""
    return DEPARTMENT_HEAD if days <= 1 else CENTRE_HEAD


def check_leave_approval(ask: LeaveAsk, approver: Person | None, os_user: str) -> Refusal | None:
    """May `approver` (the acting OS user's configured person) approve this leave?"""
    refusal = check_approver(approver, os_user)
    if refusal is not None:
        return refusal
    assert approver is not None
    level = required_level(ask.days)
    if approver.role not in LEVEL_ROLES[level]:
        return Refusal(
            Reason.APPROVER_LEVEL,
            _("Leave of {days} day(s) is approved by {level}; {name} is a {role}").format(
                days=ask.days, level=level_label(level), name=approver.name, role=approver.role
            ),
        )
    if approver.name == ask.person:
        return Refusal(Reason.PARTY_APPROVES, _("{name} cannot approve their own leave").format(name=approver.name))
    return None


def night_deadline(shift_start: datetime, zone: tzinfo | None) -> datetime:
    """The last 12:00 before a night shift starts: night leave is asked before it."""
    noon = shift_start.replace(hour=NIGHT_DEADLINE_HOUR, minute=0, second=0, microsecond=0, tzinfo=None)
    if noon >= shift_start.replace(tzinfo=None):
        noon -= timedelta(days=1)
    return local(noon, zone)


# -- the checks ------------------------------------------------------------------------------
def _check_form(ask: LeaveAsk, cal: LeaveCalendar) -> Refusal | None:
    if ask.kind not in LEAVE_KINDS:
        return Refusal(
            Reason.BAD_INPUT,
            _("Leave kind must be ordinary, urgent or sick, not {kind}").format(kind=ask.kind),
        )
    if not ask.person.strip():
        return Refusal(Reason.BAD_INPUT, _("Say whose leave it is"))
    if ask.last_day < ask.first_day:
        return Refusal(Reason.BAD_INPUT, _("The last day of leave is before the first"))
    if ask.days > MAX_LEAVE_DAYS:
        return Refusal(Reason.BAD_INPUT, _("Leave of more than {n} days is not entered here").format(n=MAX_LEAVE_DAYS))
    if shift_def(cal.shifts, ask.shift) is None:
        return Refusal(
            Reason.UNKNOWN_SHIFT,
            _("No shift named {shift}; configured: {names}").format(
                shift=ask.shift, names=", ".join(s.name for s in cal.shifts)
            ),
        )
    return None


def _check_in_person(ask: LeaveAsk, cal: LeaveCalendar) -> Refusal | None:
    if ask.in_person or ask.kind == "sick":
        return None
    return Refusal(
        Reason.NOT_IN_PERSON,
        _("{kind} leave is asked in person, not through someone else (only sick leave may be)").format(
            kind=_("Ordinary") if ask.kind == "ordinary" else _("Urgent")
        ),
    )


def _check_holiday_duty(ask: LeaveAsk, cal: LeaveCalendar) -> Refusal | None:
    holiday = on_holiday_duty(cal.holidays, ask.person, days_between(ask.first_day, ask.last_day))
    return None if holiday is None else holiday_duty_refusal(holiday, ask.person, _("leave"))


def _check_swap_days(ask: LeaveAsk, cal: LeaveCalendar) -> Refusal | None:
    days = set(days_between(ask.first_day, ask.last_day))
    for swap in cal.swaps:
        if ask.person not in (swap.person, swap.cover):
            continue
        for day, what in ((swap.day, _("swap day")), (swap.payback_day, _("pay-back day"))):
            if day in days:
                return Refusal(
                    Reason.SWAP_DAY,
                    _("{day} is a {what} of {person}'s swap with {other}: no leave on a swap or pay-back day").format(
                        day=day.isoformat(),
                        what=what,
                        person=ask.person,
                        other=swap.cover if swap.person == ask.person else swap.person,
                    ),
                )
    return None


def _check_twice(ask: LeaveAsk, cal: LeaveCalendar) -> Refusal | None:
    days = set(days_between(ask.first_day, ask.last_day))
    for leave in cal.leave:
        if leave.person == ask.person and leave.day in days and leave.shift == ask.shift:
            return Refusal(
                Reason.LEAVE_DAY,
                _("{person} already has leave on the {shift} shift of {day}").format(
                    person=ask.person, shift=ask.shift, day=leave.day.isoformat()
                ),
            )
    return None


def _check_timing(ask: LeaveAsk, cal: LeaveCalendar) -> Refusal | None:
    shift = shift_def(cal.shifts, ask.shift)
    assert shift is not None
    start = window(shift, ask.first_day, cal.zone).start
    asked = ask.asked_at
    if asked >= start:
        return Refusal(
            Reason.SHIFT_STARTED,
            _("The {shift} shift of {day} started at {start}: leave is asked before the shift").format(
                shift=ask.shift, day=ask.first_day.isoformat(), start=when(start)
            ),
        )
    if ask.kind == "sick":
        if ask.full_day and not ask.doctor_note:
            return Refusal(
                Reason.DOCTOR_NOTE,
                _("Sick leave of a full day needs a doctor's note (医疗单位证明): tick the note when it is given"),
            )
        return None
    if ask.kind == "ordinary":
        deadline = wall_back(start, 1, cal.zone)
        if asked > deadline:
            return Refusal(
                Reason.ORDINARY_NOTICE,
                _("Ordinary leave is asked a day ahead: by {deadline} for the shift at {start}").format(
                    deadline=when(deadline), start=when(start)
                ),
            )
    if ask.kind == "urgent":
        deadline = start - URGENT_NOTICE
        if asked > deadline:
            return Refusal(
                Reason.URGENT_NOTICE,
                _("Urgent leave is asked an hour before the shift: by {deadline} for the shift at {start}").format(
                    deadline=when(deadline), start=when(start)
                ),
            )
    if ask.shift in cal.night_shifts:
        deadline = night_deadline(start, cal.zone)
        if asked >= deadline:
            return Refusal(
                Reason.NIGHT_NOTICE,
                _("Night-shift leave is asked before 12:00: before {deadline} for the night shift at {start}").format(
                    deadline=when(deadline), start=when(start)
                ),
            )
    for day in days_between(ask.first_day, ask.last_day):
        holiday = holiday_on(cal.holidays, day)
        if holiday is None:
            continue
        day_start = window(shift, day, cal.zone).start
        deadline = wall_back(day_start, 2, cal.zone)
        if asked > deadline:
            return Refusal(
                Reason.HOLIDAY_NOTICE,
                _("Leave on a holiday ({day} {name}) is asked two days ahead: by {deadline}").format(
                    day=day.isoformat(), name=holiday.name, deadline=when(deadline)
                ),
            )
    return None
