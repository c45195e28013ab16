"""What the screens show, as plain values, and the one model both seat views read.

The engine turns its `Floor` into these after each applied batch and pushes a
`FloorUpdate` (only what changed) to its subscribers; the console keeps one `FloorModel`
that the seat table, the floor map, the queue panel and the alerts all read. Nothing here
holds a lock or a reference into the engine: every value is a copy, safe on any thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from floorconsole.i18n import N_

if TYPE_CHECKING:
    from floorconsole.floor import Floor, Seat

# Keyed by SeatState member name, so views do not depend on the enum's values.
STATE_LABEL: dict[str, str] = {
    "LOGGED_OFF": N_("logged off"),
    "AVAILABLE": N_("available"),
    "RINGING": N_("ringing"),
    "ON_CALL": N_("on call"),
    "WRAP_UP": N_("wrap-up"),
    "PAUSED": N_("paused"),
}


@dataclass(frozen=True, slots=True)
class SeatView:
    """One seat as the console shows it."""

    agent: str
    name: str
    seat_id: str
    queues: tuple[str, ...]
    state: str  # SeatState member name, e.g. "ON_CALL"
    since: float | None  # None: not known (the state predates the feed)
    call_start: float | None
    pause_reason: str
    answered: int
    ring_no_answer: int
    escalations: int = 0

    def search_text(self) -> str:
        """Lower-case text the filter matches against (name, agent, seat, queues, state)."""
        return " ".join(
            (
                self.name,
                self.agent,
                self.seat_id,
                " ".join(self.queues),
                STATE_LABEL.get(self.state, self.state),
                self.state,
            )
        ).lower()


@dataclass(frozen=True, slots=True)
class QueueView:
    """One queue's measures as the console shows them."""

    name: str
    waiting_now: int = 0
    oldest_entered: float | None = None  # entry time of the longest-waiting caller
    service_level: float | None = None  # percent, None when undefined
    abandon_rate: float | None = None  # percent
    asa: float | None = None
    aht: float | None = None
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    history: tuple[int, ...] = ()  # waiting callers per minute, the last hour


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """What the header says about the feed."""

    path: str = ""
    state: str = ""  # "backfilling", "catching up", "live", "missing file", "error: ..."
    lag_bytes: int = 0
    last_event_time: float | None = None
    rejected: int = 0
    backfill_pct: float | None = None  # None once the backfill is finished
    problem: str | None = None  # what is wrong with the feed now, if anything
    live: bool = False  # caught up with the end of the feed at least once
    last_error: str | None = None  # the engine's last error, kept after it recovered (a skipped line...)


@dataclass(slots=True)
class AgentCounts:
    """Agents of one queue by state (a seat serving two queues counts in both)."""

    available: int = 0
    on_call: int = 0
    wrap_up: int = 0
    paused: int = 0

    def add(self, state: str, n: int) -> None:
        if state == "AVAILABLE":
            self.available += n
        elif state in ("ON_CALL", "RINGING"):
            self.on_call += n
        elif state == "WRAP_UP":
            self.wrap_up += n
        elif state == "PAUSED":
            self.paused += n


@dataclass
class FloorUpdate:
    """What changed since the previous update; newer values win when two are merged."""

    seats: dict[str, SeatView] = field(default_factory=dict)
    queues: dict[str, QueueView] = field(default_factory=dict)
    status: FeedStatus | None = None
    rejects: tuple[dict[str, int], list[tuple[str, str]]] | None = None

    def absorb_older(self, older: FloorUpdate) -> None:
        """Merge an older, not yet shown update under this one (this one's values win)."""
        for agent, seat in older.seats.items():
            self.seats.setdefault(agent, seat)
        for name, queue in older.queues.items():
            self.queues.setdefault(name, queue)
        if self.status is None:
            self.status = older.status
        if self.rejects is None:
            self.rejects = older.rejects

    def __bool__(self) -> bool:
        return bool(self.seats or self.queues or self.status is not None or self.rejects is not None)


def seat_view(floor: Floor, seat: Seat, now: float) -> SeatView:
    """Copy one seat (call under the engine's lock)."""
    escalations = seat.escalations if isinstance(seat.escalations, int) else len(seat.escalations or ())
    return SeatView(
        agent=seat.agent,
        name=seat.name or seat.agent,
        seat_id=seat.seat_id or "",
        queues=tuple(sorted(seat.queues)),
        state=floor.seat_state_at(seat, now).name,
        since=floor.seat_since_at(seat, now),
        call_start=seat.call_start,
        pause_reason=seat.pause_reason or "",
        answered=seat.answered,
        ring_no_answer=seat.ring_no_answer,
        escalations=escalations,
    )


def queue_view(floor: Floor, name: str, now: float) -> QueueView:
    """Copy one queue's measures (call under the engine's lock)."""
    m = floor.measures(name, now)
    return QueueView(
        name=name,
        waiting_now=m.waiting_now,
        oldest_entered=(now - m.longest_wait_now_s) if m.waiting_now and m.longest_wait_now_s is not None else None,
        service_level=m.service_level,
        abandon_rate=m.abandon_rate,
        asa=m.asa_s,
        aht=m.aht_s,
        offered=m.offered,
        answered=m.answered,
        abandoned=m.abandoned,
        history=tuple(floor.waiting_history(name, now)),
    )


class FloorModel:
    """The console's one copy of the floor: seats, queues, agent counts per queue.

    `apply` costs in proportion to what changed: agent counts are kept up to date by
    taking the old row of each changed seat out and putting the new one in, so nothing
    loops over every seat once a second."""

    def __init__(self) -> None:
        self.seats: dict[str, SeatView] = {}
        self.queues: dict[str, QueueView] = {}
        self.counts: dict[str, AgentCounts] = {}
        self.on_call: dict[str, SeatView] = {}  # seats on a call: what the long-call rule looks at
        self.logged_in = 0  # seats not logged off, kept as rows change (the header's patrol count)
        self.status = FeedStatus()
        self.rejects: tuple[dict[str, int], list[tuple[str, str]]] = ({}, [])

    def apply(self, update: FloorUpdate) -> list[SeatView]:
        """Take in an update; returns the seats whose row really changed."""
        changed = []
        for agent, seat in update.seats.items():
            old = self.seats.get(agent)
            if old == seat:
                continue
            if old is not None:
                self._count(old, -1)
                self.logged_in -= old.state != "LOGGED_OFF"
            self._count(seat, +1)
            self.logged_in += seat.state != "LOGGED_OFF"
            self.seats[agent] = seat
            if seat.state == "ON_CALL":
                self.on_call[agent] = seat
            else:
                self.on_call.pop(agent, None)
            changed.append(seat)
        self.queues.update(update.queues)
        if update.status is not None:
            self.status = update.status
        if update.rejects is not None:
            self.rejects = update.rejects
        return changed

    def patrol_coverage(self, patrolled: frozenset[str] | None) -> tuple[int, int]:
        """(seats patrolled this shift that are logged in, seats logged in), in proportion
        to the patrolled seats, not the floor: `alerts.patrol_coverage` without the loop
        over every seat (which a 20,000-seat floor paid once a second)."""
        done = 0
        if patrolled:
            seats = self.seats
            for agent in patrolled:
                seat = seats.get(agent)
                if seat is not None and seat.state != "LOGGED_OFF":
                    done += 1
        return done, self.logged_in

    def _count(self, seat: SeatView, n: int) -> None:
        if seat.state == "LOGGED_OFF":
            return
        for q in seat.queues:
            counts = self.counts.get(q)
            if counts is None:
                counts = self.counts[q] = AgentCounts()
            counts.add(seat.state, n)


def count_agents(seats: Iterable[SeatView]) -> dict[str, AgentCounts]:
    """Agents per queue by state, counted from scratch (the model keeps them incrementally)."""
    out: dict[str, AgentCounts] = {}
    for seat in seats:
        if seat.state == "LOGGED_OFF":
            continue
        for q in seat.queues:
            out.setdefault(q, AgentCounts()).add(seat.state, 1)
    return out
