"""Who is expected on the floor: the roster, less approved leave, with approved swaps applied.

Pure: roster entries, approved leave and approved swaps in, `ExpectedFloor` out, plus a
warning for every swap that leaves a shift uncovered (DOMAIN.md: an unclear swap that leaves a
shift uncovered is absence for both), naming both people, to show before the shift starts.

Shift windows are built from the configured definitions in the local zone, one instant at a
time, so a shift across a DST change is as long as the clocks make it (a night shift on the
spring-forward night is an hour shorter).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from floorconsole.i18n import _
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, RosterEntry
from floorconsole.shifts import ShiftDef, ShiftWindow, parse_hhmm

SlotKey = tuple[date, str]  # (the day the shift starts, the shift's name)


def shift_window(shifts: Sequence[ShiftDef], day: date, name: str) -> ShiftWindow:
    """The concrete window of shift `name` starting on `day`, in the local zone.

    KeyError when no configured shift has that name. End <= start crosses midnight."""
    shift = next((s for s in shifts if s.name == name), None)
    if shift is None:
        raise KeyError(name)
    start_t, end_t = parse_hhmm(shift.start), parse_hhmm(shift.end)
    end_day = day + timedelta(days=1) if (end_t.hour, end_t.minute) <= (start_t.hour, start_t.minute) else day
    # naive -> astimezone() resolves each wall time with the offset in force at that instant
    start = datetime.combine(day, start_t).astimezone()
    end = datetime.combine(end_day, end_t).astimezone()
    return ShiftWindow(shift.name, start, end)


@dataclass(frozen=True)
class Expected:
    """One person expected on one shift, and why (`rostered`, or covering someone by a swap)."""

    person: str
    day: date
    shift: str
    group: str
    covers: str = ""  # the person whose shift this is, when it came by a swap

    @property
    def key(self) -> SlotKey:
        return (self.day, self.shift)


@dataclass(frozen=True)
class SwapWarning:
    """A swap that leaves `shift` of `day` uncovered: `person` is off it and `cover` is not there."""

    day: date
    shift: str
    person: str
    cover: str
    reason: str

    def text(self) -> str:
        return _("{day} {shift}: swap {person} ↔ {cover} leaves the shift uncovered ({reason})").format(
            day=self.day.isoformat(), shift=self.shift, person=self.person, cover=self.cover, reason=self.reason
        )


@dataclass
class ExpectedFloor:
    """Who is expected per shift, who is on leave, who swapped out, and the swap warnings."""

    slots: dict[SlotKey, dict[str, Expected]] = field(default_factory=dict)
    on_leave: dict[SlotKey, dict[str, ApprovedLeave]] = field(default_factory=dict)
    swapped_out: dict[SlotKey, dict[str, str]] = field(default_factory=dict)  # person -> who covers
    warnings: list[SwapWarning] = field(default_factory=list)
    days: frozenset[date] = frozenset()  # days the roster covers (no roster: nobody is "unrostered")

    def expected(self, day: date, shift: str) -> list[Expected]:
        """The people expected on one shift, by group then name."""
        return sorted(self.slots.get((day, shift), {}).values(), key=lambda e: (e.group, e.person))

    def is_expected(self, person: str, day: date, shift: str) -> bool:
        return person in self.slots.get((day, shift), {})

    def leave_of(self, person: str, day: date, shift: str) -> ApprovedLeave | None:
        return self.on_leave.get((day, shift), {}).get(person)

    def warnings_for(self, day: date, shift: str) -> list[SwapWarning]:
        return [w for w in self.warnings if w.day == day and w.shift == shift]


def expected_floor(
    entries: Iterable[RosterEntry], leave: Iterable[ApprovedLeave] = (), swaps: Iterable[ApprovedSwap] = ()
) -> ExpectedFloor:
    """The expected floor: roster entries, then swaps (the cover works the person's shift; the
    person works the cover's pay-back shift), then leave (whoever is on leave is not expected).

    A swap warns, naming both people, when it leaves a shift uncovered: the person was not
    rostered on the shift they swapped away (nothing to cover, or the wrong shift), the cover
    is already on that shift (two names, one person), or the cover is on leave then; and the
    same for the pay-back shift the other way round."""
    out = ExpectedFloor()
    days: set[date] = set()
    for e in entries:
        out.slots.setdefault((e.day, e.shift), {})[e.person] = Expected(e.person, e.day, e.shift, e.group)
        days.add(e.day)
    out.days = frozenset(days)
    leave_list = list(leave)
    on_leave: dict[SlotKey, dict[str, ApprovedLeave]] = {}
    for lv in leave_list:
        on_leave.setdefault((lv.day, lv.shift), {})[lv.person] = lv
    for sw in swaps:
        _apply_half(out, on_leave, sw.day, sw.shift, away=sw.person, comes=sw.cover)
        _apply_half(out, on_leave, sw.payback_day, sw.payback_shift, away=sw.cover, comes=sw.person)
    for key, people in on_leave.items():
        slot = out.slots.get(key, {})
        for person, lv in people.items():
            slot.pop(person, None)
            out.on_leave.setdefault(key, {})[person] = lv
    return out


def _apply_half(
    out: ExpectedFloor,
    on_leave: dict[SlotKey, dict[str, ApprovedLeave]],
    day: date,
    shift: str,
    *,
    away: str,
    comes: str,
) -> None:
    """`away` leaves shift (day, shift) and `comes` works it in their place."""
    slot = out.slots.setdefault((day, shift), {})
    mine = slot.pop(away, None)
    reason = ""
    if mine is None:
        reason = _("{away} is not rostered on it").format(away=away)
    elif comes in slot:
        reason = _("{comes} is already on that shift").format(comes=comes)
    elif comes in on_leave.get((day, shift), {}):
        reason = _("{comes} is on leave then").format(comes=comes)
    group = mine.group if mine is not None else ""
    if not reason:
        slot[comes] = Expected(comes, day, shift, group, covers=away)
    out.swapped_out.setdefault((day, shift), {})[away] = comes
    if reason:
        # the warning names both people of the swap, the one away first
        out.warnings.append(SwapWarning(day, shift, away, comes, reason))


def warnings_due(floor: ExpectedFloor, shifts: Sequence[ShiftDef], now: float, ahead_h: float) -> list[SwapWarning]:
    """Warnings for shifts that have not started yet and start within `ahead_h` hours of `now`
    (shown before the shift starts, while there is still time to find cover)."""
    out = []
    for w in floor.warnings:
        try:
            window = shift_window(shifts, w.day, w.shift)
        except KeyError:
            continue
        start = window.start.timestamp()
        if now < start <= now + ahead_h * 3600:
            out.append(w)
    return sorted(out, key=lambda w: (w.day, w.shift, w.person))
