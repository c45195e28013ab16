"""Queue measures exactly as DOMAIN.md ("Queue measures") defines them.

`Tally` holds the raw counters the floor folds into (one per queue, per window and per
bucket); `QueueMeasures` is the finished, read-only view with the ratios computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class Tally:
    """Raw counters for one queue over one window (or one hourly bucket)."""

    __slots__ = (
        "abandoned",
        "answer_wait_sum",
        "answered",
        "exited",
        "handled",
        "max_wait",
        "offered",
        "past_apology",
        "talk_sum",
        "within_sl",
    )

    def __init__(self) -> None:
        self.offered = 0  # ENTERQUEUE
        self.answered = 0  # CONNECT
        self.abandoned = 0  # ABANDON
        self.exited = 0  # EXITWITHTIMEOUT / EXITWITHKEY / EXITEMPTY
        self.within_sl = 0  # answered with wait <= threshold
        self.answer_wait_sum = 0.0  # sum of CONNECT holdtimes (ASA)
        self.max_wait: float = 0  # longest finished wait (answered, abandoned, exited)
        self.handled = 0  # answered calls that ended (COMPLETE*, *TRANSFER)
        self.talk_sum = 0.0  # sum of their calltime (AHT)
        self.past_apology = 0  # answered with wait > the apology threshold in force

    def merge(self, other: Tally) -> None:
        """Add `other`'s counts into this tally (floor-wide totals)."""
        self.offered += other.offered
        self.answered += other.answered
        self.abandoned += other.abandoned
        self.exited += other.exited
        self.within_sl += other.within_sl
        self.answer_wait_sum += other.answer_wait_sum
        if other.max_wait > self.max_wait:
            self.max_wait = other.max_wait
        self.handled += other.handled
        self.talk_sum += other.talk_sum
        self.past_apology += other.past_apology

    # The slow, readable update methods; the floor's hot path inlines the same arithmetic.
    def answer(self, wait: float, sl_threshold_s: float, apology_s: float = float("inf")) -> None:
        """One CONNECT with holdtime `wait`."""
        self.answered += 1
        self.answer_wait_sum += wait
        if wait <= sl_threshold_s:
            self.within_sl += 1
        if wait > apology_s:
            self.past_apology += 1
        if wait > self.max_wait:
            self.max_wait = wait

    def unanswered(self, wait: float, abandoned: bool) -> None:
        """One ABANDON (`abandoned=True`) or EXIT* with waittime `wait`."""
        if abandoned:
            self.abandoned += 1
        else:
            self.exited += 1
        if wait > self.max_wait:
            self.max_wait = wait

    def ended(self, talk: float) -> None:
        """One answered call ended with calltime `talk`."""
        self.handled += 1
        self.talk_sum += talk


@dataclass(frozen=True)
class QueueMeasures:
    """Every DOMAIN.md measure of one queue (or the whole floor) over a window.

    Percentages are 0-100; ratios are None when their divisor is 0 (shown as "—").
    """

    queue: str
    offered: int
    answered: int
    abandoned: int
    exited: int
    answered_within_sl: int
    service_level: float | None
    abandon_rate: float | None
    asa_s: float | None
    aht_s: float | None
    max_wait_s: float
    handled: int
    waiting_now: int
    longest_wait_now_s: float
    answered_past_apology: int = 0  # calls needing an apology: answered after the rule's wait


def _ratio_pct(num: float, den: float) -> float | None:
    return None if den == 0 else 100.0 * num / den


def compute(queue: str, tally: Tally, waiting_now: int = 0, longest_wait_now_s: float = 0.0) -> QueueMeasures:
    """Turn raw counters into measures with DOMAIN.md's formulas."""
    finished = tally.answered + tally.abandoned + tally.exited  # calls that finished waiting
    return QueueMeasures(
        queue=queue,
        offered=tally.offered,
        answered=tally.answered,
        abandoned=tally.abandoned,
        exited=tally.exited,
        answered_within_sl=tally.within_sl,
        service_level=_ratio_pct(tally.within_sl, finished),
        abandon_rate=_ratio_pct(tally.abandoned, finished),
        asa_s=None if tally.answered == 0 else tally.answer_wait_sum / tally.answered,
        aht_s=None if tally.handled == 0 else tally.talk_sum / tally.handled,
        max_wait_s=tally.max_wait,
        handled=tally.handled,
        waiting_now=waiting_now,
        longest_wait_now_s=longest_wait_now_s,
        answered_past_apology=tally.past_apology,
    )


def total(tallies: Iterable[Tally]) -> Tally:
    """One tally summing several (the floor-wide total across queues)."""
    out = Tally()
    for t in tallies:
        out.merge(t)
    return out
