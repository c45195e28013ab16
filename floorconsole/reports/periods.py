"""Report periods in the floor's zone (the process's local zone): a month, an ISO week, a day.

Boundaries are local midnights, so a day across a DST change is 23 or 25 hours long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from floorconsole.i18n import _


def midnight(d: date) -> float:
    """Local midnight at the start of `d`, as Unix seconds."""
    return datetime.combine(d, time()).astimezone().timestamp()


def local_date(t: float) -> date:
    """The local calendar day of the Unix time `t`."""
    return datetime.fromtimestamp(t).date()


@dataclass(frozen=True)
class Period:
    """Days `first`..`last` (inclusive), i.e. [start, end) in Unix seconds."""

    label: str
    first: date
    last: date

    @property
    def start(self) -> float:
        return midnight(self.first)

    @property
    def end(self) -> float:
        return midnight(self.last + timedelta(days=1))

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end

    @property
    def span(self) -> str:
        """`11-01–11-07`: the days it covers, as a column heading."""
        return f"{self.first:%m-%d}–{self.last:%m-%d}"


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return Period(f"{year:04d}-{month:02d}", first, nxt - timedelta(days=1))


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def day_period(d: date) -> Period:
    return Period(d.isoformat(), d, d)


def week_period(d: date) -> Period:
    """The ISO week (Monday to Sunday) holding `d`, labelled `2026-W48`."""
    monday = d - timedelta(days=d.weekday())
    iso = monday.isocalendar()
    return Period(f"{iso.year:04d}-W{iso.week:02d}", monday, monday + timedelta(days=6))


def weeks_of(period: Period) -> list[Period]:
    """The Monday-to-Sunday weeks of `period`, clipped to it, labelled W1, W2, ..."""
    out: list[Period] = []
    d = period.first
    while d <= period.last:
        end = min(d + timedelta(days=6 - d.weekday()), period.last)
        out.append(Period(f"W{len(out) + 1}", d, end))
        d = end + timedelta(days=1)
    return out


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_month(text: str) -> tuple[int, int]:
    """`2026-11` -> (2026, 11); ValueError with the reason otherwise."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(_("--month: expected a month such as 2026-11, got {text!r}").format(text=text))
    return int(m.group(1)), int(m.group(2))


def parse_day(text: str) -> date:
    """`2026-11-23` -> date; ValueError with the reason otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(_("--day: expected a date such as 2026-11-23, got {text!r}").format(text=text)) from None


def parse_week(text: str) -> date:
    """`2026-W48` or any date in the week -> that week's Monday; ValueError otherwise."""
    m = _WEEK.match(text.strip())
    if m:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    else:
        try:
            d = date.fromisoformat(text.strip())
            return d - timedelta(days=d.weekday())
        except ValueError:
            pass
    raise ValueError(_("--week: expected a week such as 2026-W48 or a date in it, got {text!r}").format(text=text))
