"""Write a simulated Asterisk queue_log for a floor (demo and benchmark feed).

Examples:
  floorconsole simulate --out /tmp/queue_log                      # demo floor, real time
  floorconsole simulate --out /tmp/queue_log --history 120 --speed 10
  floorconsole simulate --out /tmp/queue_log --seats 5000 --rate 1000 --history 1 --duration 60
      (rate mode: a minute of history starts the live phase with a warm, busy floor)
  floorconsole simulate --out /tmp/queue_log --history 60 --duration 0   # one hour, then exit
  floorconsole simulate --out /tmp/queue_log --flat     # as busy at 03:00 as at 10:00

Arrivals follow the local time of day (a quiet night, morning and afternoon peaks, a lunch
dip) and agents log in and out with them; --flat keeps the peak-hour load all day, and
--rate mode is always flat.

Appends to --out (creating its directory). Stops cleanly on Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from floorconsole.config import ConfigError, load_config
from floorconsole.i18n import _
from floorconsole.layout import load_layout
from floorconsole.store.cli_support import finite_float


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `simulate` options."""
    parser.add_argument("--out", required=True, help=_("queue_log file to append to"))
    parser.add_argument("--seats", type=int, help=_("generate a floor of N seats instead of the config's layout"))
    parser.add_argument(
        "--speed", type=finite_float, default=1.0, help=_("floor time per wall-clock second (default 1)")
    )
    parser.add_argument(
        "--rate", type=finite_float, help=_("target events (lines) per second; speeds the floor up to reach it")
    )
    parser.add_argument(
        "--history",
        type=finite_float,
        default=0.0,
        metavar="MIN",
        help=_("first write MIN minutes of backdated history, as fast as possible"),
    )
    parser.add_argument(
        "--duration",
        type=finite_float,
        metavar="S",
        help=_("stop after S wall-clock seconds of live feed (default: run until stopped)"),
    )
    parser.add_argument(
        "--flat",
        action="store_true",
        help=_("the same arrival rate at every hour (no time-of-day profile; --rate implies it)"),
    )
    parser.add_argument("--seed", type=int, default=0, help=_("random seed (same seed, same floor)"))
    parser.add_argument(
        "--rotate-every",
        type=finite_float,
        metavar="S",
        help=_("rename-rotate the file every S seconds (queue_log -> queue_log.1 ...)"),
    )


def run(args: argparse.Namespace) -> int:
    """Run the simulator until --duration ends or a signal arrives."""
    from floorconsole.layout import generated_layout
    from floorconsole.simulator import DEFAULT_QUEUES, Simulator

    try:
        config = load_config(args.config)
        if args.seats is not None:
            if args.seats < 1:
                print("floorconsole simulate: " + _("--seats must be at least 1"), file=sys.stderr)
                return 2
            layout = generated_layout(args.seats, DEFAULT_QUEUES)
        else:
            layout = load_layout(config.layout_path)
    except ConfigError as exc:
        print(f"floorconsole simulate: {exc}", file=sys.stderr)
        return 2
    if args.speed <= 0 or (args.rate is not None and args.rate <= 0) or args.history < 0:
        print(
            "floorconsole simulate: " + _("--speed and --rate must be positive, --history not negative"),
            file=sys.stderr,
        )
        return 2
    sim = Simulator(layout, config.thresholds, seed=args.seed, rate=args.rate, profile=None if args.flat else "daily")

    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        # Only flag: the writer finishes its current batch of whole lines, then exits.
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    print(
        _("simulating {seats} seats, queues {queues}").format(seats=len(layout.seats), queues=", ".join(sim.queues))
        + (_(", ~{rate} events/s").format(rate=f"{args.rate:g}") if args.rate else "")
        + ("" if sim.profile else _(", flat"))
        + f" -> {args.out}",
        file=sys.stderr,
        flush=True,
    )
    try:
        stats = sim.run(
            args.out,
            speed=args.speed,
            history_s=args.history * 60.0,
            duration_s=args.duration,
            stop_event=stop,
            rotate_every_s=args.rotate_every,
        )
    except OSError as exc:
        print(
            "floorconsole simulate: " + _("cannot write {path}: {error}").format(path=args.out, error=exc),
            file=sys.stderr,
        )
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(
        _("wrote {lines} lines ({history} history, {rotations} rotations)").format(
            lines=stats.lines, history=stats.history_lines, rotations=stats.rotations
        ),
        file=sys.stderr,
    )
    return 0
