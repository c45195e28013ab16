"""Recording attendance flags, console or not: the detector fed from the engine, flags to the store.

`AttendanceRecorder` owns the pure `AttendanceDetector`: it is fed the engine's changed seats
(`observe`) and the time (`tick`), reads the expected floor and this shift's recorded flags
through the store service (`reload`), and records each flag, and each flag's end, through the
store: once per episode, however many recorders run on one records file (the store's unique
index makes a second recorder's write return the recorded row). It runs the rules only once
the feed is caught up (a backfill half read would show people as absent) and at most every
`DETECT_EVERY_S`.

Two drivers use it:
- the console's `AttendanceWatch` (screens/attendance_panel.py), on the UI thread, which
  keeps only the display (panel, seat marks, roll-call prefill);
- `FollowAttendance` below, for `floorconsole watch`: subscribed to the engine (it only
  queues the update on the engine's thread) and stepped on its own thread, it reloads the
  expected floor when the shift changes or the records do (the store's `data_version`
  marker, read once a step, every `DETECT_EVERY_S`: no faster than a console's store poll),
  so a roster imported or a leave or swap approved is picked up without a restart.

No Textual here (import-linter): this is domain code, started by the composition root.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from floorconsole.config import Config
from floorconsole.roster.attendance import AttendanceDetector, FlagEnded
from floorconsole.roster.expected import ExpectedFloor
from floorconsole.roster.model import AttendanceFlag
from floorconsole.shifts import ShiftWindow, shift_at_epoch
from floorconsole.store.store import Store
from floorconsole.views import FloorUpdate, SeatView

# The rules run every few seconds, not every second: a flag's time is the episode's own, so
# it is only recorded up to this much later (benchmarks/attendance_tick.py: ~10 ms a run at
# 5,000 seats).
DETECT_EVERY_S = 5.0
READ_TIMEOUT_S = 30.0


@dataclass
class _Reads:
    """The reads of one reload, submitted to the store's thread."""

    shift: ShiftWindow
    expected: Future[ExpectedFloor]
    flags: Future[list[AttendanceFlag]]


class AttendanceRecorder:
    """Detector + expected floor + this shift's recorded flags; records flags through `service`."""

    def __init__(
        self,
        service: Any,
        config: Config,
        actor: Any,
        on_problem: Callable[[str], None] | None = None,
        every_s: float = DETECT_EVERY_S,
    ) -> None:
        self.service = service
        self.config = config
        self.actor = actor
        self.on_problem = on_problem
        self.every_s = every_s
        self.detector = AttendanceDetector(config.shifts, config.roster.attendance)
        self.expected = ExpectedFloor()
        self.flags: list[AttendanceFlag] = []  # recorded flags of the shift in progress
        self.shift: ShiftWindow | None = None
        self.loaded = False  # the expected floor has been read at least once
        self.pending: list[Future[Any]] = []  # writes not yet done (tests wait on these)
        self._requested: str | None = None  # the shift whose expected floor was last asked for
        self._last_run = float("-inf")

    # ---- from the floor -----------------------------------------------------------

    def observe(self, seats: Iterable[SeatView], now: float) -> None:
        """Take in changed seats (what a `FloorUpdate` carries)."""
        self.detector.observe(seats, now)

    def tick(self, now: float, live: bool = True) -> bool:
        """Run the rules and record what they found, once the feed is caught up (`live`) and
        the expected floor is loaded. True when the shift changed since the last tick (the
        caller reloads)."""
        key = shift_at_epoch(self.config.shifts, now).key
        changed = key != self._requested
        self._requested = key
        if not self.loaded or not live or now - self._last_run < self.every_s:
            return changed
        self._last_run = now
        for event in self.detector.tick(now):
            if isinstance(event, AttendanceFlag):
                self._submit(Store.record_attendance_flag, event, self.actor)
            elif isinstance(event, FlagEnded):
                self._submit(
                    Store.end_attendance_flag,
                    event.person,
                    event.kind,
                    event.shift_key,
                    event.started_at,
                    event.minutes,
                    self.actor,
                )
        return changed

    def _submit(self, method: Any, *args: Any) -> None:
        future: Future[Any] = self.service.submit(method, *args)
        future.add_done_callback(self._done)
        self.pending = [f for f in self.pending if not f.done()]
        self.pending.append(future)

    def _done(self, future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None and self.on_problem is not None:
            self.on_problem(f"could not record an attendance flag: {exc}")

    # ---- from the records -----------------------------------------------------------

    def read(self, now: float) -> _Reads:
        """Submit the reads of a reload: the expected floor from yesterday to tomorrow (a night
        shift, the swap warnings) and the recorded flags of the shift of `now`."""
        shift = shift_at_epoch(self.config.shifts, now)
        day = shift.start.date()
        submit = self.service.submit
        return _Reads(
            shift,
            submit(Store.expected_between, day - timedelta(days=1), day + timedelta(days=1)),
            submit(Store.list_attendance_flags, shift.start.timestamp(), shift.end.timestamp()),
        )

    def apply(self, shift: ShiftWindow, expected: ExpectedFloor, flags: list[AttendanceFlag]) -> None:
        """Take in what a reload read."""
        self.shift = shift
        self.expected = expected
        self.flags = [f for f in flags if f.shift_key == shift.key]
        self.detector.set_expected(expected)
        self.loaded = True

    async def reload(self, now: float) -> None:
        """Reload without blocking an event loop (the console)."""
        reads = self.read(now)
        expected = await asyncio.wrap_future(reads.expected)
        flags = await asyncio.wrap_future(reads.flags)
        self.apply(reads.shift, expected, flags)

    def reload_blocking(self, now: float, timeout: float = READ_TIMEOUT_S) -> None:
        """Reload, waiting for the store's thread (a headless driver's own thread)."""
        reads = self.read(now)
        self.apply(reads.shift, reads.expected.result(timeout), reads.flags.result(timeout))


class FollowAttendance:
    """Drives an `AttendanceRecorder` with no console: `floorconsole watch`.

    `on_update` is the engine subscriber (it runs on the engine's thread and only queues the
    changed seats); `step` (on the driver's thread, every `every_s`) hands them to the
    detector in order, reloads when the shift or the records changed, and runs the rules."""

    def __init__(
        self,
        recorder: AttendanceRecorder,
        clock: Callable[[], float],
        every_s: float = DETECT_EVERY_S,
    ) -> None:
        self.recorder = recorder
        self.clock = clock
        self.every_s = every_s
        self.live = False
        self._lock = threading.Lock()
        self._queued: list[tuple[float, list[SeatView]]] = []
        self._marker: Any = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def on_update(self, update: FloorUpdate) -> None:
        """Engine subscriber: queue what changed (thread-safe, never blocks on the store)."""
        seats = list(update.seats.values())
        with self._lock:
            if seats:
                self._queued.append((self.clock(), seats))
            if update.status is not None:
                self.live = update.status.live

    def step(self) -> None:
        """Feed the detector, reload if the records or the shift changed, run the rules."""
        with self._lock:
            queued, self._queued = self._queued, []
            live = self.live
        rec = self.recorder
        for seen_at, seats in queued:
            rec.observe(seats, seen_at)
        now = self.clock()
        marker = rec.service.submit(Store.data_version).result(READ_TIMEOUT_S)
        key = shift_at_epoch(rec.config.shifts, now).key
        if marker != self._marker or not rec.loaded or rec.shift is None or rec.shift.key != key:
            rec.reload_blocking(now)
            self._marker = marker
        rec.tick(now, live=live)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as exc:  # noqa: BLE001 - a locked database must never end `watch`
                if self.recorder.on_problem is not None:
                    self.recorder.on_problem(f"attendance: {type(exc).__name__}: {exc}")
            self._stop.wait(self.every_s)

    def start(self) -> None:
        """Step on a thread of its own until `stop`."""
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._run, name="attendance", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop stepping and wait for the thread (writes already submitted are the store's)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
