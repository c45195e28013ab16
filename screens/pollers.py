"""Off-the-event-loop readers of the feed engine and the store, for the console.

- `FeedPoller` drains the engine's delta ~4x/s, copies the changed seats and queues into
  plain rows under the engine's lock and merges them into a buffer the App takes on a
  `FloorChanged` message (can_replace). It also collects feed escalations, which the App
  raises into the store (created once across consoles, by event key).
- `StorePoller` watches the store's change marker once a second and reloads what the
  panels show when it moves, so other consoles' notes, claims and entries show within 2 s.

Both run in thread workers; neither touches a widget.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from floorconsole.config import Config
from floorconsole.masking import is_phone_number
from floorconsole.shifts import shift_at_epoch
from screens.header import HealthView
from screens.messages import StoreSnapshot
from screens.queues_panel import QueueRow
from screens.seat_table import SeatRow


# ---------------------------------------------------------------------------- feed side


@dataclass
class FloorDelta:
    """What changed on the floor since the App last took the buffer."""

    seats: dict[str, SeatRow] = field(default_factory=dict)
    queues: dict[str, QueueRow] = field(default_factory=dict)
    health: HealthView | None = None
    rejects: tuple[dict[str, int], list[tuple[str, str]]] | None = None


def seat_row(floor: Any, seat: Any, now: float) -> SeatRow:
    """Copy one `floor.Seat` into a `SeatRow` (call under the engine's lock)."""
    state = floor.seat_state_at(seat, now)
    escalations = seat.escalations if isinstance(seat.escalations, int) else len(seat.escalations or ())
    return SeatRow(
        agent=seat.agent,
        name=seat.name or seat.agent,
        seat_id=seat.seat_id or "",
        queues=tuple(sorted(seat.queues)),
        state=state.name,
        since=floor.seat_since_at(seat, now),
        call_start=seat.call_start,
        pause_reason=seat.pause_reason or "",
        answered=seat.answered,
        ring_no_answer=seat.ring_no_answer,
        escalations=escalations,
    )


def queue_row(floor: Any, name: str, now: float) -> QueueRow:
    """Copy one queue's measures into a `QueueRow` (call under the engine's lock)."""
    m = floor.measures(name, now)
    return QueueRow(
        name=name,
        waiting_now=m.waiting_now,
        oldest_entered=(now - m.longest_wait_now_s) if m.waiting_now else None,
        service_level=m.service_level,
        abandon_rate=m.abandon_rate,
        asa=m.asa_s,
        aht=m.aht_s,
        offered=m.offered,
        answered=m.answered,
        abandoned=m.abandoned,
        history=tuple(floor.waiting_history(name, now)),
    )


class FeedPoller:
    """Runs in a worker thread: engine delta -> plain rows in a lock-protected buffer."""

    def __init__(self, engine: Any, clock: Callable[[], float]) -> None:
        self.engine = engine
        self.clock = clock
        self._lock = threading.Lock()
        self._pending = FloorDelta()
        self._last_history_minute = -1
        self.escalation_events: list[Any] = []

    def poll(self) -> bool:
        """One round; True when the buffer has something new."""
        changes = self.engine.drain_delta()
        now = self.clock()
        minute = int(now // 60)
        seats: dict[str, SeatRow] = {}
        queues: dict[str, QueueRow] = {}
        with self.engine.locked() as floor:
            # drain_delta(now) already reports seats whose wrap-up ran out
            for agent in changes.agents:
                seat = floor.seats.get(agent)
                if seat is not None:
                    seats[agent] = seat_row(floor, seat, now)
            # Measures are cheap per queue and "longest finished wait"/history move with
            # time, so every queue is refreshed when anything changed or a minute turned.
            if changes.queues or changes.agents or minute != self._last_history_minute:
                for name in list(floor.queues):
                    queues[name] = queue_row(floor, name, now)
                self._last_history_minute = minute
        health = self._health(now)
        rejects = None
        if changes.rejects:
            h = self.engine.health
            rejects = (dict(h.reject_counts), list(h.last_rejects))
        with self._lock:
            self._pending.seats.update(seats)
            self._pending.queues.update(queues)
            self._pending.health = health
            if rejects is not None:
                self._pending.rejects = rejects
            self.escalation_events.extend(changes.escalations)
        return bool(seats or queues or rejects) or True  # health (lag) changes every round

    def _health(self, now: float) -> HealthView:
        h = self.engine.health
        p = self.engine.progress
        pct = None if p.finished else (100.0 * p.done_bytes / p.total_bytes if p.total_bytes else 0.0)
        return HealthView(
            path=str(h.path),
            state=h.state,
            lag_bytes=int(h.lag_bytes),
            last_event_time=h.last_event_time,
            rejected=sum(h.reject_counts.values()),
            backfill_pct=pct,
        )

    def take(self) -> FloorDelta:
        with self._lock:
            delta, self._pending = self._pending, FloorDelta()
            return delta

    def take_escalation_events(self) -> list[Any]:
        with self._lock:
            events, self.escalation_events = self.escalation_events, []
            return events


def escalation_args(esc: Any) -> dict[str, Any]:
    """`raise_escalation` keyword arguments for a feed escalation (`events.Escalation`)."""
    try:
        priority = int(esc.priority) if esc.priority else 2
    except ValueError:
        priority = 2
    caller = (esc.caller or "").strip()
    reason = esc.reason or "escalated from the feed"
    if caller and not is_phone_number(caller):
        # a withheld caller id ("anonymous", "unknown") is not a number the store keeps
        reason, caller = f"{reason} (caller id: {caller[:30]})", ""
    return dict(
        callid=esc.callid,
        agent=esc.agent,
        queue=esc.queue,
        reason=reason,
        caller=caller,
        priority=min(3, max(1, priority)),
        event_key=esc.key,
        raised_at=esc.time,
    )


# --------------------------------------------------------------------------- store side


class StorePoller:
    """Runs in a worker thread: store change marker -> `StoreSnapshot` for the panels."""

    def __init__(self, service: Any, config: Config, clock: Callable[[], float], actor: Any = None) -> None:
        self.service = service
        self.config = config
        self.clock = clock
        self.actor = actor  # who runs this console: handovers they signed / waiting for them
        self.marker: Any = None
        self.shift_key: str | None = None

    def changed(self) -> bool:
        marker = self.service.submit("data_version").result(timeout=30)
        key = shift_at_epoch(self.config.shifts, self.clock()).key
        if marker != self.marker or key != self.shift_key:
            self.marker, self.shift_key = marker, key
            return True
        return False

    def load(self) -> StoreSnapshot:
        key = self.shift_key or shift_at_epoch(self.config.shifts, self.clock()).key
        submit = self.service.submit
        f_esc = submit("list_escalations")
        f_log = submit("list_entries", shift=key)
        f_patrol = submit("list_patrol_notes", shift=key)
        f_open = submit("open_handovers")
        f_recent = submit("list_handovers", limit=5)
        escalations = [e for e in f_esc.result(timeout=30) if not e.outcome]
        entries = f_log.result(timeout=30)
        notes = f_patrol.result(timeout=30)
        patrolled = frozenset(n.agent for n in notes)
        last_patrol = max((n.time for n in notes), default=None)
        open_handovers = f_open.result(timeout=30)
        carried_from = next((h for h in f_recent.result(timeout=30) if h.to_shift == key), None)
        carried = list(carried_from.items) if carried_from is not None else []
        waiting = [h for h in open_handovers if h.to_shift == key]
        warning = None
        if waiting:
            warning = f"handover from {waiting[0].from_shift} not received (r)"
        handed_over = handover_waiting = counts = None
        if self.actor is not None:
            # Issue 10: by person, from the moment of signing (before the boundary too); the
            # signer is never offered their own handover to review.
            now = self.clock()
            mine = submit("handovers_signed_not_received", self.actor).result(timeout=30)
            for_me = submit("handovers_waiting_for", self.actor, now).result(timeout=30)
            counts = submit("open_item_counts", now).result(timeout=30)
            handed_over = "handed over, not yet received: you may not leave" if mine else None
            handover_waiting = f"handover from {for_me[0].from_shift} waiting (r)" if for_me else None
            warning = handover_waiting
        return StoreSnapshot(
            escalations=escalations,
            log_entries=entries,
            carried_items=carried,
            patrolled=patrolled,
            last_patrol=last_patrol,
            open_handover=warning,
            handed_over=handed_over,
            handover_waiting=handover_waiting,
            open_items=counts,
        )
