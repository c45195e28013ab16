"""FloorEngine: one Floor fed from one feed file by a worker thread, read under a lock.

The worker backfills from the start of the current shift (rotated files included, with
progress), then follows the live file (`floorconsole.tail.FileFollower`).

Push, not poll: after each applied batch (and at least once a second, for timers such as
the end of wrap-up) the worker turns what changed into a `views.FloorUpdate` (changed
seats and queues as plain values, the feed status, the rejects when they moved) and hands
it to every subscriber on its own thread; the console posts it as a message. New feed
escalations go to the `on_escalations` sink (the records), whether or not a console is
open. While backfilling only the progress is published, at most 5 times a second, and the
whole floor once the backfill is applied.

Nothing kills the worker: a line the Floor chokes on is skipped and shown, an I/O error
is shown and the follower is restarted from the exact position it had reached. An outage
of the feed (directory unreadable, gone, back) keeps that position, so nothing is read
twice; the state says "unreadable" / "missing file" meanwhile.

With `position_file`, the position is also persisted (atomically, at most about once a
second, and on stop). The Floor lives in memory, so a restart still rebuilds it from the
shift start (exact: it starts from zero); the persisted position tells consumers with
durable state how far the previous run got (`previous_position`,
`replaying_previous_run`). See docs/feeds.md, "Rotation, outages and the feed position".
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorconsole.config import Config
from floorconsole.feedpos import PositionFile
from floorconsole.shifts import shift_at_epoch
from floorconsole.tail import FileFollower, Position, Progress, has_head, same_head
from floorconsole.views import FeedStatus, FloorUpdate, queue_view, seat_view

if TYPE_CHECKING:  # floor.py imports no I/O; imported lazily so tail-only users stay light
    from floorconsole.events import Escalation
    from floorconsole.floor import Floor
    from floorconsole.layout import FloorLayout

RETRY_S = 1.0  # pause after an error before the follower is restarted
BACKFILL_GC_GEN0 = 50_000  # the cyclic GC's first threshold while a backfill runs (default 700)
BLOCK_LINES = 2048  # batches this big are fed as blocks (backfill); smaller ones line by line
PROGRESS_EVERY_S = 0.2  # while backfilling, the header's progress is pushed this often at most

_gc_lock = threading.Lock()
_gc_backfills = 0  # engines of this process backfilling now
_gc_saved: tuple[int, int, int] | None = None


def _backfill_gc(starting: bool) -> None:
    """While a backfill runs, the cyclic GC looks less often: the fold allocates millions of
    short-lived objects that are not cycles, and each young collection also walks the
    console's widgets (15-25 % of a refold, measured). The thresholds are restored when the
    last backfilling engine of the process is caught up (or stops)."""
    import gc

    global _gc_backfills, _gc_saved
    with _gc_lock:
        if starting:
            if _gc_backfills == 0:
                _gc_saved = gc.get_threshold()
                gc.set_threshold(max(_gc_saved[0], BACKFILL_GC_GEN0), *_gc_saved[1:])
            _gc_backfills += 1
        elif _gc_backfills > 0:
            _gc_backfills -= 1
            if _gc_backfills == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


Subscriber = Callable[[FloorUpdate], None]
EscalationSink = Callable[["list[Escalation]"], None]


@dataclass(frozen=True)
class FeedHealth:
    """What the header shows about the feed; a snapshot, safe to keep."""

    path: Path
    # "backfilling", "catching up", "live", "missing file", "unreadable",
    # "not a regular file" or "error: ..."; "live" only once a batch read at the end of
    # the feed has been applied after the backfill
    state: str
    message: str  # one line for a person, e.g. "waiting for /var/log/asterisk/queue_log"
    lag_bytes: int  # bytes written to the feed but not yet applied
    last_event_time: float | None
    reject_counts: dict[str, int] = field(default_factory=dict)
    last_rejects: list[tuple[str, str]] = field(default_factory=list)
    last_error: str | None = None  # the worker's last error, kept after it recovered
    lines_applied: int = 0
    caught_up: bool = False  # the backfill and what piled up meanwhile are applied


class FloorEngine:
    """Owns a Floor and the thread that feeds it (see the module docstring)."""

    def __init__(
        self,
        config: Config,
        feed_path: str | Path,
        *,
        clock: Callable[[], float],
        layout: FloorLayout | None = None,
        position_file: str | Path | None = None,
        on_escalations: EscalationSink | None = None,
        snapshot_in: str | Path | None = None,
        snapshot_out: str | Path | None = None,
        snapshot_every_s: float = 5.0,
    ) -> None:
        """`position_file`: where to persist the feed position (None: not persisted);
        `feedpos.position_file_for(config.db_path, feed_path)` is the usual place.
        `on_escalations`: called on the worker thread with each batch's new feed
        escalations (`floorconsole.feed_escalation.recorder` writes them to the records).
        `snapshot_in`: start from the floor `watch` saved there, when it is this feed's and
        this shift's (`floorconsole.snapshot`); `snapshot_out`: save the floor there every
        `snapshot_every_s` seconds once caught up, and on stop (what `watch` does)."""
        from floorconsole.floor import Floor  # late: keeps `import engine` cheap

        self.config = config
        self.feed_path = Path(feed_path)
        self.clock = clock
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        window = shift_at_epoch(config.shifts, clock())
        self._window_start = window.start.timestamp()
        self._window_end = window.end.timestamp()
        self._floor: Floor = Floor(
            config.thresholds,
            layout,
            window_start=self._window_start,
            window_end=self._window_end,
            feed_format=config.feed_format,
        )
        self._follower: FileFollower | None = None
        self._position: Position | None = None
        self._state = "backfilling"
        self._lag = 0
        self._last_error: str | None = None
        self._error_now: str | None = None
        self._last_line_time: float | None = None
        self._lines_applied = 0
        self._caught_up = False
        self._problem: str | None = None  # the follower's reason the feed cannot be read
        self._saver = PositionFile(position_file, self.feed_path) if position_file else None
        # how far the previous run got; the lines before it are being applied again
        self.previous_position: Position | None = self._saver.load() if self._saver else None
        self._replaying = self.previous_position is not None
        self._subscribers: list[Subscriber] = []
        self._on_escalations = on_escalations
        self._last_progress = 0.0
        self._last_minute = -1
        self._published_live = False
        self._sink_error: str | None = None
        self._snapshot_in = Path(snapshot_in) if snapshot_in else None
        self._snapshot_out = Path(snapshot_out) if snapshot_out else None
        self._snapshot_every_s = snapshot_every_s
        self._last_snapshot = 0.0
        self.snapshot_note = ""  # why the snapshot was or was not used (shown by `watch`, tests)
        self._gc_raised = False  # this engine holds the GC's backfill thresholds (_backfill_gc)

    def subscribe(self, subscriber: Subscriber) -> None:
        """Have `subscriber(update)` called with every `FloorUpdate` from now on.

        It runs on the engine's thread and must only hand the update on (Textual's
        `post_message` is thread-safe); call before `start()` to get the whole floor."""
        self._subscribers.append(subscriber)

    def report_problem(self, text: str) -> None:
        """Record a problem of a consumer (e.g. the records refused a feed escalation):
        it is shown with the feed's health as the last error."""
        self._sink_error = text

    # ---- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker thread (backfill, then live)."""
        if self._thread is not None:
            raise RuntimeError("engine already started")
        self._thread = threading.Thread(target=self._run, name="floor-feed", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the worker and wait for it (it notices within milliseconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # ---- reading, from any thread ---------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[Floor]:
        """The Floor, under the engine's lock; keep the block short (the feed waits)."""
        with self._lock:
            yield self._floor

    @property
    def progress(self) -> Progress:
        """Backfill progress (bytes of the backlog found at start). Not `finished` until the
        first batch after the backfill is applied: the follower finishing its reading is
        not the Floor being up to date."""
        f = self._follower
        if f is None:
            return Progress(0, 0, False)
        p = f.progress
        if p.finished and not self._caught_up:
            return Progress(p.done_bytes, p.total_bytes, False)
        return p

    @property
    def replaying_previous_run(self) -> bool:
        """True while the lines being applied were already applied by the previous run
        (up to its persisted position). A consumer with durable state (say, one that
        records escalations) acts only on what is applied once this is False."""
        return self._replaying

    @property
    def position(self) -> Position | None:
        """Feed position after the last applied line (for a consumer that resumes)."""
        return self._position

    @property
    def health(self) -> FeedHealth:
        """A snapshot of the feed's state, lag, rejects and last error."""
        with self._lock:
            floor = self._floor
            rejects = floor.rejects
            counts = dict(rejects.counts)
            last = list(rejects.last)
            last_event = getattr(floor, "last_event_time", None)
        if last_event is None:
            last_event = self._last_line_time
        state = f"error: {self._error_now}" if self._error_now else self._state
        if self._error_now:
            message = f"feed error: {self._error_now} (retrying)"
        elif self._state in ("unreadable", "not a regular file") and self._problem:
            message = self._problem
        elif self._state == "missing file":
            message = f"waiting for {self.feed_path}"
        elif self._state == "backfilling":
            p = self.progress
            pct = 100.0 * p.done_bytes / p.total_bytes if p.total_bytes else 0.0
            message = f"reading the shift so far: {pct:.0f}%"
        elif self._state == "catching up":
            message = f"catching up with {self.feed_path}"
        else:
            message = f"following {self.feed_path}"
        last_error = self._sink_error or self._last_error
        if self._saver is not None and self._saver.save_error:
            last_error = self._saver.save_error
        return FeedHealth(
            self.feed_path,
            state,
            message,
            self._lag,
            last_event,
            counts,
            last,
            last_error,
            self._lines_applied,
            self._caught_up,
        )

    # ---- the worker -----------------------------------------------------------------
    def _run(self) -> None:
        _backfill_gc(True)
        self._gc_raised = True
        try:
            self._follow()
        finally:
            if self._gc_raised:
                self._gc_raised = False
                _backfill_gc(False)

    def _follow(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                follower = self._from_snapshot() if first else None
                follower = follower or FileFollower(
                    self.feed_path,
                    resume=self._position,
                    # after an error, a follower with no position yet starts over at the
                    # shift start: the Floor drops nothing twice only if nothing was applied
                    since=self._window_start if (first or self._position is None) else None,
                    stop_event=self._stop,
                )
                first = False
                self._follower = follower
                for batch in follower.batches():
                    self._check_window()  # first: lines after a shift change count in the new one
                    if batch.lines:
                        self._apply(batch.lines)
                    if batch.position is not None:  # a heartbeat without one keeps ours
                        self._position = batch.position
                    self._state = batch.state
                    self._lag = batch.lag_bytes
                    self._problem = follower.problem
                    self._error_now = None
                    if not batch.backfill and batch.state not in ("backfilling", "catching up"):
                        self._caught_up = True
                        if self._gc_raised:
                            self._gc_raised = False
                            _backfill_gc(False)
                    if self._replaying:
                        self._note_previous(batch)
                    elif self._saver is not None:
                        # never while replaying: the saved position must not go backwards
                        self._saver.maybe_save(self._position)
                    self._publish()
                    self._maybe_snapshot()
            except Exception as exc:  # noqa: BLE001 - the feed must survive anything
                self._error_now = f"{type(exc).__name__}: {exc}"
                self._last_error = self._error_now + "\n" + traceback.format_exc(limit=3)
                self._publish_status()
                self._stop.wait(RETRY_S)
        if self._saver is not None and not self._replaying:
            self._saver.flush()  # the exact last position, for the next run
        if self._snapshot_out is not None and self._caught_up:
            self._save_snapshot()

    # ---- snapshots (floorconsole/snapshot.py) -----------------------------------------
    def _from_snapshot(self) -> FileFollower | None:
        """Take the floor `watch` saved, when it is usable, and a follower resuming exactly
        after it; None (and the floor untouched) when not, so the shift is refolded."""
        if self._snapshot_in is None:
            return None
        from floorconsole import snapshot

        floor, position, why = snapshot.read(self._snapshot_in, self.feed_path, self._window_start)
        if floor is None or position is None:
            self.snapshot_note = why
            return None
        follower = FileFollower(self.feed_path, resume=position, since=None, stop_event=self._stop)
        if follower.resume_lost or follower.resume_pending:
            # the file it points into is gone or cannot be checked: a refold is exact
            self.snapshot_note = "snapshot's feed position not found: read the shift again"
            return None
        with self._lock:
            self._floor = floor
        self._position = position
        self.snapshot_note = "started from the watch snapshot"
        return follower

    def _maybe_snapshot(self) -> None:
        if self._snapshot_out is None or not self._caught_up or self._position is None:
            return
        mono = time.monotonic()
        if mono - self._last_snapshot >= self._snapshot_every_s:
            self._last_snapshot = mono
            self._save_snapshot()

    def _save_snapshot(self) -> None:
        from floorconsole import snapshot

        assert self._snapshot_out is not None
        position = self._position
        if position is None:
            return
        try:
            with self._lock:
                data = snapshot.take(
                    self._floor, self.feed_path, (self._window_start, self._window_end), position, self.clock()
                )
            snapshot.write(self._snapshot_out, data)
        except Exception as exc:  # noqa: BLE001 - a snapshot is an optimisation, never fatal
            self._last_error = f"could not save the floor snapshot: {type(exc).__name__}: {exc}"

    # ---- pushing what changed ---------------------------------------------------------
    def status(self) -> FeedStatus:
        """The feed status as the header shows it."""
        h = self.health
        p = self.progress
        pct = None if p.finished else (100.0 * p.done_bytes / p.total_bytes if p.total_bytes else 0.0)
        return FeedStatus(
            path=str(h.path),
            state=h.state,
            lag_bytes=int(h.lag_bytes),
            last_event_time=h.last_event_time,
            rejected=sum(h.reject_counts.values()),
            backfill_pct=pct,
            problem=self._sink_error or self._error_now,
            live=self._caught_up,
            last_error=next(iter((h.last_error or "").splitlines()), "")[:200] or None,
        )

    def _publish_status(self) -> None:
        self._send(FloorUpdate(status=self.status()))

    def _publish(self) -> None:
        """Push what the last batch changed (see the module docstring)."""
        if not self._caught_up:
            mono = time.monotonic()
            if mono - self._last_progress >= PROGRESS_EVERY_S:
                self._last_progress = mono
                self._publish_status()
            return
        now = self.clock()
        minute = int(now // 60)
        with self._lock:
            floor = self._floor
            changes = floor.take_changes(now)
            # the first time: the whole floor (a floor from a snapshot has no pending changes)
            agents = floor.seats if not self._published_live else [a for a in changes.agents if a in floor.seats]
            seats = {a: seat_view(floor, floor.seats[a], now) for a in agents}
            # the waiting history moves on every minute: then every queue is new
            everything = minute != self._last_minute or not self._published_live
            names = list(floor.queues) if everything else [q for q in changes.queues if q in floor.queues]
            queues = {name: queue_view(floor, name, now) for name in names}
            rejects = (
                (dict(floor.rejects.counts), list(floor.rejects.last))
                if changes.rejects or not self._published_live
                else None
            )
        self._last_minute = minute
        self._published_live = True
        if changes.escalations and self._on_escalations is not None:
            try:
                self._on_escalations(changes.escalations)
            except Exception as exc:  # noqa: BLE001 - the records' problem must not stop the feed
                self._sink_error = f"could not record a feed escalation: {type(exc).__name__}: {exc}"
        self._send(FloorUpdate(seats=seats, queues=queues, status=self.status(), rejects=rejects))

    def _send(self, update: FloorUpdate) -> None:
        for subscriber in self._subscribers:
            try:
                subscriber(update)
            except Exception as exc:  # noqa: BLE001 - a consumer's bug must not stop the feed
                self._sink_error = f"a floor subscriber failed: {type(exc).__name__}: {exc}"

    def _note_previous(self, batch: Any) -> None:
        """Has the fold passed where the previous run stopped? Then what follows is new."""
        prev, pos = self.previous_position, batch.position
        if prev is not None and pos is not None and pos.offset >= prev.offset:
            a, b = bytes.fromhex(pos.fingerprint), bytes.fromhex(prev.fingerprint)
            same_file = (pos.dev, pos.inode) == (prev.dev, prev.inode) and same_head(a, b)
            if same_file or has_head(a, b):  # has_head: a compressed or restored copy
                self._replaying = False
                return
        if not batch.backfill and batch.state != "catching up":
            # caught up without meeting it: its file is older than the shift or gone, and
            # everything read from here on is new
            self._replaying = False

    def _apply(self, lines: list[bytes]) -> None:
        """Feed a batch; a line that raises is skipped (once) and the rest still applied."""
        if len(lines) >= BLOCK_LINES:
            self._apply_blocks(lines)
        else:
            self._apply_lines(lines)
        from floorconsole.queue_log import parse_time  # late, as Floor: `import engine` stays light

        for raw in reversed(lines[-5:]):  # the last few: a trailing bad line has no time
            # The parsers' rule (queue_log.parse_time): float() would take "1e400" or a
            # 400-digit run as inf and "nan" as nan, which the header's int() cannot take.
            t = parse_time(raw.split(b"|", 1)[0].strip())
            if t is not None:
                self._last_line_time = t
                break

    def _apply_blocks(self, lines: list[bytes]) -> None:
        """Big batches (backfill) go to the Floor as newline-joined blocks: 3x faster than
        line by line. The Floor never raises on bad input (it counts it, and the fuzz tests
        hold it to that). Should it raise on a block all the same, that block is fed again
        line by line, so one bad line costs one line, and the error is shown. (A raise
        means the Floor folded none of the block: each line is folded under its own guard,
        so only the block's preparation, before any line is applied, can raise.)"""
        for start in range(0, len(lines), BLOCK_LINES):
            block = lines[start : start + BLOCK_LINES]
            try:
                with self._lock:
                    self._floor.feed((b"\n".join(block),))
                self._lines_applied += len(block)
            except Exception as exc:  # noqa: BLE001 - one bad line must not cost a block
                self._last_error = f"{len(block)}-line block fed line by line: {type(exc).__name__}: {exc}"
                self._apply_lines(block)

    def _apply_lines(self, lines: list[bytes]) -> None:
        start = 0
        while start < len(lines):
            taken = 0

            def counted(first: int) -> Iterator[bytes]:
                # counts what the Floor pulled, so after an exception we know which line
                nonlocal taken
                for item in islice(lines, first, None):
                    taken += 1
                    yield item

            try:
                with self._lock:
                    self._floor.feed(counted(start))
                applied = len(lines) - start
                start = len(lines)
            except Exception as exc:  # noqa: BLE001 - one bad line must not stop the feed
                bad = lines[start + taken - 1] if taken else b""
                self._last_error = f"line skipped: {type(exc).__name__}: {exc}: {bad[:200]!r}"
                applied = max(taken - 1, 0)
                start += max(taken, 1)
            self._lines_applied += applied

    def _check_window(self) -> None:
        """A new shift restarts the measures (the Floor keeps seat state)."""
        now = self.clock()
        if self._window_start <= now < self._window_end:
            return
        window = shift_at_epoch(self.config.shifts, now)
        self._window_start = window.start.timestamp()
        self._window_end = window.end.timestamp()
        with self._lock:
            self._floor.set_window(self._window_start, self._window_end)


def _epoch_of(line: bytes) -> float | None:
    """The time of a queue_log line (its first field); None when it has none."""
    head = line.split(b"|", 1)[0]
    try:
        return float(head)
    except ValueError:
        return None
