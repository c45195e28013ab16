"""The board: the engine's one subscriber in a wallboard process, and the broadcaster.

One engine, one `FloorModel`, one payload per push, however many tabs are open: the
engine's thread hands each `FloorUpdate` to `Board.on_update`, which folds it into the
model under a lock and wakes the publisher on the event loop; the publisher builds the
payload at most `max_rate_hz` times a second (and at least every `REFRESH_S` seconds, so
the board's clock and waits are re-anchored even when nothing moves), encodes it once and
bumps `version`. Each open board waits for a newer version and sends the latest text: a
slow screen skips versions instead of building a backlog.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from floorconsole.config import Thresholds
from floorconsole.views import FloorModel, FloorUpdate
from floorconsole.wallboard import payload

REFRESH_S = 5.0


class Board:
    def __init__(
        self, clock: Callable[[], float], thresholds: Thresholds, *, show_agents: bool = False, max_rate_hz: float = 4.0
    ) -> None:
        self.clock = clock
        self.thresholds = thresholds
        self.show_agents = show_agents
        self.min_interval = 1.0 / max_rate_hz
        self.model = FloorModel()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._dirty: asyncio.Event | None = None
        self._changed: asyncio.Condition | None = None
        self.version = 0
        self.text = payload.encode(self.snapshot())
        self.updates_in = 0  # FloorUpdates taken in (benchmarks, tests)
        self.pushes = 0  # payloads built

    # ---- engine thread ------------------------------------------------------------------
    def on_update(self, update: FloorUpdate) -> None:
        """The engine's subscriber: fold the update in, wake the publisher (thread-safe)."""
        with self._lock:
            self.model.apply(update)
            self.updates_in += 1
        loop, dirty = self._loop, self._dirty
        if loop is not None and dirty is not None:
            try:
                loop.call_soon_threadsafe(dirty.set)
            except RuntimeError:  # the loop has closed: the board is shutting down
                pass

    # ---- event loop -----------------------------------------------------------------------
    def snapshot(self) -> dict:
        """The payload as of now (any thread)."""
        with self._lock:
            return payload.build(self.model, self.clock(), self.thresholds, show_agents=self.show_agents)

    async def run(self) -> None:
        """Publish until cancelled (run as a task on the server's loop)."""
        self._loop = asyncio.get_running_loop()
        self._dirty = asyncio.Event()
        self._changed = asyncio.Condition()
        self._dirty.set()
        while True:
            try:
                await asyncio.wait_for(self._dirty.wait(), REFRESH_S)
            except TimeoutError:
                pass
            self._dirty.clear()
            started = time.monotonic()
            self.text = payload.encode(self.snapshot())
            self.version += 1
            self.pushes += 1
            async with self._changed:
                self._changed.notify_all()
            # the throttle: whatever the feed does, no more than max_rate_hz pushes a second
            await asyncio.sleep(max(0.0, self.min_interval - (time.monotonic() - started)))

    async def wait_newer(self, seen: int) -> tuple[int, str]:
        """Wait for a version newer than `seen`; returns (version, text)."""
        if self._changed is None:
            raise RuntimeError("the board is not running")
        async with self._changed:
            await self._changed.wait_for(lambda: self.version != seen)
        return self.version, self.text
