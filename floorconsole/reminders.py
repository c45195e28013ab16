"""What the shift lead owes by a date, as reminders (DOMAIN.md; issue 13). Pure: given today
(a date in the floor's zone) and what has been done, which reminders are due.

- The monthly service-quality analysis report of last month: due to the department head by
  the 22nd (每月汇总形成服务质量分析报告，22日前交客服部主任); reminded from the 15th until it is
  marked as sent, overdue after the 22nd, to the month's end.
- Next month's roster: drafted by the 25th; reminded from the 20th until it is imported,
  overdue after the 25th.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from floorconsole.i18n import _

REPORT_FROM, REPORT_DUE = 15, 22
ROSTER_FROM, ROSTER_DUE = 20, 25

ReminderKind = Literal["monthly_report", "roster"]


@dataclass(frozen=True)
class ReminderState:
    """What has been done: `report_sent(year, month)` is True when that month's report is
    marked as sent; `roster_months` holds the (year, month) of every roster imported."""

    report_sent: Callable[[int, int], bool]
    roster_months: frozenset[tuple[int, int]] | set[tuple[int, int]]


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    period: tuple[int, int]  # the (year, month) it is about
    due: date
    overdue: bool

    @property
    def period_label(self) -> str:
        return f"{self.period[0]:04d}-{self.period[1]:02d}"

    @property
    def text(self) -> str:
        """One line for the console and the CLI."""
        if self.kind == "monthly_report":
            if self.overdue:
                msg = _(
                    "Monthly service-quality report for {month} is overdue: it was due to the department head by {due}"
                )
            else:
                msg = _("Monthly service-quality report for {month} is due to the department head by {due}")
            return msg.format(month=self.period_label, due=self.due.isoformat()) + _(
                " (floorconsole report monthly --month {month} --mark-sent)"
            ).format(month=self.period_label)
        if self.overdue:
            msg = _("The roster for {month} is overdue: it was due by {due} and is not imported yet")
        else:
            msg = _("The roster for {month} is due by {due} and is not imported yet")
        return msg.format(month=self.period_label, due=self.due.isoformat())


def _prev(y: int, m: int) -> tuple[int, int]:
    return (y - 1, 12) if m == 1 else (y, m - 1)


def _next(y: int, m: int) -> tuple[int, int]:
    return (y + 1, 1) if m == 12 else (y, m + 1)


def due_reminders(today: date, state: ReminderState) -> list[Reminder]:
    """The reminders due on `today` (a date in the floor's zone), the report's first."""
    out: list[Reminder] = []
    # Last month's report, from the 15th to the month's end (a month later the next one is due).
    last = _prev(today.year, today.month)
    if today.day >= REPORT_FROM and not state.report_sent(*last):
        due = date(today.year, today.month, REPORT_DUE)
        out.append(Reminder("monthly_report", last, due, overdue=today > due))
    nxt = _next(today.year, today.month)
    if today.day >= ROSTER_FROM and nxt not in state.roster_months:
        due = date(today.year, today.month, ROSTER_DUE)
        out.append(Reminder("roster", nxt, due, overdue=today > due))
    return out


def floor_today(clock: Callable[[], float]) -> date:
    """Today in the floor's zone (the process's local zone, set from `floor.timezone`)."""
    return datetime.fromtimestamp(clock()).date()


def state_from(sent_periods: set[str] | frozenset[str], roster_months: set[tuple[int, int]]) -> ReminderState:
    """A state from the store's answers: the periods (`2026-10`) of monthly reports marked as
    sent (`Store.list_reports_sent("monthly")`) and `Store.roster_months()`."""
    return ReminderState(
        report_sent=lambda y, m: f"{y:04d}-{m:02d}" in sent_periods,
        roster_months=frozenset(roster_months),
    )
