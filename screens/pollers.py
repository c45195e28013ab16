"""Off-the-event-loop reader of the records, for the console.

`StorePoller` watches the store's change marker once a second and reloads what the panels
show when it moves, so other consoles' notes, claims and entries show within 2 s. It runs
in a thread worker and never touches a widget. (The feed needs no poller: the engine
pushes `FloorUpdate`s, and records feed escalations itself.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from floorconsole.config import Config
from floorconsole.shifts import shift_at_epoch
from floorconsole.store import Store
from screens.messages import StoreSnapshot

# The console lists the newest this many pending escalations and counts the rest: a floor
# where nobody closes them (the simulator's) must not grow the console with each one.
PENDING_SHOWN = 200


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
        marker = self.service.submit(Store.data_version).result(timeout=30)
        key = shift_at_epoch(self.config.shifts, self.clock()).key
        if marker != self.marker or key != self.shift_key:
            self.marker, self.shift_key = marker, key
            return True
        return False

    def load(self) -> StoreSnapshot:
        key = self.shift_key or shift_at_epoch(self.config.shifts, self.clock()).key
        submit = self.service.submit
        f_esc = submit(Store.pending_escalations, PENDING_SHOWN)
        f_log = submit(Store.list_entries, shift=key)
        f_patrol = submit(Store.list_patrol_notes, shift=key)
        f_open = submit(Store.open_handovers)
        f_recent = submit(Store.list_handovers, limit=5)
        pending_total, escalations = f_esc.result(timeout=30)
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
            mine = submit(Store.handovers_signed_not_received, self.actor).result(timeout=30)
            for_me = submit(Store.handovers_waiting_for, self.actor, now).result(timeout=30)
            counts = submit(Store.open_item_counts, now).result(timeout=30)
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
            escalations_total=pending_total,
        )
