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
from pathlib import Path
from typing import TextIO

import platformdirs

from floorconsole.clock import Clock
from floorconsole.config import APP_NAME, Config, data_file, load_config
from floorconsole.i18n import _
from floorconsole.layout import FloorLayout, load_layout
from floorconsole.measures import QueueMeasures
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
            _(
                "{path} holds {feed} but is not a floorconsole demo directory; "
                "choose another --dir (the demo clears its feed on every start)"
            ).format(path=path, feed=feeds[0].name)
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


def history_seconds(config: Config, now: float) -> float:
    """How much backdated history the demo writes: the shift so far, at most ~2 h."""
    shift_start = shift_at_epoch(config.shifts, now).start.timestamp()
    return max(0.0, min(HISTORY_CAP_S, now - shift_start))


class DemoFeed:
    """The simulator writing the demo feed from a background thread."""

    def __init__(
        self,
        config: Config,
        feed_path: Path,
        *,
        clock: Clock,
        seed: int | None = None,
        speed: float = 1.0,
        history_s: float | None = None,
        layout: FloorLayout | None = None,
        flat: bool = False,
        simulator_class: type[Simulator] = Simulator,
    ) -> None:
        self.config = config
        self.feed_path = Path(feed_path)
        self.layout = layout or load_layout(config.layout_path)
        self.clock = clock
        self.seed = int(clock()) if seed is None else seed
        self.speed = speed
        self.history_s = history_seconds(config, clock()) if history_s is None else history_s
        # The floor follows the time of day (a quiet night); `flat` keeps it daytime-busy.
        # the console's demo passes floorconsole.ami.sim_pbx.DemoSimulator (the PBX steers it)
        self.simulator = simulator_class(
            self.layout, config.thresholds, seed=self.seed, profile=None if flat else "daily"
        )
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
            raise DemoError(_("the demo feed could not be written: {error}").format(error=self.error))

    def _run(self) -> None:
        try:
            self.stats = self.simulator.run(
                self.feed_path,
                speed=self.speed,
                history_s=self.history_s,
                clock=self.clock,
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


def format_measures(rows: list[QueueMeasures], seat_counts: dict[str, int], status: str, now: float) -> str:
    """The headless screen: one header line, seat states, then one line per queue."""
    clock = time.strftime("%H:%M:%S", time.localtime(now))
    seats = ", ".join(f"{n} {state}" for state, n in seat_counts.items() if n) or "no seats yet"
    out = [f"[{clock}] {status} | seats: {seats}"]
    out.append(
        f"  {'queue':<10} {'waiting':>7} {'longest':>7} {'offered':>7} {'answered':>8} "
        f"{'abandoned':>9} {'exited':>6} {'SL':>7} {'aband%':>7} {'ASA':>5} {'AHT':>5}"
    )
    for m in rows:
        out.append(
            f"  {printable(m.queue, 10):<10} {m.waiting_now:>7} {_fmt_s(m.longest_wait_now_s):>7} "
            f"{m.offered:>7} {m.answered:>8} {m.abandoned:>9} {m.exited:>6} "
            f"{_fmt_pct(m.service_level):>7} {_fmt_pct(m.abandon_rate):>7} {_fmt_s(m.asa_s):>5} {_fmt_s(m.aht_s):>5}"
        )
    return "\n".join(out)


class _EngineSource:
    """Measures from the real FloorEngine (backfill from the shift start, then follow)."""

    def __init__(self, config: Config, feed_path: Path, layout: FloorLayout, clock: Clock) -> None:
        from floorconsole.engine import FloorEngine

        self.clock = clock
        self.engine = FloorEngine(config, feed_path, clock=clock, layout=layout)
        self.engine.start()
        # Let the backfill of the history finish (milliseconds on the demo floor) so the
        # first print already shows the shift so far.
        deadline = time.monotonic() + 5.0
        while self.engine.health.state == "backfilling" and time.monotonic() < deadline:
            time.sleep(0.05)

    def snapshot(self, now: float) -> tuple[list[QueueMeasures], dict[str, int], str]:
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


def measures_source(config: Config, feed_path: Path, layout: FloorLayout, clock: Clock) -> _EngineSource:
    """The live measures behind the headless demo: a started FloorEngine on the feed."""
    return _EngineSource(config, feed_path, layout, clock)


def print_measures_loop(
    source: _EngineSource,
    *,
    seconds: float | None = None,
    interval_s: float = 2.0,
    out: TextIO = sys.stdout,
    stop_event: threading.Event | None = None,
) -> None:
    """Print the floor's measures every `interval_s` until `seconds` pass or stopped."""
    stop = stop_event or threading.Event()
    started = time.monotonic()
    while True:
        now = source.clock()
        rows, counts, status = source.snapshot(now)
        print(format_measures(rows, counts, status, now), file=out, flush=True)
        left = None if seconds is None else seconds - (time.monotonic() - started)
        if left is not None and left <= 0:
            return
        if stop.wait(interval_s if left is None else min(interval_s, left)):
            return
