"""The built-in demo floor: a simulated feed, a demo database and config, in one directory.

`floorconsole demo` works on a fresh machine with no telephony system:

1. `prepare_demo_dir()` makes the demo directory (default: the user cache dir) and clears
   the previous demo's feed (a fresh history would otherwise land after newer lines);
2. `demo_config()` is `data/demo.toml` with the feed and database pointed into it;
3. `DemoFeed` runs the simulator in a background thread: the current shift so far
   (capped at ~2 h) as backdated history, then real time;
4. the console (or, headless, `print_measures_loop`) reads the feed like any real one.

No Textual here: the console is imported lazily by `floorconsole.commands.demo`.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import platformdirs

from floorconsole.config import APP_NAME, Config, data_file, load_config
from floorconsole.layout import FloorLayout, load_layout
from floorconsole.printable import printable
from floorconsole.shifts import shift_at_epoch
from floorconsole.simulator import RunStats, Simulator

MARKER = ".floorconsole-demo"  # marks a directory the demo owns (and may clear)
FEED_NAME = "queue_log"
DB_NAME = "demo.db"
HISTORY_CAP_S = 2 * 3600.0


class DemoError(RuntimeError):
    """The demo cannot start; the message says why, for a person."""


def default_demo_dir() -> Path:
    """Where the demo keeps its feed and database unless `--dir` says otherwise."""
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "demo"


def prepare_demo_dir(path: Path | None = None) -> Path:
    """Create the demo directory and remove the previous demo's feed files.

    Refuses a directory that holds a queue_log but is not marked as a demo directory:
    that may be someone's real feed.
    """
    path = Path(path) if path is not None else default_demo_dir()
    path.mkdir(parents=True, exist_ok=True)
    marker = path / MARKER
    feeds = [p for p in path.iterdir() if p.name == FEED_NAME or p.name.startswith(FEED_NAME + ".")]
    if feeds and not marker.exists():
        raise DemoError(
            f"{path} holds {feeds[0].name} but is not a floorconsole demo directory; "
            "choose another --dir (the demo clears its feed on every start)"
        )
    marker.write_text("This directory belongs to `floorconsole demo`; its feed is rewritten on start.\n")
    for feed in feeds:
        feed.unlink()
    return path


def demo_config(demo_dir: Path, base: Config | None = None) -> Config:
    """The shipped demo config (or `base`) with feed and database inside `demo_dir`."""
    base = base or load_config(data_file("demo.toml"))
    return base.with_overrides(
        feed_path=demo_dir / FEED_NAME,
        db_path=demo_dir / DB_NAME,
        feed_format="queue_log",
    )


def history_seconds(config: Config, now: float | None = None) -> float:
    """How much backdated history the demo writes: the shift so far, at most ~2 h."""
    now = time.time() if now is None else now
    shift_start = shift_at_epoch(config.shifts, now).start.timestamp()
    return max(0.0, min(HISTORY_CAP_S, now - shift_start))


class DemoFeed:
    """The simulator writing the demo feed from a background thread."""

    def __init__(
        self,
        config: Config,
        feed_path: Path,
        *,
        seed: int | None = None,
        speed: float = 1.0,
        history_s: float | None = None,
        layout: FloorLayout | None = None,
    ) -> None:
        self.config = config
        self.feed_path = Path(feed_path)
        self.layout = layout or load_layout(config.layout_path)
        self.seed = int(time.time()) if seed is None else seed
        self.speed = speed
        self.history_s = history_seconds(config) if history_s is None else history_s
        self.simulator = Simulator(self.layout, config.thresholds, seed=self.seed)
        self.stats: RunStats | None = None
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._history_done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, wait_history_s: float = 30.0) -> None:
        """Start writing; returns once the history is on disk (or the wait runs out)."""
        self._thread = threading.Thread(target=self._run, name="demo-simulator", daemon=True)
        self._thread.start()
        self._history_done.wait(wait_history_s)
        if self.error is not None:
            raise DemoError(f"the demo feed could not be written: {self.error}")

    def _run(self) -> None:
        try:
            self.stats = self.simulator.run(
                self.feed_path,
                speed=self.speed,
                history_s=self.history_s,
                stop_event=self._stop,
                on_history_done=self._history_done.set,
            )
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            self.error = exc
        finally:
            self._history_done.set()

    @property
    def running(self) -> bool:
        """True while the simulator thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the simulator after its current batch of whole lines and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


# ---------------------------------------------------------------- headless measures


def _fmt_s(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}s"


def _fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def format_measures(rows: list, seat_counts: dict[str, int], status: str, now: float) -> str:
    """The headless screen: one header line, seat states, then one line per queue.

    `rows` are `QueueMeasures`-like objects (queue, waiting_now, longest_wait_now_s,
    offered, answered, abandoned, exited, service_level, abandon_rate, asa_s, aht_s).
    """
    clock = time.strftime("%H:%M:%S", time.localtime(now))
    seats = ", ".join(f"{n} {state}" for state, n in seat_counts.items() if n) or "no seats yet"
    out = [f"[{clock}] {status} | seats: {seats}"]
    out.append(f"  {'queue':<10} {'waiting':>7} {'longest':>7} {'offered':>7} {'answered':>8} "
               f"{'abandoned':>9} {'exited':>6} {'SL':>7} {'aband%':>7} {'ASA':>5} {'AHT':>5}")
    for m in rows:
        out.append(
            f"  {printable(m.queue, 10):<10} {m.waiting_now:>7} {_fmt_s(m.longest_wait_now_s):>7} "
            f"{m.offered:>7} {m.answered:>8} {m.abandoned:>9} {m.exited:>6} "
            f"{_fmt_pct(m.service_level):>7} {_fmt_pct(m.abandon_rate):>7} {_fmt_s(m.asa_s):>5} {_fmt_s(m.aht_s):>5}"
        )
    return "\n".join(out)


class _EngineSource:
    """Measures from the real FloorEngine (backfill from the shift start, then follow)."""

    def __init__(self, config: Config, feed_path: Path, layout: FloorLayout) -> None:
        from floorconsole.engine import FloorEngine

        self.engine = FloorEngine(config, feed_path, layout=layout)
        self.engine.start()
        # Let the backfill of the history finish (milliseconds on the demo floor) so the
        # first print already shows the shift so far.
        deadline = time.monotonic() + 5.0
        while self.engine.health.state == "backfilling" and time.monotonic() < deadline:
            time.sleep(0.05)

    def snapshot(self, now: float) -> tuple[list, dict[str, int], str]:
        health = self.engine.health
        with self.engine.locked() as floor:
            rows = [floor.measures(q, now) for q in sorted(floor.queues)]
            counts: dict[str, int] = {}
            for seat in floor.seats.values():
                state = str(floor.seat_state_at(seat, now)).lower().replace("_", " ")
                counts[state] = counts.get(state, 0) + 1
        status = health.message
        if health.reject_counts:
            status += f" ({sum(health.reject_counts.values())} rejected lines)"
        return rows, dict(sorted(counts.items())), status

    def close(self) -> None:
        self.engine.stop()


@dataclass
class _Row:
    """A QueueMeasures look-alike for the stop-gap fold below."""

    queue: str
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    exited: int = 0
    within_sl: int = 0
    wait_sum: float = 0.0
    handled: int = 0
    talk_sum: float = 0.0
    waiting_now: int = 0
    longest_wait_now_s: float = 0.0

    @property
    def _finished(self) -> int:
        return self.answered + self.abandoned + self.exited

    @property
    def service_level(self) -> float | None:
        return 100.0 * self.within_sl / self._finished if self._finished else None

    @property
    def abandon_rate(self) -> float | None:
        return 100.0 * self.abandoned / self._finished if self._finished else None

    @property
    def asa_s(self) -> float | None:
        return self.wait_sum / self.answered if self.answered else None

    @property
    def aht_s(self) -> float | None:
        return self.talk_sum / self.handled if self.handled else None


class _SimpleSource:
    """STOP-GAP until `floorconsole.floor` lands: a minimal fold of the demo's own feed.

    Reads only what the simulator writes (well-formed modern lines), over the current
    shift, with DOMAIN.md's formulas. Not a parser: the FloorEngine replaces it as soon as
    `floorconsole.floor` exists.
    """

    _ENDED = {"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}

    def __init__(self, config: Config, feed_path: Path, layout: FloorLayout) -> None:
        self.config = config
        self.feed_path = feed_path
        self.window_start = shift_at_epoch(config.shifts, time.time()).start.timestamp()
        self.offset = 0
        self.partial = b""
        self.rows: dict[str, _Row] = {q: _Row(q) for q in layout.queues}
        self.waiting: dict[str, dict[str, float]] = {q: {} for q in layout.queues}
        self.state: dict[str, str] = {s.agent: "logged off" for s in layout.seats}
        self.lines = 0

    def _read(self) -> None:
        try:
            with open(self.feed_path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return
        self.offset += len(data)
        data = self.partial + data
        *whole, self.partial = data.split(b"\n")
        sl = self.config.thresholds.sl_threshold_s
        for raw in whole:
            f = raw.decode("utf-8", "replace").split("|")
            if len(f) < 5 or not f[0].isdigit():
                continue
            self.lines += 1
            t, callid, queue, agent, verb, data_ = float(f[0]), f[1], f[2], f[3], f[4], f[5:]
            row = self.rows.setdefault(queue, _Row(queue)) if queue != "NONE" else None
            waiting = self.waiting.setdefault(queue, {})
            counted = t >= self.window_start
            if verb == "ENTERQUEUE":
                waiting[callid] = t
                row.offered += counted
            elif verb == "CONNECT":
                waiting.pop(callid, None)
                self.state[agent] = "on call"
                if counted:
                    wait = int(data_[0])
                    row.answered += 1
                    row.wait_sum += wait
                    row.within_sl += wait <= sl
            elif verb in ("ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"):
                waiting.pop(callid, None)
                if counted:
                    if verb == "ABANDON":
                        row.abandoned += 1
                    else:
                        row.exited += 1
            elif verb in self._ENDED:
                self.state[agent] = "available"
                if counted:
                    row.handled += 1
                    row.talk_sum += int(data_[-2])
            elif verb in ("ADDMEMBER", "UNPAUSE"):
                self.state[agent] = "available"
            elif verb == "PAUSE":
                self.state[agent] = "paused"
            elif verb == "REMOVEMEMBER":
                self.state[agent] = "logged off"

    def snapshot(self, now: float) -> tuple[list, dict[str, int], str]:
        self._read()
        for q, row in self.rows.items():
            waiting = self.waiting.get(q, {})
            row.waiting_now = len(waiting)
            row.longest_wait_now_s = max(0.0, now - min(waiting.values())) if waiting else 0.0
        counts: dict[str, int] = {}
        for state in self.state.values():
            counts[state] = counts.get(state, 0) + 1
        rows = [self.rows[q] for q in sorted(self.rows)]
        return rows, dict(sorted(counts.items())), f"live (simple fold, {self.lines} lines)"

    def close(self) -> None:
        pass


def measures_source(config: Config, feed_path: Path, layout: FloorLayout) -> "_EngineSource | _SimpleSource":
    """The live measures behind the headless demo: the FloorEngine when the floor model
    exists, else the stop-gap fold."""
    try:
        import floorconsole.floor  # noqa: F401 - only probing whether it has landed
    except ModuleNotFoundError as exc:
        if exc.name != "floorconsole.floor":
            raise
        return _SimpleSource(config, feed_path, layout)
    return _EngineSource(config, feed_path, layout)


def print_measures_loop(
    source: "_EngineSource | _SimpleSource",
    *,
    seconds: float | None = None,
    interval_s: float = 2.0,
    out: TextIO = sys.stdout,
    stop_event: threading.Event | None = None,
    clock: Callable[[], float] = time.time,
) -> None:
    """Print the floor's measures every `interval_s` until `seconds` pass or stopped."""
    stop = stop_event or threading.Event()
    started = time.monotonic()
    while True:
        rows, counts, status = source.snapshot(clock())
        print(format_measures(rows, counts, status, clock()), file=out, flush=True)
        left = None if seconds is None else seconds - (time.monotonic() - started)
        if left is not None and left <= 0:
            return
        if stop.wait(interval_s if left is None else min(interval_s, left)):
            return
