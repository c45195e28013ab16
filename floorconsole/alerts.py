"""Which alerts to raise, and whether a patrol is due: decisions, no drawing.

Alerts are edge-triggered: each fires once per episode (a queue whose service level drops
below target alerts once, and again only after it has recovered and dropped again), never
on every tick. The console shows what these functions return as toasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from floorconsole.config import Thresholds
from floorconsole.i18n import _, ngettext
from floorconsole.printable import printable
from floorconsole.rules import is_long_call, is_past_apology, is_sl_below_target
from floorconsole.shifts import ShiftWindow
from floorconsole.views import QueueView, SeatView


class AlertTracker:
    """Edge-triggered alerts: each fires once per episode, then re-arms when it clears."""

    def __init__(self) -> None:
        # The highest escalation id seen (ids only grow): one number, however long the shift,
        # where a set of every id seen grew with each one. None: first load, alert nothing old.
        self.seen_escalations: int | None = None
        self.long_calls: set[tuple[str, float]] = set()
        self.apology_queues: set[str] = set()
        self.low_sl_queues: set[str] = set()
        self.overdue_items = 0

    def overdue(self, counts: Any) -> list[str]:
        """An alert when more open items are overdue than at the previous look (once each;
        they stay marked in the header until closed). `counts`: `Store.open_item_counts()`."""
        n = int(getattr(counts, "overdue", 0) or 0)
        before, self.overdue_items = self.overdue_items, n
        if n > before:
            return [
                ngettext(
                    "{n} open item overdue: close it with a result (H, or floorconsole followups)",
                    "{n} open items overdue: close them with a result (H, or floorconsole followups)",
                    n,
                ).format(n=n)
            ]
        return []

    def escalations(self, escalations: Iterable[Any]) -> list[Any]:
        """The escalations (objects with an `id`) newer than any seen before; none on the
        first call. (An older one coming back into a console's bounded list is not new.)"""
        current = list(escalations)
        top = max((e.id for e in current), default=None)
        if self.seen_escalations is None:
            self.seen_escalations = top if top is not None else 0
            return []
        seen = self.seen_escalations
        new = [e for e in current if e.id > seen]
        if top is not None and top > seen:
            self.seen_escalations = top
        return new

    def floor(
        self, queues: Iterable[QueueView], seats: Iterable[SeatView], now: float, thresholds: Thresholds
    ) -> list[str]:
        """Alert texts for episodes that began since the previous call."""
        out: list[str] = []
        waiting_long = set()
        low_sl = set()
        for q in queues:
            if is_past_apology(q, now, thresholds):
                waiting_long.add(q.name)
            if is_sl_below_target(q, thresholds):
                low_sl.add(q.name)
        for name in sorted(waiting_long - self.apology_queues):
            out.append(
                _("Queue {name}: a caller has waited past {s} s").format(
                    name=printable(name), s=f"{thresholds.apology_wait_s:.0f}"
                )
            )
        for name in sorted(low_sl - self.low_sl_queues):
            out.append(
                _("Queue {name}: service level below {pct}%").format(
                    name=printable(name), pct=f"{thresholds.sl_target_pct:.0f}"
                )
            )
        self.apology_queues, self.low_sl_queues = waiting_long, low_sl
        calls = set()
        names = {}
        for s in seats:
            if is_long_call(s, now, thresholds) and s.call_start is not None:
                calls.add((s.agent, s.call_start))
                names[(s.agent, s.call_start)] = s.name
        new_calls = sorted(calls - self.long_calls)
        if new_calls:
            who = ", ".join(printable(names[c]) for c in new_calls[:3])
            more = _(" and {n} more").format(n=len(new_calls) - 3) if len(new_calls) > 3 else ""
            minutes = f"{thresholds.long_call_s / 60:.0f}"
            out.append(
                ngettext(
                    "Long call (≥ {min} min): {who}{more}", "Long calls (≥ {min} min): {who}{more}", len(new_calls)
                ).format(min=minutes, who=who, more=more)
            )
        self.long_calls = calls
        return out


def patrol_coverage(seats: Iterable[SeatView], patrolled: frozenset[str] | None) -> tuple[int, int]:
    """(seats patrolled this shift, seats logged in): changes only when seats or notes do."""
    logged_in = [s.agent for s in seats if s.state != "LOGGED_OFF"]
    return sum(1 for a in logged_in if patrolled and a in patrolled), len(logged_in)


MORNING_CHECK_BY = time(9, 30)  # DOMAIN.md: the front desk and handover are checked before 9:30


def morning_check_by(shift: ShiftWindow) -> float | None:
    """When the day's fixed check is due by (9:30 on the shift's day), for the shift that
    covers 9:30; None for the others."""
    at = datetime.combine(shift.start.date(), MORNING_CHECK_BY, shift.start.tzinfo)
    return at.timestamp() if shift.start <= at < shift.end else None


def patrol_due(
    last_patrol: float | None,
    shift_start: float,
    now: float,
    thresholds: Thresholds,
    morning_check_by: float | None = None,
) -> bool:
    """Whether the header says "patrol due" (DOMAIN.md, patrol: no rulebook gives an interval).

    The fixed checks: when no patrol has been recorded yet this shift, one is due within
    `patrol_after_change_min` of the shift change, and until `morning_check_by` (9:30, on
    the shift that covers it). Any other rhythm is the centre's setting: with
    `patrol_interval_min` > 0, one is also due that long after the last patrol (or after the
    shift start when there has been none); 0, the default, means no rhythm.
    """
    done = last_patrol is not None and last_patrol >= shift_start
    if not done:
        if now - shift_start < thresholds.patrol_after_change_min * 60:
            return True
        if morning_check_by is not None and now < morning_check_by:
            return True
    if thresholds.patrol_interval_min > 0:
        since = last_patrol if done and last_patrol is not None else shift_start
        return now - since >= thresholds.patrol_interval_min * 60
    return False


def patrol_status(
    seats: Iterable[SeatView],
    patrolled: frozenset[str] | None,
    last_patrol: float | None,
    shift_start: float,
    now: float,
    thresholds: Thresholds,
    morning_check_by: float | None = None,
) -> tuple[int, int, bool]:
    """(seats patrolled this shift, seats logged in, patrol due?) for the header."""
    return (*patrol_coverage(seats, patrolled), patrol_due(last_patrol, shift_start, now, thresholds, morning_check_by))


COMPLAINT_SUMMARY_LEAD_MIN = 30.0  # remind this long before the shift ends


def complaint_summary_reminder_due(
    now: float, shift_end: float, sent: bool, lead_min: float = COMPLAINT_SUMMARY_LEAD_MIN
) -> bool:
    """DOMAIN.md: the day's complaints are sent to management before the shift ends. True in
    the last `lead_min` minutes of the shift while no summary has been recorded as sent."""
    return not sent and shift_end - lead_min * 60 <= now < shift_end
