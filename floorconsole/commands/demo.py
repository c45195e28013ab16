"""Open the console on the built-in demo floor (simulated feed; no telephony needed).

Creates a demo directory (the user cache dir, or --dir) with a simulated Asterisk
queue_log and a demo database, writes the current shift so far (at most ~2 h) as history,
then keeps the floor running in real time while the console is open.
With --headless, prints live queue measures every 2 s instead of opening the console.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from floorconsole.config import ConfigError, load_config
from floorconsole.i18n import _
from floorconsole.store.cli_support import finite_float
from floorconsole.store.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Callable

    from floorconsole.clock import Clock
    from floorconsole.config import Config
    from floorconsole.demo import DemoFeed

    # screens.app.run_console: (config, feed path, clock) -> exit code
    ConsoleEntry = Callable[[Config, Path | str, Clock | None], int]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `demo` options."""
    parser.add_argument("--dir", type=Path, help=_("demo directory (default: the user cache dir)"))
    parser.add_argument("--headless", action="store_true", help=_("print live measures instead of opening the console"))
    parser.add_argument("--seconds", type=finite_float, help=_("headless: stop after this many seconds"))
    parser.add_argument(
        "--interval", type=finite_float, default=2.0, help=_("headless: seconds between prints (default 2)")
    )
    parser.add_argument(
        "--speed", type=finite_float, default=1.0, help=_("floor time per wall-clock second (default 1)")
    )
    parser.add_argument("--seed", type=int, help=_("simulator seed (default: a new floor every run)"))
    parser.add_argument(
        "--no-ami",
        action="store_true",
        help=_("no simulated PBX: the console runs from the queue_log alone (AMI keys say why not)"),
    )
    parser.add_argument(
        "--flat", action="store_true", help=_("a daytime-busy floor at any hour (default: follows the time of day)")
    )


def run(args: argparse.Namespace) -> int:
    """Start the demo feed, show the floor, stop the feed on exit."""
    from floorconsole import demo
    from floorconsole.wiring import wall_clock

    if args.speed <= 0 or args.interval <= 0 or (args.seconds is not None and args.seconds < 0):
        print(
            "floorconsole demo: " + _("--speed and --interval must be positive, --seconds not negative"),
            file=sys.stderr,
        )
        return 2
    try:
        demo_dir = demo.prepare_demo_dir(args.dir)
        base = load_config(args.config) if args.config else None
        config = demo.demo_config(demo_dir, base)
        if args.db:
            config = config.with_overrides(db_path=Path(args.db))
        clock = wall_clock(config)
        # a roster from yesterday to a week ahead, once a day (the Rst column, the
        # attendance flags, the roll call on C; docs/roster.md)
        # (only into the demo's own database: a --db of a real floor keeps its real roster)
        rostered = demo.prepare_demo_roster(config, clock) if not args.db else []
        with_ami = not args.headless and not args.no_ami and args.speed == 1.0
        from floorconsole.ami.sim_pbx import DemoSimulator, serve_demo_ami
        from floorconsole.simulator import Simulator

        feed = demo.DemoFeed(
            config,
            demo_dir / demo.FEED_NAME,
            clock=clock,
            seed=args.seed,
            speed=args.speed,
            flat=args.flat,
            simulator_class=DemoSimulator if with_ami else Simulator,
        )
        pbx = None
        if with_ami:
            # the simulated PBX: AMI on 127.0.0.1, consistent with the feed (docs/asterisk.md)
            from floorconsole.identity import effective_os_user

            assert isinstance(feed.simulator, DemoSimulator)
            config, pbx = serve_demo_ami(config, feed.simulator, demo_dir, clock, effective_os_user())
    except (ConfigError, demo.DemoError, OSError, RuntimeError, StoreError) as exc:
        print(f"floorconsole demo: {exc}", file=sys.stderr)
        return 2
    if rostered:
        print(
            _("demo roster imported for {first} to {last}").format(first=rostered[0], last=rostered[-1]),
            file=sys.stderr,
            flush=True,
        )

    print(
        _("demo floor in {path} ({seats} seats, {minutes} min of history)").format(
            path=demo_dir, seats=len(feed.layout.seats), minutes=f"{feed.history_s / 60:.0f}"
        ),
        file=sys.stderr,
        flush=True,
    )
    try:
        feed.start()
    except demo.DemoError as exc:
        print(f"floorconsole demo: {exc}", file=sys.stderr)
        return 1
    try:
        run_console = None if args.headless else _console_entry()
        if run_console is not None:
            # feed.feed_path is the demo config's feed path (demo_config put it in demo_dir)
            return int(run_console(config, feed.feed_path, clock) or 0)
        if not args.headless:
            print(
                _("(the full-screen console is not available in this build; printing live measures, Ctrl-C to stop)"),
                file=sys.stderr,
                flush=True,
            )
        return _headless(config, feed, args.seconds, args.interval, clock)
    finally:
        feed.stop()
        if pbx is not None:
            pbx.stop()


def _console_entry() -> ConsoleEntry | None:
    """`screens.app.run_console` if the UI is installed, else None (headless fallback)."""
    try:
        from screens.app import run_console  # lazy: the domain never imports Textual
    except ModuleNotFoundError as exc:
        if exc.name not in ("screens", "screens.app"):
            raise
        return None
    except ImportError:  # screens.app exists but has no run_console yet
        return None
    return run_console


def _headless(config: Config, feed: DemoFeed, seconds: float | None, interval: float, clock: Clock) -> int:
    from floorconsole import demo  # already imported by `run`: a lookup in sys.modules

    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    source = demo.measures_source(config, feed.feed_path, feed.layout, clock)
    try:
        demo.print_measures_loop(source, seconds=seconds, interval_s=interval, stop_event=stop)
    except BrokenPipeError:
        # Piped into `head` and the reader left: not an error. Point stdout at devnull so
        # the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        source.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if feed.error is not None:
        print("floorconsole demo: " + _("the simulator stopped: {error}").format(error=feed.error), file=sys.stderr)
        return 1
    return 0
