"""`floorconsole watch`: the feed engine without a screen, all shift long.

It follows the feed, records every feed escalation as it is written (raised by the agent on
the line, once, whether or not a console is open) and every attendance flag of the roster
(late, off post, long meal, not rostered: once per episode, console or not;
floorconsole/roster/attendance_recorder.py), keeps the feed position and, every few
seconds, a snapshot of the floor next to the records database; consoles on the same
database then open from that snapshot at once instead of refolding the shift. It writes
nothing to the terminal but one status line (`--quiet`: nothing but errors), and stops
cleanly on SIGINT/SIGTERM (final position and snapshot saved). See docs/watch.md for a
systemd unit.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from floorconsole.commands.common import feed_config
from floorconsole.config import ConfigError
from floorconsole.i18n import _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `watch` options."""
    parser.add_argument(
        "--feed", metavar="FILE", help=_("queue_log or JSON-lines feed to follow (overrides feed.path)")
    )
    parser.add_argument("--quiet", action="store_true", help=_("print nothing but errors (for services)"))
    parser.add_argument("--interval", type=float, default=2.0, help=_("seconds between status updates (default 2)"))
    parser.add_argument("--seconds", type=float, help=_("stop after this many seconds (default: until stopped)"))


def run(args: argparse.Namespace) -> int:
    """Follow the feed headless until stopped."""
    from floorconsole.identity import current_actor
    from floorconsole.layout import configured_layout
    from floorconsole.store import StoreError, StoreService
    from floorconsole.wiring import build_engine, follow_attendance, wall_clock

    if not args.interval > 0 or (args.seconds is not None and not args.seconds >= 0):
        print("floorconsole watch: --interval must be positive and --seconds not negative", file=sys.stderr)
        return 2
    try:
        config, feed = feed_config(args)
        clock = wall_clock(config)
        layout = configured_layout(config.layout_path)
        service = StoreService.from_config(config, clock=clock)
    except (ConfigError, StoreError, OSError) as exc:
        print(f"floorconsole watch: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    engine = build_engine(config, feed, clock, layout, service, watcher=True)
    attendance = follow_attendance(config, engine, service, clock, current_actor(config))
    status = _Status(quiet=args.quiet, tty=sys.stderr.isatty())
    try:
        engine.start()
        attendance.start()
        waited = 0.0
        while not stop.wait(
            args.interval if args.seconds is None else min(args.interval, max(0.0, args.seconds - waited))
        ):
            waited += args.interval
            status.show(engine)
            if args.seconds is not None and waited >= args.seconds:
                break
    finally:
        attendance.stop()
        engine.stop()
        service.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        status.show(engine, final=True)
    return 0


class _Status:
    """One status line: rewritten in place on a terminal, a line a minute otherwise."""

    def __init__(self, quiet: bool, tty: bool) -> None:
        self.quiet, self.tty = quiet, tty
        self.count = 0
        self.last_error: str | None = None

    def show(self, engine: object, final: bool = False) -> None:
        from floorconsole.printable import printable

        health = engine.health  # type: ignore[attr-defined]
        if health.last_error and health.last_error != self.last_error:
            self.last_error = health.last_error
            print(
                f"floorconsole watch: {printable(health.last_error.splitlines()[0], 200)}", file=sys.stderr, flush=True
            )
        if self.quiet:
            return
        rejected = sum(health.reject_counts.values())
        line = (
            f"watch: {health.state} · {health.lines_applied} lines · rejected {rejected} · "
            f"{printable(str(health.path), 60)}"
        )
        self.count += 1
        if self.tty:
            end = "\n" if final else ""
            print(f"\r\x1b[2K{line}", end=end, file=sys.stderr, flush=True)
        elif final or self.count % 30 == 1:
            print(line, file=sys.stderr, flush=True)
