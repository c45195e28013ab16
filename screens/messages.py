"""Every custom message the console's widgets and workers exchange.

Workers (feed polling, store polling) never touch widgets: they post one of these. The
frequent ones define `can_replace` so that a burst collapses into the latest one — the
feed can produce 1,000 events a second, the screen wants a few frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from floorconsole.views import FloorUpdate


@dataclass
class FloorUpdated(Message, bubble=False):
    """The engine pushed what changed on the floor (posted from the engine's thread).

    When the screen falls behind, Textual lets a newer FloorUpdated replace an older one
    still in the queue; the newer one first takes in the older one's rows, so a burst
    becomes one frame and loses nothing.
    """

    update: FloorUpdate

    def can_replace(self, message: Message) -> bool:
        # called on the older message with the newer one still queued behind it
        if isinstance(message, FloorUpdated):
            message.update.absorb_older(self.update)
            return True
        return False


@dataclass
class StoreChanged(Message, bubble=False):
    """The store's change marker moved (this console or another wrote something)."""

    marker: Any

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoreChanged)


@dataclass
class StoreSnapshot(Message, bubble=False):
    """What the panels show from the store, loaded off the event loop."""

    escalations: list[Any] = field(default_factory=list)
    log_entries: list[Any] = field(default_factory=list)
    carried_items: list[Any] = field(default_factory=list)
    patrolled: frozenset[str] = frozenset()
    last_patrol: float | None = None  # time of this shift's latest patrol note
    open_handover: str | None = None
    # Issue 10 (filled when the poller knows the console's actor):
    handed_over: str | None = None  # "handed over, not yet received: you may not leave"
    handover_waiting: str | None = None  # "handover from X waiting (r)", from the moment it is signed
    open_items: Any = None  # store OpenItemCounts: open / overdue / due this shift / escalations
    escalations_total: int | None = None  # pending in all; `escalations` holds the newest (pollers.PENDING_SHOWN)

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoreSnapshot)


@dataclass
class WorkerProblem(Message, bubble=False):
    """A worker hit an error it survived (locked database, unreadable feed); say it once."""

    source: str
    text: str


@dataclass
class SeatHighlighted(Message):
    """The cursor moved to a seat in the table or on the map (latest wins)."""

    agent: str | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SeatHighlighted)


@dataclass
class FilterChanged(Message):
    """The filter bar's text changed (latest wins)."""

    text: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FilterChanged)


@dataclass
class FilterClosed(Message):
    """The filter bar was closed (Escape or Enter); focus goes back to the seats."""

    keep: bool = True


@dataclass
class RejectsRequested(Message):
    """The header's feed-health area was selected: show the last rejected lines."""
