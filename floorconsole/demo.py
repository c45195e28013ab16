"""The built-in demo floor: a simulated feed, a demo database and config, in one directory.

`floorconsole demo` works on a fresh machine with no telephony system:

1. `prepare_demo_dir()` makes the demo directory (default: the user cache dir) and clears
   the previous demo's feed (a fresh history would otherwise land after newer lines);
2. `demo_config()` is `data/demo.toml` with the feed and database pointed into it, and the
   OS user running the demo configured as its department head (`[people]`, so the leave
   and swap registers can be approved);
3. `prepare_demo_roster()` imports a roster of yesterday, today and tomorrow through
   `Store.import_roster` (once per day: a second start adds nothing), matching the crews
   the simulator logs in (`shift_crews`), with a few deliberate differences to show the
   attendance flags;
4. `DemoFeed` runs the simulator in a background thread: the current shift so far
   (capped at ~2 h) as backdated history, then real time;
5. the console (or, headless, `print_measures_loop`) reads the feed like any real one.

No Textual here: the console is imported lazily by `floorconsole.commands.demo`.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import platformdirs

from floorconsole.clock import Clock
from floorconsole.config import APP_NAME, Config, Person, ShiftDef, data_file, load_config
from floorconsole.i18n import _
from floorconsole.identity import current_actor, effective_os_user
from floorconsole.layout import FloorLayout, load_layout
from floorconsole.measures import QueueMeasures
from floorconsole.printable import printable
from floorconsole.roster.model import RosterEntry
from floorconsole.shifts import parse_hhmm, shift_at_epoch
from floorconsole.simulator import RunStats, Simulator

if TYPE_CHECKING:
    from collections.abc import Sequence

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


# Two agents of the same job and level (data/demo.toml) each have a weekly day off, He Jun's
# the day before Li Na's (by the date's ordinal, so every import agrees): Li Na can give
# He Jun her day shift on his day off and pay it back on hers, a swap the rules accept.
DAYS_OFF = {"He Jun": 0, "Li Na": 1}  # name -> date.toordinal() % 7 of the day off
ROSTER_DAYS_AHEAD = 8  # today and the next 8 days: a pair of days off is always ahead
DEMO_ROLE = "manager"  # the demo's user: department head (signs, approves a day's leave, a swap)
ROSTER_SOURCE = "floorconsole demo (generated roster)"


def demo_config(demo_dir: Path, base: Config | None = None) -> Config:
    """The shipped demo config (or `base`) with feed and database inside `demo_dir`.

    The OS user running the demo cannot be named in data/demo.toml in advance, so it is
    added here as a person (the configured supervisor's name, role `manager`: the
    department head, who signs, approves one day of leave and gives a swap one of its two
    approvals), unless the config already lists that account. Nothing else is impersonated:
    the second approval of a swap comes from the other lead's own account.
    """
    base = base or load_config(data_file("demo.toml"))
    os_user = effective_os_user()
    people = base.people
    if base.person(os_user) is None:
        name = base.supervisor
        if any(p.name == name for p in people):
            name = f"{name} ({os_user})"
        people = (*people, Person(os_user=os_user, name=name, role=DEMO_ROLE))
    return base.with_overrides(
        feed_path=demo_dir / FEED_NAME,
        db_path=demo_dir / DB_NAME,
        feed_format="queue_log",
        people=people,
    )


# ---------------------------------------------------------------- the demo roster


def _shift_of_hour(shifts: Sequence[ShiftDef], hour: int) -> str | None:
    """The configured shift that holds the middle of local `hour` (None: no shift does)."""
    minute = hour * 60 + 30
    for shift in shifts:
        start = parse_hhmm(shift.start)
        end = parse_hhmm(shift.end)
        a = start.hour * 60 + start.minute
        b = end.hour * 60 + end.minute
        if (a <= minute < b) if a < b else (minute >= a or minute < b):
            return shift.name
    return None


def shift_crews(simulator: Simulator, shifts: Sequence[ShiftDef]) -> dict[str, int]:
    """How many agents (a prefix of the simulator's roster order) work each shift.

    The simulator on its own logs agents in and out hour by hour with demand; a roster
    is by shift, so the demo's floor keeps one crew a whole shift: the largest the
    simulator would have in the shift's hours (not counting the last hour, which looks
    ahead to the next shift), leaving two agents out so the roster can name two who stay
    logged off.
    """
    order = simulator._roster_order  # noqa: SLF001 - the demo reads the simulator's crew order
    if not order:
        return {}
    by_shift: dict[str, list[int]] = {}
    for hour in range(24):
        name = _shift_of_hour(shifts, hour)
        if name is not None:
            by_shift.setdefault(name, []).append(hour)
    crews: dict[str, int] = {}
    for name, hours in by_shift.items():
        counted = hours[:-1] or hours
        n = max(len(Simulator._rostered(simulator, h)) for h in counted)  # noqa: SLF001
        crews[name] = max(1, min(n, len(order) - 2))
    return crews


def shift_crew_simulator(base: type[Simulator], shifts: Sequence[ShiftDef]) -> type[Simulator]:
    """`base` with one crew per configured shift (`shift_crews`) instead of per hour."""

    class ShiftCrewSimulator(base):  # type: ignore[valid-type,misc]
        def _rostered(self, hour: int) -> list[Any]:
            crews = getattr(self, "_demo_crews", None)
            if crews is None:
                crews = self._demo_crews = shift_crews(self, shifts)
            name = _shift_of_hour(shifts, hour)
            if name is None or name not in crews:
                return list(super()._rostered(hour))
            return list(self._roster_order[: crews[name]])

    ShiftCrewSimulator.__name__ = ShiftCrewSimulator.__qualname__ = f"ShiftCrew{base.__name__}"
    return ShiftCrewSimulator


def demo_roster(config: Config, days: Sequence[date], layout: FloorLayout | None = None) -> list[RosterEntry]:
    """The demo's roster for `days`: each shift's crew as the demo floor logs it in, except
    that the crew's last agent is left off the roster (logged in, not rostered) and the next
    two agents are on it (rostered, but the simulator keeps them logged off: late, then
    listed as not logged in)."""
    layout = layout or load_layout(config.layout_path)
    simulator = Simulator(layout, config.thresholds, seed=0, profile="daily")
    order = simulator._roster_order  # noqa: SLF001
    names = {seat.agent: seat.name or seat.agent for seat in layout.seats}
    groups = {seat.agent: "/".join(seat.queues) or seat.row for seat in layout.seats}
    crews = shift_crews(simulator, config.shifts)
    entries: list[RosterEntry] = []
    for day in days:
        for shift in config.shifts:
            n = crews.get(shift.name)
            if not n:
                continue
            rostered = [*order[: n - 1], *order[n : n + 2]] if n > 1 else order[: n + 2]
            entries.extend(
                RosterEntry(day, names[a.name], shift.name, groups[a.name])
                for a in rostered
                if DAYS_OFF.get(names[a.name], -1) != day.toordinal() % 7
            )
    return entries


def demo_swap_days(today: date) -> tuple[date, date]:
    """The next day off of He Jun after today and Li Na's the day after (DAYS_OFF): Li Na's
    day shift on the first can go to He Jun, paid back with his day shift on the second."""
    first = today + timedelta(days=1)
    while first.toordinal() % 7 != DAYS_OFF["He Jun"]:
        first += timedelta(days=1)
    return first, first + timedelta(days=1)


def prepare_demo_roster(config: Config, clock: Clock, layout: FloorLayout | None = None) -> list[date]:
    """Import the demo roster from yesterday to `ROSTER_DAYS_AHEAD` days after today (the
    floor's days) through `Store.import_roster`, the days it does not hold yet only; returns
    the days imported (none on a second start the same day)."""
    from floorconsole.store.store import Store, store_kwargs

    today = datetime.fromtimestamp(clock()).date()
    days = [today + timedelta(days=i) for i in range(-1, ROSTER_DAYS_AHEAD + 1)]
    with Store(config.db_path, **store_kwargs(config), clock=clock) as store:
        held = {e.day for e in store.roster_between(days[0], days[-1])}
        missing = [d for d in days if d not in held]
        if not missing:
            return []
        entries = demo_roster(config, missing, layout)
        if entries:
            store.import_roster(entries, ROSTER_SOURCE, current_actor(config))
    return missing if entries else []


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
        # with the time of day the crews follow the configured shifts, as the demo roster does
        if not flat:
            simulator_class = shift_crew_simulator(simulator_class, config.shifts)
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
