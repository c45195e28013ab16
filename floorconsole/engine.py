"""FloorEngine: one Floor fed from one feed file by a worker thread, read under a lock.

The worker backfills from the start of the current shift (rotated files included, with
progress), then follows the live file (`floorconsole.tail.FileFollower`). The UI never
does I/O: it reads `health`/`progress` (plain snapshots) and, briefly, the Floor under
`locked()`, and polls `drain_delta()`.

Nothing kills the worker: a line the Floor chokes on is skipped and shown, an I/O error
is shown and the follower is restarted from the exact position it had reached.
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
from floorconsole.shifts import shift_at_epoch
from floorconsole.tail import FileFollower, Position, Progress

if TYPE_CHECKING:  # floor.py imports no I/O; imported lazily so tail-only users stay light
    from floorconsole.floor import Floor
    from floorconsole.layout import FloorLayout

RETRY_S = 1.0  # pause after an error before the follower is restarted
BLOCK_LINES = 2048  # batches this big are fed as blocks (backfill); smaller ones line by line


@dataclass(frozen=True)
class FeedHealth:
    """What the header shows about the feed; a snapshot, safe to keep."""

    path: Path
    state: str  # "backfilling", "live", "missing file" or "error: ..."
    message: str  # one line for a person, e.g. "waiting for /var/log/asterisk/queue_log"
    lag_bytes: int  # bytes written to the feed but not yet applied
    last_event_time: float | None
    reject_counts: dict[str, int] = field(default_factory=dict)
    last_rejects: list[tuple[str, str]] = field(default_factory=list)
    last_error: str | None = None  # the worker's last error, kept after it recovered
    lines_applied: int = 0


class FloorEngine:
    """Owns a Floor and the thread that feeds it (see the module docstring)."""

    def __init__(
        self,
        config: Config,
        feed_path: str | Path,
        clock: Callable[[], float] = time.time,
        layout: "FloorLayout | None" = None,
    ) -> None:
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
        self._floor: Floor = Floor(config.thresholds, layout, window_start=self._window_start,
                                   window_end=self._window_end, feed_format=config.feed_format)
        self._follower: FileFollower | None = None
        self._position: Position | None = None
        self._state = "backfilling"
        self._lag = 0
        self._last_error: str | None = None
        self._error_now: str | None = None
        self._last_line_time: float | None = None
        self._lines_applied = 0

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
    def locked(self) -> Iterator["Floor"]:
        """The Floor, under the engine's lock; keep the block short (the feed waits)."""
        with self._lock:
            yield self._floor

    def drain_delta(self) -> Any:
        """What changed since the previous call (`Floor.take_changes(now)`): passing the
        engine's clock lets seats whose wrap-up has run out turn available on screen."""
        now = self.clock()
        with self._lock:
            return self._floor.take_changes(now)

    @property
    def progress(self) -> Progress:
        """Backfill progress (bytes of the backlog found at start)."""
        f = self._follower
        return f.progress if f is not None else Progress(0, 0, False)

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
        elif self._state == "missing file":
            message = f"waiting for {self.feed_path}"
        elif self._state == "backfilling":
            p = self.progress
            pct = 100.0 * p.done_bytes / p.total_bytes if p.total_bytes else 0.0
            message = f"reading the shift so far: {pct:.0f}%"
        else:
            message = f"following {self.feed_path}"
        return FeedHealth(self.feed_path, state, message, self._lag, last_event, counts, last,
                          self._last_error, self._lines_applied)

    # ---- the worker -----------------------------------------------------------------
    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                follower = FileFollower(
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
                    self._position = batch.position
                    self._state = batch.state
                    self._lag = batch.lag_bytes
                    self._error_now = None
            except Exception as exc:  # noqa: BLE001 - the feed must survive anything
                self._error_now = f"{type(exc).__name__}: {exc}"
                self._last_error = self._error_now + "\n" + traceback.format_exc(limit=3)
                self._stop.wait(RETRY_S)

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
                self._last_error = (
                    f"{len(block)}-line block fed line by line: {type(exc).__name__}: {exc}"
                )
                self._apply_lines(block)

    def _apply_lines(self, lines: list[bytes]) -> None:
        start = 0
        while start < len(lines):
            taken = 0

            def counted() -> Iterator[bytes]:
                # counts what the Floor pulled, so after an exception we know which line
                nonlocal taken
                for item in islice(lines, start, None):
                    taken += 1
                    yield item

            try:
                with self._lock:
                    self._floor.feed(counted())
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
