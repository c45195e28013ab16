"""The floor's threshold rules, each written once (DOMAIN.md: long calls, the apology wait,
service level and abandon targets, long pauses). Widgets colour and mark what these say;
alerts fire on what these say; nothing else compares a time against a threshold.
"""

from __future__ import annotations

from typing import Protocol

from floorconsole.config import Thresholds


# The rules only read these: read-only members, so frozen views (SeatView, QueueView) and
# the Floor's own Seat both qualify (a plain attribute in a Protocol demands a settable one).
class SeatLike(Protocol):
    @property
    def agent(self) -> str: ...
    @property
    def state(self) -> str: ...  # a SeatState name, e.g. "ON_CALL"
    @property
    def since(self) -> float | None: ...
    @property
    def call_start(self) -> float | None: ...
    @property
    def ring_no_answer(self) -> int: ...


class QueueLike(Protocol):
    @property
    def waiting_now(self) -> int: ...
    @property
    def oldest_entered(self) -> float | None: ...
    @property
    def service_level(self) -> float | None: ...
    @property
    def abandon_rate(self) -> float | None: ...


def call_length(seat: SeatLike, now: float) -> float | None:
    """How long the seat's current call has lasted; None when not on a call."""
    if seat.state != "ON_CALL" or seat.call_start is None:
        return None
    return max(0.0, now - seat.call_start)


def is_long_call(seat: SeatLike, now: float, th: Thresholds) -> bool:
    """On a call for `long_call_s` or more (default 900 s): flagged for the supervisor."""
    length = call_length(seat, now)
    return length is not None and length >= th.long_call_s


def is_long_pause(seat: SeatLike, now: float, th: Thresholds) -> bool:
    """Paused for `long_pause_s` or more."""
    return seat.state == "PAUSED" and seat.since is not None and now - seat.since >= th.long_pause_s


def longest_wait_now(queue: QueueLike, now: float) -> float | None:
    """Age of the oldest caller still waiting; None when nobody waits."""
    if not queue.waiting_now or queue.oldest_entered is None:
        return None
    return max(0.0, now - queue.oldest_entered)


def is_past_apology(queue: QueueLike, now: float, th: Thresholds) -> bool:
    """A caller has waited past the apology threshold in force (`apology_wait_s`)."""
    longest = longest_wait_now(queue, now)
    return longest is not None and longest >= th.apology_wait_s


def is_sl_below_target(queue: QueueLike, th: Thresholds) -> bool:
    """Service level is defined and below `sl_target_pct`."""
    return queue.service_level is not None and queue.service_level < th.sl_target_pct


def is_abandon_above_target(queue: QueueLike, th: Thresholds) -> bool:
    """Abandon rate is defined and above `abandon_target_pct`."""
    return queue.abandon_rate is not None and queue.abandon_rate > th.abandon_target_pct


def alert_marks(seat: SeatLike, now: float, th: Thresholds, patrolled: frozenset[str] | set[str] | None) -> str:
    """The alert letters for a seat: L long call, P long pause, R ring-no-answer this
    shift, N logged in but not patrolled yet this shift (when patrols are known)."""
    marks = []
    if is_long_call(seat, now, th):
        marks.append("L")
    if is_long_pause(seat, now, th):
        marks.append("P")
    if seat.ring_no_answer:
        marks.append("R")
    if patrolled is not None and seat.state != "LOGGED_OFF" and seat.agent not in patrolled:
        marks.append("N")
    return "".join(marks)
