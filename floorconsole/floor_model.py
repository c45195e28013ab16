"""The state `Floor` folds a feed into: seats, queues, open calls, and what changed.

Plain data with the few methods that keep it consistent (a queue's waiting history);
the fold itself is in `floor.py` (readable handlers) and `floor_fast.py` (the hot loop).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from floorconsole.events import Escalation
from floorconsole.measures import Tally

MAX_LINE = 64 * 1024  # longer lines are rejected as "too_long" (real lines are < 1 KB)
MAX_OPEN_CALLS = 100_000  # calls with no outcome yet; beyond this the oldest are evicted
MAX_ENDED = 50_000  # recently ended call ids kept to tell duplicates from orphans
MAX_FEED_SEATS = 50_000  # agents not in the layout; beyond this their lines are rejected
MAX_QUEUES = 10_000
MAX_WAIT_S = 4 * 3600  # a caller waiting longer than this lost its outcome line: expired
HISTORY_MINUTES = 60
_EVICT_FRACTION = 10  # evict 1/10 of the cap at once: amortised O(1), no quadratic dict scans
_ENDED_GEN = MAX_ENDED // _EVICT_FRACTION  # ended call ids are kept in generations this big


class SeatState(StrEnum):
    """DOMAIN.md's seat states."""

    LOGGED_OFF = "LOGGED_OFF"
    AVAILABLE = "AVAILABLE"
    RINGING = "RINGING"
    ON_CALL = "ON_CALL"
    WRAP_UP = "WRAP_UP"
    PAUSED = "PAUSED"


_OFF = SeatState.LOGGED_OFF
_AVAIL = SeatState.AVAILABLE
_RINGING = SeatState.RINGING
_ON_CALL = SeatState.ON_CALL
_WRAP = SeatState.WRAP_UP
_PAUSED = SeatState.PAUSED


@dataclass(slots=True, eq=False)
class Seat:
    """One agent's live state and counters (counters restart with the window)."""

    agent: str
    name: str
    seat_id: str | None = None
    queues: set[str] = field(default_factory=set)
    state: SeatState = SeatState.LOGGED_OFF
    since: float | None = None  # None: not known since when (e.g. before the feed starts)
    call_start: float | None = None
    pause_reason: str = ""
    answered: int = 0
    talk_s: float = 0
    ring_no_answer: int = 0
    escalations: int = 0
    wrapup_s: float = 0  # only when the feed reports wrap-up explicitly (JSON WRAPUPEND)
    # Internal bookkeeping of the fold.
    raw: bytes = field(default=b"", repr=False)
    call_raw: bytes | None = field(default=None, repr=False)
    wrap_until: float | None = field(default=None, repr=False)  # None in WRAP_UP: explicit
    pause_pending: bool = field(default=False, repr=False)  # PAUSE arrived during a call
    dirty: bool = field(default=False, repr=False)  # changed since the last take_changes
    # Bit `QueueState.bit` set: that queue is known to be in `queues`. The hot path tests
    # this int on the seat it already holds instead of a set lookup (a cache miss per seat).
    qbits: int = field(default=0, repr=False)

    @property
    def call_id(self) -> str | None:
        """The current call's id (decoded on access: the fold keeps raw bytes)."""
        r = self.call_raw
        return None if r is None else r.decode("utf-8", "replace")


@dataclass(slots=True, frozen=True)
class Waiting:
    """A caller in a queue with no outcome yet."""

    callid: str
    queue: str
    entered: float
    caller: str


# An open call is a plain list on the hot path (a list costs a fraction of an object's
# __init__): [queue, entered, caller, seat, connected]. An ended call is remembered (in
# `Floor._ended`) as (caller, time of its outcome): the time tells a repeated line from
# the call entering a queue again. (A tuple, not the list: GC untracks it, so 50,000
# remembered calls cost the cyclic collector nothing.)
_Q, _ENTERED, _CALLER, _SEAT, _CONNECTED = range(5)
# The record's fields differ in type by position (QueueState, float, bytes, Seat | None,
# float | None) and it is mutated in place, which no precise list or tuple type states:
# hence Any for its items. Index it with the names above.
CallRecord = list[Any]
# A queue_log line split on every "|": time, callid, queue, agent, verb, then data fields.
Fields = list[bytes]


@dataclass(slots=True, frozen=True)
class Call:
    """A read-only view of one open call: waiting in a queue, or connected to a seat."""

    callid: str
    queue: str
    entered: float
    caller: str
    agent: str | None
    connected: float | None


class QueueState:
    """One queue: its waiting callers, its window tally and optional hourly buckets."""

    __slots__ = (
        "_hist",
        "_hist_min",
        "bit",
        "buckets",
        "calls",
        "dirty",
        "hist_next",
        "hist_peak",
        "name",
        "raw",
        "tally",
    )

    def __init__(self, name: str, raw: bytes | None = None, bit: int = 0) -> None:
        self.name = name
        self.raw = name.encode() if raw is None else raw  # the name as the feed wrote it
        self.bit = bit  # this queue's bit in Seat.qbits (0: none, always look in the set)
        self.tally = Tally()
        self.buckets: dict[float, Tally] = {}
        self.calls: dict[bytes, CallRecord] = {}  # waiting callers: raw call id -> call record
        self._hist: deque[int] = deque(maxlen=HISTORY_MINUTES)
        self._hist_min: int | None = None
        self.hist_next: float = -math.inf  # first second of the next minute
        self.hist_peak = 0
        self.dirty = True  # changed since the last take_changes (a flag: cheaper than a set)

    @property
    def waiting(self) -> dict[str, Waiting]:
        """Callers waiting now, by call id, oldest entry first (built on each access)."""
        items = sorted(self.calls.items(), key=lambda kv: kv[1][_ENTERED])
        out = {}
        for raw, c in items:
            callid = raw.decode("utf-8", "replace")
            out[callid] = Waiting(callid, self.name, c[_ENTERED], c[_CALLER].decode("utf-8", "replace"))
        return out

    @property
    def waiting_now(self) -> int:
        return len(self.calls)

    def longest_wait_now(self, now: float) -> float:
        """Age of the oldest waiting caller at `now` (0 when nobody waits)."""
        if not self.calls:
            return 0.0
        return max(0.0, now - min(c[_ENTERED] for c in self.calls.values()))

    def bucket(self, t: float, size: float) -> Tally:
        start = (t // size) * size
        b = self.buckets.get(start)
        if b is None:
            b = self.buckets[start] = Tally()
        return b

    def roll(self, t: float) -> None:
        """Close the history minute(s) before `t`; called before the waiting count changes."""
        m = int(t // 60)
        n = len(self.calls)
        if self._hist_min is not None:
            if m < self._hist_min:
                return  # a late line: count it in the current minute
            self._hist.append(self.hist_peak)
            self._hist.extend([n] * min(m - self._hist_min - 1, HISTORY_MINUTES))
        self._hist_min = m
        self.hist_next = (m + 1) * 60
        self.hist_peak = n

    def history(self, now: float | None = None) -> list[int]:
        """Waiting callers per minute (peak in the minute), oldest first, last 60 minutes."""
        out = list(self._hist)
        if self._hist_min is None:
            return [len(self.calls)] if now is not None else []
        out.append(self.hist_peak)
        if now is not None and now >= self.hist_next:
            out.extend([len(self.calls)] * min(int(now // 60) - self._hist_min, HISTORY_MINUTES))
        return out[-HISTORY_MINUTES:]


@dataclass
class Changes:
    """What changed since the previous `take_changes()`; the UI refreshes only these rows."""

    agents: set[str] = field(default_factory=set)
    queues: set[str] = field(default_factory=set)
    escalations: list[Escalation] = field(default_factory=list)
    rejects: bool = False

    def __bool__(self) -> bool:
        return bool(self.agents or self.queues or self.escalations or self.rejects)

    def merge(self, other: Changes) -> None:
        """Fold a later batch of changes into this one."""
        self.agents |= other.agents
        self.queues |= other.queues
        self.escalations.extend(other.escalations)
        self.rejects = self.rejects or other.rejects
