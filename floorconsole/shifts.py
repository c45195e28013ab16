"""Which shift a moment belongs to, and that shift's window in local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from floorconsole.i18n import _, format_day, is_chinese


@dataclass(frozen=True)
class ShiftDef:
    """A shift by wall-clock times, e.g. 08:00-16:00; end <= start crosses midnight."""

    name: str
    start: str  # "HH:MM"
    end: str  # "HH:MM"


@dataclass(frozen=True)
class ShiftWindow:
    """One concrete shift: its definition's name and its start/end as aware datetimes."""

    name: str
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """A stable identifier, e.g. `2026-11-23 day` (the date the shift started)."""
        return f"{self.start:%Y-%m-%d} {self.name}"

    @property
    def label(self) -> str:
        """The shift as people read it: the key in English, `11月23日 早班` in Chinese
        (the records keep the key)."""
        if not is_chinese():
            return self.key
        return f"{format_day(self.start)} {_(self.name)}"

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def parse_hhmm(text: str) -> time:
    """Parse `HH:MM` (24-hour) into a time; raises ValueError with the bad text."""
    try:
        hh, mm = text.split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError):
        raise ValueError(f"not a HH:MM time: {text!r}") from None


def shift_at(shifts: tuple[ShiftDef, ...], moment: datetime) -> ShiftWindow:
    """The shift containing `moment` (an aware datetime), by the configured definitions.

    Falls back to the calendar day when no definition covers the moment.
    """
    moment = moment if moment.tzinfo else moment.astimezone()
    for day_offset in (0, -1):
        day = (moment + timedelta(days=day_offset)).date()
        for shift in shifts:
            start = datetime.combine(day, parse_hhmm(shift.start), moment.tzinfo)
            end = datetime.combine(day, parse_hhmm(shift.end), moment.tzinfo)
            if end <= start:
                end += timedelta(days=1)
            if start <= moment < end:
                return ShiftWindow(shift.name, start, end)
    start = datetime.combine(moment.date(), time(0), moment.tzinfo)
    return ShiftWindow("day", start, start + timedelta(days=1))


def previous_shift(shifts: tuple[ShiftDef, ...], current: ShiftWindow) -> ShiftWindow:
    """The shift that ended when `current` started."""
    return shift_at(shifts, current.start - timedelta(seconds=1))


def shift_at_epoch(shifts: tuple[ShiftDef, ...], epoch: float) -> ShiftWindow:
    """`shift_at` for a Unix time, in the machine's local time zone."""
    return shift_at(shifts, datetime.fromtimestamp(epoch).astimezone())
