"""The swap rules (DOMAIN.md "Rosters, leave and swaps"; seed 004, 客服部换班制度):

- a swap is entered on the swap register (换班登记表) and needs both shift leads' approval
  (换班必须经双方班长同意): two different people, each signing as themselves, neither of them
  a party to the swap; when an agent's `lead` is configured, that lead must be one of the two;
- at most 2 swaps per person per month (每人每月换班不得超过2次), counted for both sides,
  by the month of the swap day;
- no consecutive swaps (不允许连续换班): neither side may have another swap on the day before,
  the same day, or the day after;
- neither the one who swaps nor the one who pays it back may work back-to-back shifts
  because of it (换班者、还班者不允许连班): with the swap applied to the roster, the shift each
  takes on may not touch or overlap another shift of theirs;
- only between the same job and skill level (同工种和技术业务水平相当);
- no swap on a leave day, and no leave on a swap or pay-back day (换班和还班均不得请假);
- none for those on holiday duty (节假日当班人员不允许换班).

`person` gives up `shift` on `day` to `cover`, and pays it back by working `cover`'s
`payback_shift` on `payback_day` (`roster.model.ApprovedSwap`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from floorconsole.config import Agent, Holiday, Person
from floorconsole.i18n import _
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, RosterEntry
from floorconsole.roster.registers import (
    Reason,
    Refusal,
    Window,
    agent_of,
    check_approver,
    holiday_duty_refusal,
    on_holiday_duty,
    shift_def,
    when,
    window,
)
from floorconsole.shifts import ShiftDef

MAX_SWAPS_PER_MONTH = 2
APPROVALS_NEEDED = 2


@dataclass(frozen=True)
class SwapAsk:
    """A swap as asked, and when (aware, from the injected clock)."""

    person: str
    day: date
    shift: str
    cover: str
    payback_day: date
    payback_shift: str
    asked_at: datetime

    def as_swap(self) -> ApprovedSwap:
        return ApprovedSwap(self.person, self.day, self.shift, self.cover, self.payback_day, self.payback_shift)


@dataclass(frozen=True)
class SwapCalendar:
    """What the swap rules look at: the shifts, the agents' job and level, the holidays, the
    roster around the swap's days, the other swaps still standing (approved or waiting for
    approval, this one left out), approved leave, and the zone (None: the process's)."""

    shifts: tuple[ShiftDef, ...]
    agents: tuple[Agent, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    roster: Sequence[RosterEntry] = ()
    others: Sequence[ApprovedSwap] = ()
    leave: Sequence[ApprovedLeave] = ()
    zone: tzinfo | None = None


def check_swap(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    """The first rule `ask` breaks, or None when it may be entered (or approved)."""
    for check in (
        _check_form,
        _check_started,
        _check_agents,
        _check_holiday_duty,
        _check_leave,
        _check_count,
        _check_consecutive,
        _check_roster,
    ):
        refusal = check(ask, cal)
        if refusal is not None:
            return refusal
    return None


def check_swap_approval(
    ask: SwapAsk,
    approver: Person | None,
    os_user: str,
    approved_by: Sequence[str],
    agents: Sequence[Agent] = (),
) -> Refusal | None:
    """May `approver` (the acting OS user's configured person) add an approval, given the OS
    users who approved already? Two different people, neither a party, the configured leads."""
    refusal = check_approver(approver, os_user)
    if refusal is not None:
        return refusal
    assert approver is not None
    if os_user in approved_by:
        return Refusal(
            Reason.SAME_APPROVER,
            _("{name} has already approved this swap: the second approval is the other shift lead's").format(
                name=approver.name
            ),
        )
    if len(approved_by) >= APPROVALS_NEEDED:
        return Refusal(Reason.CLOSED, _("This swap already has both approvals"))
    if approver.name in (ask.person, ask.cover):
        return Refusal(
            Reason.PARTY_APPROVES, _("{name} is a party to this swap and cannot approve it").format(name=approver.name)
        )
    leads = {a.lead for a in (agent_of(agents, ask.person), agent_of(agents, ask.cover)) if a is not None and a.lead}
    after = {*approved_by, os_user}
    missing = leads - after
    if len(missing) > APPROVALS_NEEDED - len(after):
        return Refusal(
            Reason.WRONG_LEAD,
            _("The swap needs the approval of both sides' shift leads ({leads}); {name} is neither's").format(
                leads=", ".join(sorted(missing)), name=approver.name
            ),
        )
    return None


# -- the checks ------------------------------------------------------------------------------
def _check_form(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    if not ask.person.strip() or not ask.cover.strip():
        return Refusal(Reason.BAD_INPUT, _("Say who swaps and who covers"))
    if ask.person == ask.cover:
        return Refusal(Reason.SAME_PERSON, _("A swap is between two different people"))
    for name in (ask.shift, ask.payback_shift):
        if shift_def(cal.shifts, name) is None:
            return Refusal(
                Reason.UNKNOWN_SHIFT,
                _("No shift named {shift}; configured: {names}").format(
                    shift=name, names=", ".join(s.name for s in cal.shifts)
                ),
            )
    if (ask.day, ask.shift) == (ask.payback_day, ask.payback_shift):
        return Refusal(Reason.BAD_INPUT, _("The pay-back shift is the swapped shift itself"))
    return None


def _windows(ask: SwapAsk, cal: SwapCalendar) -> tuple[Window, Window]:
    swapped = shift_def(cal.shifts, ask.shift)
    payback = shift_def(cal.shifts, ask.payback_shift)
    assert swapped is not None and payback is not None
    return window(swapped, ask.day, cal.zone), window(payback, ask.payback_day, cal.zone)


def _check_started(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    for w in _windows(ask, cal):
        if ask.asked_at >= w.start:
            return Refusal(
                Reason.SHIFT_STARTED,
                _("The {shift} shift of {day} started at {start}: a swap is agreed before it").format(
                    shift=w.shift, day=w.day.isoformat(), start=when(w.start)
                ),
            )
    return None


def _check_agents(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    sides = []
    for name in (ask.person, ask.cover):
        agent = agent_of(cal.agents, name)
        if agent is None:
            return Refusal(
                Reason.UNKNOWN_AGENT,
                _('{name} has no job and skill level in the config: add [agents."{name}"] with job and level').format(
                    name=name
                ),
            )
        sides.append(agent)
    a, b = sides
    if a.job != b.job:
        return Refusal(
            Reason.JOB_DIFFERS,
            _("A swap is only between the same job: {a} is {job_a}, {b} is {job_b}").format(
                a=a.name, job_a=a.job, b=b.name, job_b=b.job
            ),
        )
    if a.level != b.level:
        return Refusal(
            Reason.LEVEL_DIFFERS,
            _("A swap is only between the same skill level: {a} is level {la}, {b} is level {lb}").format(
                a=a.name, la=a.level, b=b.name, lb=b.level
            ),
        )
    return None


def _check_holiday_duty(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    for name in (ask.person, ask.cover):
        holiday = on_holiday_duty(cal.holidays, name, (ask.day, ask.payback_day))
        if holiday is not None:
            return holiday_duty_refusal(holiday, name, _("swap"))
    return None


def _check_leave(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    days = {ask.day, ask.payback_day}
    for leave in cal.leave:
        if leave.person in (ask.person, ask.cover) and leave.day in days:
            return Refusal(
                Reason.LEAVE_DAY,
                _("{person} has leave on {day}: no swap on a leave day, no leave on a swap day").format(
                    person=leave.person, day=leave.day.isoformat()
                ),
            )
    return None


def _parties(swap: ApprovedSwap) -> tuple[str, str]:
    return swap.person, swap.cover


def _check_count(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    month = (ask.day.year, ask.day.month)
    for name in (ask.person, ask.cover):
        n = sum(1 for o in cal.others if name in _parties(o) and (o.day.year, o.day.month) == month)
        if n >= MAX_SWAPS_PER_MONTH:
            return Refusal(
                Reason.TOO_MANY_SWAPS,
                _("{name} already has {n} swaps in {month}: at most {max} per person per month").format(
                    name=name, n=n, month=f"{month[0]}-{month[1]:02d}", max=MAX_SWAPS_PER_MONTH
                ),
            )
    return None


def _check_consecutive(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    for name in (ask.person, ask.cover):
        for o in cal.others:
            if name in _parties(o) and abs((o.day - ask.day).days) <= 1:
                return Refusal(
                    Reason.CONSECUTIVE_SWAP,
                    _("{name} already swaps on {day}: no consecutive swaps").format(name=name, day=o.day.isoformat()),
                )
    return None


def _check_roster(ask: SwapAsk, cal: SwapCalendar) -> Refusal | None:
    rostered_days = {e.day for e in cal.roster}
    for day in (ask.day, ask.payback_day):
        if day not in rostered_days:
            return Refusal(
                Reason.NO_ROSTER,
                _("There is no roster for {day}: import it first, the back-to-back rule needs it").format(
                    day=day.isoformat()
                ),
            )
    entries = {(e.person, e.day, e.shift) for e in cal.roster}
    for name, day, shift in ((ask.person, ask.day, ask.shift), (ask.cover, ask.payback_day, ask.payback_shift)):
        if (name, day, shift) not in entries:
            return Refusal(
                Reason.NOT_ROSTERED,
                _("{name} is not rostered on the {shift} shift of {day}: only a rostered shift is swapped").format(
                    name=name, shift=shift, day=day.isoformat()
                ),
            )
    swapped, payback = _windows(ask, cal)
    # After the swap: the cover works the swapped shift and gives up the pay-back shift; the
    # person works the pay-back shift and gives up the swapped one.
    for name, takes, gives in ((ask.cover, swapped, payback), (ask.person, payback, swapped)):
        for e in cal.roster:
            if e.person != name or (e.day, e.shift) == (gives.day, gives.shift):
                continue
            other_def = shift_def(cal.shifts, e.shift)
            if other_def is None:
                continue
            other = window(other_def, e.day, cal.zone)
            if other.start < takes.end and takes.start < other.end:
                return Refusal(
                    Reason.ALREADY_ROSTERED,
                    _(
                        "{name} is already rostered on the {b} shift of {db}, which overlaps the {a} shift of {da}"
                    ).format(
                        name=name, a=takes.shift, da=takes.day.isoformat(), b=other.shift, db=other.day.isoformat()
                    ),
                )
            if other.start <= takes.end and takes.start <= other.end:
                return Refusal(
                    Reason.BACK_TO_BACK,
                    _(
                        "{name} would work back-to-back shifts: the {a} shift of {da} and the {b} shift of {db} "
                        "(不允许连班)"
                    ).format(
                        name=name, a=takes.shift, da=takes.day.isoformat(), b=other.shift, db=other.day.isoformat()
                    ),
                )
    return None
