"""`Floor`: folds feed events into seats, queues and calls, and tracks what changed.

Pure Python, no clock: every time comes from the feed or from a `now` argument.

Speed matters here (a 5,000-seat floor's backfill is millions of lines), so the hot path
works on bytes: a block is split into lines, a line into its `|` fields, and the verb
picks a bound method from a dict. No Event, regex or hash per line; names are decoded
once and kept (interned) by their raw bytes. The hot loop itself is in `floor_fast.py`;
the state it folds into (seats, queues, calls) in `floor_model.py`; this module holds the
`Floor` API and the readable handler of every verb. Anything unusual falls to a slow
path (`_slow_line`) that classifies the line with `queue_log.split_fields`. Policies for
orphans, duplicates, out-of-order lines and memory bounds are in docs/feeds.md.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Iterable
from itertools import islice

from floorconsole import jsonl, queue_log
from floorconsole.config import Thresholds
from floorconsole.events import Escalation, Event
from floorconsole.floor_fast import _reclassify, fold_queue_log
from floorconsole.floor_model import (  # re-exported: `from floorconsole.floor import ...`
    _AVAIL,
    _CALLER,
    _CONNECTED,
    _ENDED_GEN,
    _ENTERED,
    _EVICT_FRACTION,
    _OFF,
    _ON_CALL,
    _PAUSED,
    _Q,
    _RINGING,
    _SEAT,
    _WRAP,
    HISTORY_MINUTES,
    MAX_ENDED,
    MAX_FEED_SEATS,
    MAX_LINE,
    MAX_OPEN_CALLS,
    MAX_QUEUES,
    MAX_WAIT_S,
    Call,
    CallRecord,
    Changes,
    Fields,
    QueueState,
    Seat,
    SeatState,
    Waiting,
)
from floorconsole.layout import FloorLayout
from floorconsole.measures import QueueMeasures, Tally, compute, total
from floorconsole.rejects import UNKNOWN_EVENT, Rejects

__all__ = [
    "HISTORY_MINUTES",
    "MAX_ENDED",
    "MAX_FEED_SEATS",
    "MAX_LINE",
    "MAX_OPEN_CALLS",
    "MAX_QUEUES",
    "MAX_WAIT_S",
    "Call",
    "Changes",
    "Floor",
    "QueueState",
    "Seat",
    "SeatState",
    "Waiting",
]


def _durations(p: Fields) -> tuple[int | None, ...]:
    """The durations of split line `p` (queue_log.DURATIONS: the one rule for every path),
    or ValueError, so that a line with a bad number is rejected before it changes anything."""
    got = queue_log.durations(p[4].decode("latin-1"), p[5:])
    if got is None:
        raise ValueError("a duration is missing, not plain digits, negative or over its bound")
    return got


def _may_have_long_line(block: bytes) -> bool:
    """False when no line of `block` can be longer than MAX_LINE (cheap: ~32 finds per MiB).

    A run of more than MAX_LINE bytes without a newline covers a whole aligned window of
    MAX_LINE // 2 bytes, so it is enough to look for a window with no newline in it."""
    w = MAX_LINE // 2
    find = block.find
    return any(find(b"\n", i, i + w) < 0 for i in range(0, len(block) - w + 1, w))


# A verb's handler: True when it knowingly did not apply the line and counted it (its
# one count, see `_order`); None or False when it applied it.
Handler = Callable[[Fields, float], bool | None]


class Floor:
    """Seats, queues and calls folded from a feed; measures over a window.

    `window_start`/`window_end` (Unix seconds, end exclusive): events outside still drive
    state but only events inside count in measures and seat counters. `bucket_s` also
    keeps per-queue tallies in buckets of that many seconds (3600: an hourly table).
    `max_wait_s`: a caller still waiting after this long is dropped when `measures`,
    `measures_total` or `take_changes` are given `now` (anomaly `stale_waiting`; None: never).
    """

    def __init__(
        self,
        thresholds: Thresholds,
        layout: FloorLayout | None = None,
        window_start: float | None = None,
        window_end: float | None = None,
        *,
        feed_format: str = "auto",
        bucket_s: float | None = None,
        max_open_calls: int = MAX_OPEN_CALLS,
        max_wait_s: float | None = MAX_WAIT_S,
    ) -> None:
        if feed_format not in ("auto", "queue_log", "jsonl"):
            raise ValueError(f"feed_format must be auto, queue_log or jsonl, not {feed_format!r}")
        self.thresholds = thresholds
        self.feed_format: str | None = None if feed_format == "auto" else feed_format
        self.window_start = window_start
        self.window_end = window_end
        self.bucket_s = bucket_s
        self.seats: dict[str, Seat] = {}
        self.queues: dict[str, QueueState] = {}
        self.rejects = Rejects()
        self.lines_total = 0
        self.lines_blank = 0
        self.lines_unknown = 0
        self.last_event_time: float | None = None
        self.escalations: deque[Escalation] = deque(maxlen=1000)  # recent, for display
        self._ws = -math.inf if window_start is None else window_start
        self._we = math.inf if window_end is None else window_end
        self._sl = thresholds.sl_threshold_s
        self._rna_ms = thresholds.ring_no_answer_min_s * 1000.0
        # The same bounds as whole numbers, for the hot path's int-to-int comparisons
        # (holdtime and ring time are whole numbers): hold <= 15.5 iff hold <= 15.
        self._sl_int = math.floor(self._sl) if math.isfinite(self._sl) else self._sl
        self._apology = thresholds.apology_wait_s  # answered after this: a call needing an apology
        self._rna_int = math.ceil(self._rna_ms) if math.isfinite(self._rna_ms) else self._rna_ms
        self._wrapup = thresholds.wrapup_s
        self._explicit_wrapup = False  # set once the JSON feed reports wrap-up itself
        self._max_calls = max(10, max_open_calls)
        self._max_wait = max_wait_s
        # No waiting caller can be stale before this time (see `_expire_stale`); a late
        # line may enter an older caller, so it resets this to -inf.
        self._stale_check_at = -math.inf
        self._calls: dict[bytes, CallRecord] = {}
        # Recently ended calls, raw call id -> (caller, end time): the newest generation, and up to 9
        # older ones of _ENDED_GEN each (45,000-50,000 ids in all). Dropping a generation
        # whole is cheaper than deleting ids one by one; read them with `_ended_call`.
        self._ended: dict[bytes, tuple[bytes, float]] = {}
        self._ended_old: deque[dict[bytes, tuple[bytes, float]]] = deque(maxlen=_EVICT_FRACTION - 1)
        self._seats_raw: dict[bytes, Seat] = {}
        self._queues_raw: dict[bytes, QueueState] = {}
        self._texts: dict[bytes, str] = {}  # small interned texts (pause reasons)
        self._feed_seats = 0
        self._last_t: float = -math.inf
        self._wrapping: dict[str, Seat] = {}  # implicit wrap-ups not yet expired
        # Seats changed since the last take_changes: a flag on the seat plus a list, so
        # the hot path pays an attribute test per event instead of a set add.
        self._touched: list[Seat] = []
        self._new_escalations: list[Escalation] = []
        self._ql = self._handlers(include_jsonl=False)
        self._all = self._handlers(include_jsonl=True)
        if layout is not None:
            for place in layout.seats:
                seat = Seat(place.agent, place.name, place.seat_id, set(place.queues), raw=place.agent.encode())
                self.seats[place.agent] = seat
                self._seats_raw[seat.raw] = seat
            names = Counter(p.name for p in layout.seats)
            for place in layout.seats:
                # Asterisk logs the member *name* when one is configured ("JASON SMITH").
                raw_name = place.name.encode()
                if names[place.name] == 1 and raw_name not in self._seats_raw:
                    self._seats_raw[raw_name] = self.seats[place.agent]
            for q in layout.queues:
                self._new_queue(q.encode())

    # ------------------------------------------------------------------ public API

    def feed(self, lines: Iterable[bytes]) -> None:
        """Parse and apply feed data. Each item is one line or a block of complete lines
        (newline-separated; pass big blocks for speed). Never raises on bad input."""
        for item in lines:
            if b"\r" in item:
                item = item.replace(b"\r\n", b"\n")
            parts = item.split(b"\n")
            if item.endswith(b"\n"):
                parts.pop()
            self.lines_total += len(parts)
            if len(item) > MAX_LINE and _may_have_long_line(item) and max(map(len, parts)) > MAX_LINE:
                parts = self._drop_long(parts)
            if b"\x00" in item:
                parts = self._strip_nuls(parts)
            if not item.isascii():
                self._check_utf8(parts)
            if self.feed_format is None:
                parts = self._detect_format(parts)
            if self.feed_format == "queue_log":
                self._fold_queue_log(parts)
            elif self.feed_format == "jsonl":
                self._fold_jsonl(parts)

    def apply(self, event: Event) -> None:
        """Apply one parsed Event (JSON feed, tests, tools); unknown verbs are counted."""
        if not queue_log.time_ok(event.time):
            self.rejects.add("bad_time", queue_log.to_line(event))
            return
        if not event.verb.strip():
            self.rejects.add("bad_fields", queue_log.to_line(event))
            return
        # surrogatepass: a lone surrogate in a name must not raise; it shows as U+FFFD.
        p = [b""] + [s.encode("utf-8", "surrogatepass") for s in (event.callid, event.queue, event.agent, event.verb)]
        p += [d.replace("|", "_").encode("utf-8", "surrogatepass") for d in event.data] or [b""]
        h = self._all.get(p[4])
        if h is None:
            self._unknown(p, event.time)
            self._order(p, event.time, True)
            return
        try:
            skipped = h(p, event.time)
        except Exception:  # noqa: BLE001 - validated before any change: one bad line, one reject
            self.rejects.add("bad_fields", queue_log.to_line(event))
            return
        self._order(p, event.time, skipped)

    @property
    def lines_parsed(self) -> int:
        """Well-formed lines with a verb the floor interprets (duplicates included)."""
        return self.lines_total - self.lines_blank - self.lines_unknown - self.rejects.malformed

    @property
    def lines_malformed(self) -> int:
        return self.rejects.malformed

    @property
    def open_calls(self) -> int:
        """Calls with no outcome yet (bounded by `max_open_calls`)."""
        return len(self._calls)

    def call(self, callid: str) -> Call | None:
        """The open call with this id (waiting or connected), if any."""
        c = self._calls.get(callid.encode())
        if c is None:
            return None
        seat = c[_SEAT]
        caller = c[_CALLER].decode("utf-8", "replace")
        return Call(callid, c[_Q].name, c[_ENTERED], caller, seat and seat.agent, c[_CONNECTED])

    def set_window(self, start: float, end: float | None = None) -> None:
        """A new shift: measures and seat counters restart; live state carries on."""
        self.window_start, self.window_end = start, end
        self._ws = start
        self._we = math.inf if end is None else end
        for q in self.queues.values():
            q.tally = Tally()
            q.buckets = {}
            q.dirty = True
        for s in self.seats.values():
            s.answered = s.ring_no_answer = s.escalations = 0
            s.talk_s = s.wrapup_s = 0
            self._touch(s)

    def measures(self, queue: str, now: float) -> QueueMeasures:
        """DOMAIN.md measures of one queue over the window; a queue never seen gives zeros."""
        self._expire_stale(now)
        q = self.queues.get(queue)
        if q is None:
            return compute(queue, Tally())
        return compute(queue, q.tally, q.waiting_now, q.longest_wait_now(now))

    def measures_total(self, now: float) -> QueueMeasures:
        """Floor-wide measures: every queue's counts added up (queue name "*")."""
        self._expire_stale(now)
        qs = list(self.queues.values())
        waiting = sum(q.waiting_now for q in qs)
        longest = max((q.longest_wait_now(now) for q in qs), default=0.0)
        return compute("*", total(q.tally for q in qs), waiting, longest)

    def bucket_measures(self, queue: str | None = None) -> dict[float, QueueMeasures]:
        """Measures per bucket start (needs `bucket_s`); `queue=None`: floor-wide.

        Waiting-now fields are 0 in buckets: they describe the present, not an hour."""
        qs = list(self.queues.values()) if queue is None else [self.queues[queue]] if queue in self.queues else []
        starts = sorted({b for q in qs for b in q.buckets})
        name = "*" if queue is None else queue
        return {b: compute(name, total(q.buckets[b] for q in qs if b in q.buckets)) for b in starts}

    def seat_state_at(self, seat: Seat, now: float) -> SeatState:
        """The seat's state at `now`: an implicit wrap-up ends `wrapup_s` after the call."""
        if seat.state is _WRAP and seat.wrap_until is not None and now >= seat.wrap_until:
            return _AVAIL
        return seat.state

    def seat_since_at(self, seat: Seat, now: float) -> float | None:
        """Since when the seat has been in `seat_state_at(seat, now)`."""
        if seat.state is _WRAP and seat.wrap_until is not None and now >= seat.wrap_until:
            return seat.wrap_until
        return seat.since

    def waiting_history(self, queue: str, now: float | None = None) -> list[int]:
        """Waiting callers per minute in `queue` over the last 60 minutes, oldest first."""
        q = self.queues.get(queue)
        return [] if q is None else q.history(now)

    def take_changes(self, now: float | None = None) -> Changes:
        """What changed since the previous call. With `now`, seats whose implicit wrap-up
        has run out by then become AVAILABLE and are reported too, and stale waiting
        callers are dropped (see `max_wait_s`)."""
        if now is not None:
            self._expire_stale(now)
        if now is not None and self._wrapping:
            for agent, seat in list(self._wrapping.items()):
                if seat.state is not _WRAP or seat.wrap_until is None:
                    del self._wrapping[agent]
                elif now >= seat.wrap_until:
                    seat.state, seat.since, seat.wrap_until = _AVAIL, seat.wrap_until, None
                    del self._wrapping[agent]
                    self._touch(seat)
        queues = set()
        for q in self.queues.values():
            if q.dirty:
                queues.add(q.name)
                q.dirty = False
        agents = set()
        for seat in self._touched:
            agents.add(seat.agent)
            seat.dirty = False
        self._touched.clear()  # the same list: the hot loop holds its append method
        out = Changes(agents, queues, self._new_escalations, self.rejects.changed)
        self._new_escalations = []
        self.rejects.changed = False
        return out

    # ------------------------------------------------------------------ block handling

    def _fold_queue_log(self, lines: list[bytes]) -> None:
        fold_queue_log(self, lines)  # the hot loop, in floor_fast.py

    def _late(self, p: Fields, t: int, last: float) -> None:
        # A line earlier than the latest (`last`): applied anyway, and counted
        # (docs/feeds.md); unless the handler knowingly did not apply it (a duplicate, an
        # unknown verb), which is then its one count. The handler sees `_last_t` = `last`
        # so it can tell a late line (a repeated ENTERQUEUE) from one in order.
        self._last_t = last
        if not self._ql.get(p[4], _reclassify)(p, t):
            self.rejects.add("out_of_order", b"|".join(p))
            self._stale_check_at = -math.inf  # it may have entered an older caller

    def _expire_stale(self, now: float) -> None:
        """Drop callers waiting longer than `max_wait_s` at `now`: their outcome line was
        lost, and "longest wait now" must not grow for ever. A later outcome line for one
        of them is an orphan (applied and counted, docs/feeds.md)."""
        if self._max_wait is None or now < self._stale_check_at:
            return
        cutoff = now - self._max_wait
        oldest = math.inf
        for q in self.queues.values():
            w = q.calls
            if not w:
                continue
            stale = [callid for callid, c in w.items() if c[_ENTERED] < cutoff]
            if stale:
                # They left the waiting history when they went stale, not now: otherwise a
                # caller lost hours ago would fill the last hour's sparkline.
                gone_at = min(w[callid][_ENTERED] for callid in stale) + self._max_wait
                if gone_at >= q.hist_next:
                    q.roll(gone_at)
                for callid in stale:
                    del w[callid]
                    del self._calls[callid]
                q.dirty = True
                first = stale[0].decode("utf-8", "replace")
                self.rejects.add(
                    "stale_waiting",
                    f"{len(stale)} caller(s) in {q.name} waiting over {self._max_wait:g} s, e.g. {first}",
                    n=len(stale),
                )
            for c in w.values():
                if c[_ENTERED] < oldest:
                    oldest = c[_ENTERED]
        # Callers entered from now on (in time order) are no older than the latest line.
        self._stale_check_at = min(oldest, self._last_t) + self._max_wait

    def _slow_line(self, line: bytes) -> None:
        got = queue_log.split_fields(line)
        if got == queue_log.BLANK:
            self.lines_blank += 1
            return
        if isinstance(got, str):
            self.rejects.add(got, line)
            return
        p, t = got
        if len(p) > 5:
            p[5:] = p[5].split(b"|")
        h = self._ql.get(p[4])
        skipped: bool | None
        if h is None:
            skipped = self._unknown(p, t)
        else:
            try:
                skipped = h(p, t)
            except Exception:  # noqa: BLE001
                self.rejects.add("bad_fields", line)
                return
        self._order(p, t, skipped)

    def _order(self, p: Fields, t: float, skipped: bool | None = None) -> None:
        # `skipped`: the handler knowingly did not apply the line and counted it (once).
        if t < self._last_t:
            if not skipped:
                self.rejects.add("out_of_order", b"|".join(p))
                self._stale_check_at = -math.inf  # it may have entered an older caller
        else:
            self._last_t = t
            self.last_event_time = t

    def _fold_jsonl(self, lines: list[bytes]) -> None:
        for line in lines:
            try:
                ev = jsonl.parse_line(line)
            except Exception:  # noqa: BLE001 - feed() never raises: one bad line costs one line
                ev = "bad_json"
            if isinstance(ev, str):
                if ev == queue_log.BLANK:
                    self.lines_blank += 1
                else:
                    self.rejects.add(ev, line)
                continue
            try:
                self.apply(ev)
            except Exception:  # noqa: BLE001 - feed() never raises: one bad line costs one line
                self.rejects.add("bad_fields", line)

    def _detect_format(self, lines: list[bytes]) -> list[bytes]:
        # Decided by the first non-blank line; blank lines before it are counted here.
        for i, line in enumerate(lines):
            s = line.strip().lstrip(b"\xef\xbb\xbf")
            if s:
                self.feed_format = "jsonl" if s.startswith(b"{") else "queue_log"
                return lines[i:]
            self.lines_blank += 1
        return []

    def _drop_long(self, lines: list[bytes]) -> list[bytes]:
        keep = []
        for line in lines:
            if len(line) > MAX_LINE:
                self.rejects.add("too_long", line)
            else:
                keep.append(line)
        return keep

    def _strip_nuls(self, lines: list[bytes]) -> list[bytes]:
        # NUL runs appear after a crash (preallocated blocks); drop them, keep the rest.
        keep = []
        for line in lines:
            if b"\x00" in line:
                cleaned = line.replace(b"\x00", b"")
                if not cleaned.strip():
                    self.rejects.add("nul_bytes", line)
                    continue
                self.rejects.add("nul_stripped", line)
                line = cleaned
            keep.append(line)
        return keep

    def _check_utf8(self, lines: list[bytes]) -> None:
        # Only for blocks that are not pure ASCII; the line is still applied, its text
        # fields shown with U+FFFD.
        for line in lines:
            if not line.isascii():
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    self.rejects.add("non_utf8", line)

    # ------------------------------------------------------------------ lookups

    def _new_seat(self, raw: bytes) -> Seat | None:
        if raw == b"NONE" or not raw.strip():
            return None  # "NONE" is the agent field of caller-side lines, not a seat
        seat = self._seats_raw.get(raw)
        if seat is not None:
            return seat
        if self._feed_seats >= MAX_FEED_SEATS:
            raise ValueError("too many agents")  # -> bad_fields; bounded memory wins
        agent = raw.decode("utf-8", "replace")
        seat = self.seats.get(agent)
        if seat is None:
            seat = self.seats[agent] = Seat(agent, agent, None, raw=raw)
            self._feed_seats += 1
            self._touch(seat)
        self._seats_raw[raw] = seat
        return seat

    def _new_queue(self, raw: bytes) -> QueueState:
        q = self._queues_raw.get(raw)
        if q is not None:
            return q
        if len(self.queues) >= MAX_QUEUES:
            raise ValueError("too many queues")
        name = raw.decode("utf-8", "replace")
        q = self.queues.get(name)
        if q is None:
            q = self.queues[name] = QueueState(name, raw, 1 << len(self.queues))
        self._queues_raw[raw] = q
        return q

    def _touch(self, seat: Seat) -> None:
        if not seat.dirty:
            seat.dirty = True
            self._touched.append(seat)

    def _text(self, raw: bytes) -> str:
        s = self._texts.get(raw)
        if s is None:
            s = raw.decode("utf-8", "replace")
            if len(self._texts) < 4096:
                self._texts[raw] = s
        return s

    def _evict_calls(self) -> None:
        n = max(1, self._max_calls // _EVICT_FRACTION)
        calls = self._calls
        victims = list(islice(calls, n))
        for raw in victims:
            q = calls.pop(raw)[_Q]
            q.calls.pop(raw, None)
            q.dirty = True
        self.rejects.add("evicted_calls", b"oldest open call ids dropped: " + victims[0], n=len(victims))

    def _end_id(self, callid: bytes, caller: bytes, t: float) -> None:
        ended = self._ended
        ended[callid] = (caller, t)
        if len(ended) >= _ENDED_GEN:
            self._rotate_ended()

    def _rotate_ended(self) -> None:
        # The newest generation is full: it becomes an old one (the oldest drops out).
        # `_ended` stays the same dict object: the hot loop holds it in a local.
        self._ended_old.append(self._ended.copy())
        self._ended.clear()

    def _ended_call(self, callid: bytes) -> tuple[bytes, float] | None:
        """(caller, time of the outcome) of a recently ended call, or None."""
        c = self._ended.get(callid)
        if c is None:
            for gen in reversed(self._ended_old):
                c = gen.get(callid)
                if c is not None:
                    break
        return c

    def _ended_caller(self, callid: bytes) -> bytes | None:
        """The caller of a recently ended call (b"" when unknown), None if not ended."""
        c = self._ended_call(callid)
        return None if c is None else c[0]

    def _anomaly(self, reason: str, p: Fields) -> None:
        self.rejects.add(reason, b"|".join(p))

    def _skip(self, reason: str, p: Fields) -> bool:
        """Count a line that is knowingly not applied (its one count); handlers return it."""
        self.rejects.add(reason, b"|".join(p))
        return True

    # ------------------------------------------------------------------ verb handlers
    # `p` is the line split on every "|": p[0..4] time, callid, queue, agent, verb, then
    # the data fields from p[5]. Each handler reads everything it needs before it changes
    # anything, so a line that raises leaves no trace and is classified by the slow path.
    # The hot handlers (ENTERQUEUE, CONNECT, COMPLETE*, RINGNOANSWER) are written out
    # inline on purpose: a helper call per line is a measurable share of the budget.

    def _handlers(self, include_jsonl: bool) -> dict[bytes, Handler]:
        table: dict[str, Handler] = {
            "ENTERQUEUE": self._h_enterqueue,
            "CONNECT": self._h_connect,
            "COMPLETEAGENT": self._end_call,
            "COMPLETECALLER": self._end_call,
            "TRANSFER": self._end_call,
            "BLINDTRANSFER": self._end_call,
            "ATTENDEDTRANSFER": self._end_call,
            "ABANDON": self._h_abandon,
            "EXITEMPTY": self._h_exit,
            "EXITWITHTIMEOUT": self._h_exit,
            "EXITWITHKEY": self._h_exit,
            "RINGNOANSWER": self._h_ringnoanswer,
            "RINGCANCELED": self._h_ringcanceled,
            "ADDMEMBER": self._h_addmember,
            "REMOVEMEMBER": self._h_removemember,
            "PAUSE": self._h_pause,
            "PAUSEALL": self._h_pause,
            "UNPAUSE": self._h_unpause,
            "UNPAUSEALL": self._h_unpause,
            "AGENTLOGIN": self._h_login,
            "AGENTCALLBACKLOGIN": self._h_login,
            "AGENTLOGOFF": self._h_logoff,
            "AGENTCALLBACKLOGOFF": self._h_logoff,
            "ESCALATE": self._h_escalate,
        }
        for verb in ("QUEUESTART", "CONFIGRELOAD", "SYSCOMPAT", "PENALTY", "DID", "INFO", "AGENTDUMP", "FLOORTAKEOVER"):
            table[verb] = self._h_ignore
        if include_jsonl:
            table.update({"RINGING": self._h_ringing, "WRAPUP": self._h_wrapup, "WRAPUPEND": self._h_wrapupend})
        return {k.encode(): v for k, v in table.items()}

    def _unknown(self, p: Fields, t: float) -> bool:
        if not p[4].strip():
            raise ValueError("empty verb")
        self.lines_unknown += 1
        self.rejects.add(UNKNOWN_EVENT, b"|".join(p))
        return True

    def _h_ignore(self, p: Fields, t: float) -> None:
        pass

    def _h_enterqueue(self, p: Fields, t: float) -> bool | None:
        # url|callerid[|position[|cidname]]
        caller = p[6] if len(p) > 6 else b""
        callid = p[1]
        q = self._queues_raw.get(p[2]) or self._new_queue(p[2])
        calls = self._calls
        old = calls.get(callid)
        # A late line (earlier than the latest) for a call that already ended, or already
        # connected, no later than that: a repeated line (a block written twice), whose
        # call was counted once already. In order, it is the call entering a queue again
        # (failover after a timeout, a transfer back into a queue): a new visit.
        late = t < self._last_t
        if old is None:
            if late:
                e = self._ended_call(callid)
                if e is not None and t <= e[1]:
                    return self._skip("duplicate", p)
        elif old[_CONNECTED] is None:
            if old[_Q] is q:
                return self._skip("duplicate", p)
        elif late and t <= old[_CONNECTED]:
            return self._skip("duplicate", p)
        c = [q, t, caller, None, None]
        # (A connected call entering a queue again was transferred back into one: nothing to undo.)
        if old is not None and old[_CONNECTED] is None:
            # Moved to another queue without an outcome line for the first one.
            old[_Q].calls.pop(callid, None)
            old[_Q].dirty = True
            self._anomaly("missing_outcome", p)
        calls[callid] = c
        if t >= q.hist_next:
            q.roll(t)
        w = q.calls
        w[callid] = c
        if len(w) > q.hist_peak:
            q.hist_peak = len(w)
        if len(calls) > self._max_calls:
            self._evict_calls()
        if self._ws <= t < self._we:
            q.tally.offered += 1
            if self.bucket_s:
                q.bucket(t, self.bucket_s).offered += 1
        q.dirty = True
        return None

    def _h_connect(self, p: Fields, t: float) -> bool | None:
        # holdtime[|bridged_uniqueid[|ringtime_s]]
        hold = _durations(p)[0]
        assert hold is not None  # required for CONNECT: _durations raised if it was missing
        callid = p[1]
        q = self._queues_raw.get(p[2]) or self._new_queue(p[2])
        seat = self._seats_raw.get(p[3]) or self._new_seat(p[3])
        c = self._calls.get(callid)
        if c is None:
            if self._ended_call(callid) is not None:
                return self._skip("duplicate", p)
            # Orphan: its ENTERQUEUE is before the feed/backfill start or was lost. The
            # CONNECT carries its holdtime, so it still counts as answered.
            self._anomaly("orphan", p)
            c = self._calls[callid] = [q, t - hold, b"", None, None]
            if len(self._calls) > self._max_calls:
                self._evict_calls()
        elif c[_CONNECTED] is not None:
            return self._skip("duplicate", p)
        else:
            wq = c[_Q]
            if t >= wq.hist_next:
                wq.roll(t)
            del wq.calls[callid]
            if wq is not q:
                wq.dirty = True
        c[_CONNECTED] = t
        c[_SEAT] = seat
        entered = c[_ENTERED]  # counted in the window the call entered in (an orphan: t - hold)
        if self._ws <= entered < self._we:
            tl = q.tally
            tl.answered += 1
            tl.answer_wait_sum += hold
            if hold <= self._sl:
                tl.within_sl += 1
            if hold > tl.max_wait:
                tl.max_wait = hold
            if hold > self._apology:
                tl.past_apology += 1
            if self.bucket_s:
                q.bucket(entered, self.bucket_s).answer(hold, self._sl, self._apology)
            if seat is not None:
                seat.answered += 1
        q.dirty = True
        if seat is not None:
            prev = seat.call_raw
            if prev is not None and prev != callid and seat.state is _ON_CALL:
                # The seat's previous call never logged its end; forget it.
                old = self._calls.get(prev)
                if old is not None and old[_SEAT] is seat:
                    del self._calls[prev]
                self._anomaly("missing_end", p)
            seat.state = _ON_CALL
            seat.since = t
            seat.call_raw = callid
            seat.call_start = t
            seat.wrap_until = None
            if q.name not in seat.queues:
                seat.queues.add(q.name)
            self._touch(seat)
        return None

    def _end_call(self, p: Fields, t: float) -> bool | None:
        # An answered call ended; its calltime is the talk time AHT averages:
        # COMPLETEAGENT/COMPLETECALLER  holdtime|calltime|origposition
        # TRANSFER/BLINDTRANSFER        exten|context|holdtime|calltime[|origposition]
        # ATTENDEDTRANSFER              BRIDGE|id, APP|app or LINK|chan1|chan2, then
        #                               holdtime|calltime|origposition (read from the end)
        # (queue_log.DURATIONS knows where each verb keeps them: holdtime, calltime.)
        talk = _durations(p)[1]
        assert talk is not None  # required for every verb here: _durations raised if missing
        callid = p[1]
        q = self._queues_raw.get(p[2]) or self._new_queue(p[2])
        seat = self._seats_raw.get(p[3]) or self._new_seat(p[3])
        calls = self._calls
        c = calls.get(callid)
        on_seat = seat is not None and seat.call_raw == callid
        if c is not None and c[_CONNECTED] is not None:
            del calls[callid]
            self._end_id(callid, c[_CALLER], t)
        elif not on_seat:
            if self._ended_call(callid) is not None:
                return self._skip("duplicate", p)
            # Orphan end: its CONNECT is before the feed start. The line carries its
            # calltime, so it still counts in AHT.
            self._anomaly("orphan", p)
            self._end_id(callid, b"", t)
        # counted in the window the call entered in; an orphan end, by its own time
        entered = c[_ENTERED] if c is not None else t
        if self._ws <= entered < self._we:
            tl = q.tally
            tl.handled += 1
            tl.talk_sum += talk
            if self.bucket_s:
                q.bucket(entered, self.bucket_s).ended(talk)
            if seat is not None:
                seat.talk_s += talk
        q.dirty = True
        if seat is not None:
            if on_seat:
                seat.call_raw = seat.call_start = None
                seat.since = t
                if seat.pause_pending:
                    seat.state = _PAUSED
                    seat.pause_pending = False
                elif self._explicit_wrapup:
                    seat.state = _WRAP
                    seat.wrap_until = None
                elif self._wrapup > 0:
                    seat.state = _WRAP
                    seat.wrap_until = t + self._wrapup
                    self._wrapping[seat.agent] = seat
                else:
                    seat.state = _AVAIL
            self._touch(seat)
        return None

    def _h_abandon(self, p: Fields, t: float) -> bool | None:
        # position|origposition|waittime (waittime None: absent or empty, older layouts)
        return self._unanswered(p, t, _durations(p)[0], True)

    def _h_exit(self, p: Fields, t: float) -> bool | None:
        # EXITEMPTY / EXITWITHTIMEOUT: position[|origposition|waittime] (old: position only)
        # EXITWITHKEY: key|position[|origposition|waittime]
        return self._unanswered(p, t, _durations(p)[0], False)

    def _unanswered(self, p: Fields, t: float, wait: float | None, abandoned: bool) -> bool | None:
        callid = p[1]
        q = self._queues_raw.get(p[2]) or self._new_queue(p[2])
        c = self._calls.get(callid)
        if c is not None and c[_CONNECTED] is None:
            wq = c[_Q]
            if t >= wq.hist_next:
                wq.roll(t)
            del self._calls[callid]
            del wq.calls[callid]
            self._end_id(callid, c[_CALLER], t)
            wq.dirty = True
            if wait is None:  # old layouts without waittime: from the ENTERQUEUE time
                wait = max(0, t - c[_ENTERED])
            entered = c[_ENTERED]
        elif c is not None:
            return self._skip("outcome_after_connect", p)
        else:
            if self._ended_call(callid) is not None:
                return self._skip("duplicate", p)
            self._anomaly("orphan", p)
            self._end_id(callid, b"", t)
            if wait is None:
                wait = 0
            entered = t - wait
        if self._ws <= entered < self._we:  # counted in the window the call entered in
            tl = q.tally
            if abandoned:
                tl.abandoned += 1
            else:
                tl.exited += 1
            if wait > tl.max_wait:
                tl.max_wait = wait
            if self.bucket_s:
                q.bucket(entered, self.bucket_s).unanswered(wait, abandoned)
        q.dirty = True
        return None

    def _h_ringnoanswer(self, p: Fields, t: float) -> None:
        ms = _durations(p)[0]  # milliseconds (CONNECT's ring time is in seconds)
        assert ms is not None  # required for RINGNOANSWER: _durations raised if it was missing
        seat = self._seats_raw.get(p[3]) or self._new_seat(p[3])
        if seat is None:
            return
        st = seat.state
        if st is _RINGING or st is _OFF:
            self._ring_ended(seat, t)
        q = self._queues_raw.get(p[2]) or self._new_queue(p[2])
        if q.name not in seat.queues:  # static members never log ADDMEMBER
            seat.queues.add(q.name)
            self._touch(seat)
        # Ring-all queues log 0-2 s RINGNOANSWERs for every member: noise, not a finding.
        if ms >= self._rna_ms and self._ws <= t < self._we:
            seat.ring_no_answer += 1
            self._touch(seat)

    def _h_ringcanceled(self, p: Fields, t: float) -> None:
        _durations(p)  # validate only: another member answered, not this agent's fault
        seat = self._seats_raw.get(p[3]) or self._new_seat(p[3])
        if seat is None:
            return
        if seat.state is _RINGING or seat.state is _OFF:
            self._ring_ended(seat, t)
        q = self._new_queue(p[2])
        if q.name not in seat.queues:
            seat.queues.add(q.name)
            self._touch(seat)

    def _ring_ended(self, seat: Seat, t: float) -> None:
        # A ring shows the member is logged in (static members never log ADDMEMBER),
        # so a LOGGED_OFF seat becomes AVAILABLE; a RINGING one is available again.
        if seat.state is _RINGING:
            seat.call_raw = None
        seat.state, seat.since = _AVAIL, t
        self._touch(seat)

    def _h_addmember(self, p: Fields, t: float) -> None:
        seat = self._new_seat(p[3])
        if seat is None:
            return
        paused = len(p) > 5 and p[5].strip().upper() == b"PAUSED"
        if p[2] != b"NONE":
            seat.queues.add(self._new_queue(p[2]).name)
        if seat.state is _OFF:
            seat.state, seat.since = (_PAUSED if paused else _AVAIL), t
        self._touch(seat)

    def _h_removemember(self, p: Fields, t: float) -> None:
        seat = self._new_seat(p[3])
        if seat is None:
            return
        seat.queues.discard(self._text(p[2]))
        seat.qbits = 0  # forget what the hot path knew; it looks in the set again
        if not seat.queues and seat.state is not _ON_CALL:
            self._log_off(seat, t)
        self._touch(seat)

    def _h_login(self, p: Fields, t: float) -> None:
        seat = self._new_seat(p[3])
        if seat is None:
            return
        if p[2] != b"NONE":
            seat.queues.add(self._new_queue(p[2]).name)
        if seat.state is _OFF:
            seat.state, seat.since = _AVAIL, t
        self._touch(seat)

    def _h_logoff(self, p: Fields, t: float) -> None:
        seat = self._new_seat(p[3])
        if seat is not None:
            self._log_off(seat, t)

    def _log_off(self, seat: Seat, t: float) -> None:
        seat.state, seat.since = _OFF, t
        seat.call_raw = seat.call_start = seat.wrap_until = None
        seat.pause_pending, seat.pause_reason = False, ""
        self._touch(seat)

    def _h_pause(self, p: Fields, t: float) -> None:
        # reason (1.8+); PAUSEALL has queue NONE
        seat = self._seats_raw.get(p[3]) or self._new_seat(p[3])
        if seat is None:
            return
        reason = self._text(b"|".join(p[5:])) if len(p) > 5 else ""
        seat.pause_reason = reason
        if seat.state is _ON_CALL:
            seat.pause_pending = True  # stays ON_CALL until the call ends, then PAUSED
        elif seat.state is not _PAUSED:
            # Asterisk logs one PAUSE per queue: only the first one starts the clock.
            seat.state, seat.since, seat.wrap_until = _PAUSED, t, None
        self._touch(seat)

    def _h_unpause(self, p: Fields, t: float) -> None:
        seat = self._seats_raw.get(p[3]) or self._new_seat(p[3])
        if seat is None:
            return
        seat.pause_pending = False
        if seat.state is _PAUSED or seat.state is _OFF:
            seat.state, seat.since, seat.pause_reason = _AVAIL, t, ""
        self._touch(seat)

    def _h_escalate(self, p: Fields, t: float) -> None:
        # reason|priority (custom verb written by the dialplan's QueueLog())
        data = tuple(x.decode("utf-8", "replace") for x in p[5:7])
        seat = self._seats_raw.get(p[3]) or self._new_seat(p[3])
        callid = p[1]
        c = self._calls.get(callid)
        caller = c[_CALLER] if c is not None else (self._ended_caller(callid) or b"")
        dec = self._text
        ev = Event(t, callid.decode("utf-8", "replace"), dec(p[2]), dec(p[3]), "ESCALATE", data)
        esc = Escalation(ev, caller.decode("utf-8", "replace") or None)
        self._new_escalations.append(esc)
        self.escalations.append(esc)
        if seat is not None:
            if self._ws <= t < self._we:
                seat.escalations += 1
            self._touch(seat)

    # JSON-lines only ----------------------------------------------------------

    def _h_ringing(self, p: Fields, t: float) -> None:
        seat = self._new_seat(p[3])
        if seat is None or seat.state is _ON_CALL:
            return
        seat.state, seat.since, seat.call_raw = _RINGING, t, p[1]
        self._touch(seat)

    def _h_wrapup(self, p: Fields, t: float) -> None:
        self._explicit_wrapup = True
        seat = self._new_seat(p[3])
        if seat is None:
            return
        if seat.state is not _WRAP or seat.wrap_until is not None:
            seat.state, seat.since, seat.wrap_until = _WRAP, t, None
            seat.call_raw = seat.call_start = None
        self._touch(seat)

    def _h_wrapupend(self, p: Fields, t: float) -> None:
        self._explicit_wrapup = True
        seat = self._new_seat(p[3])
        if seat is None or seat.state is not _WRAP:
            return
        if seat.since is not None and self._ws <= t < self._we:
            seat.wrapup_s += max(0, t - seat.since)
        seat.state, seat.since, seat.wrap_until = (_PAUSED if seat.pause_pending else _AVAIL), t, None
        seat.pause_pending = False
        self._touch(seat)
