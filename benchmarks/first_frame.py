"""First correct frame after a long shift: refolding the shift vs starting from `watch`'s
snapshot (issue 8: target <= 1 s with a 1M-line shift).

Generates a 1M-line, 5,000-seat queue_log (benchmarks/parse_fold.py's generator), then:
1. a bare engine refolds it (the cost a console paid before `watch`);
2. a watcher engine (as `floorconsole watch` runs it) folds it and saves the snapshot;
3. the console (FloorApp, headless Pilot) opens on the same records database, once with the
   snapshot and once without, and the time until its model holds the live floor (status
   live, every seat row in the table) is measured from the moment the app is built; the
   harness waits on an event while the engine folds (it does not poll the app).
benchmarks/backfill.py measures the console's refold against a bare engine's in detail.
Prints the figures; run on a quiet machine. Usage: python benchmarks/first_frame.py [--lines N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import parse_fold  # noqa: E402

from floorconsole.clock import ManualClock  # noqa: E402
from floorconsole.config import Config  # noqa: E402
from floorconsole.engine import FloorEngine  # noqa: E402
from floorconsole.wiring import build_parts, feed_state_files  # noqa: E402
from screens.app import FloorApp  # noqa: E402
from screens.seat_table import SeatTable  # noqa: E402


def wait(pred, timeout: float = 300.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.005)


async def console_first_frame(config: Config, feed: Path, clock: ManualClock, seats: int) -> float:
    t0 = time.perf_counter()
    parts = build_parts(config, feed, clock=clock)
    live = threading.Event()
    parts.engine.subscribe(lambda u: live.set() if u.status is not None and u.status.live else None)
    app = FloorApp(parts, alert_toasts=False)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(SeatTable)
        # No polling while the engine folds: a Pilot pause every 5 ms (it walks the screen
        # and runs its timers) took the GIL ~400 times a second and made the refold look
        # 1.5-1.7x a bare engine's (benchmarks/backfill.py --harness-poll 0.005).
        await asyncio.get_running_loop().run_in_executor(None, live.wait, 300)
        while not (app.floor.status.live and len(table.order) >= seats):
            await pilot.pause(0.005)
        took = time.perf_counter() - t0
        note = app.engine.snapshot_note
    print(f"    ({note or 'no snapshot configured'})")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seats", type=int, default=5000)
    ap.add_argument("--no-record", dest="record", action="store_false", help="do not append to results.json")
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    import results

    load_before = results.load()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        feed = tmp / "queue_log"
        parse_fold.generate(feed, args.lines, args.seats)
        last = int(feed.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[1].split(b"|", 1)[0])
        clock = ManualClock(last + 60)
        config = Config(db_path=tmp / "floor.db", feed_path=feed)
        print(f"feed: {args.lines:,} lines, {feed.stat().st_size / 1e6:.0f} MB, {args.seats:,} seats")

        t0 = time.perf_counter()
        bare = FloorEngine(config, feed, clock=clock)
        bare.start()
        wait(lambda: bare.health.caught_up)
        figures["bare_refold_s"] = time.perf_counter() - t0
        print(f"  refold by a bare engine:              {figures['bare_refold_s']:6.2f} s")
        bare.stop()

        position, snap = feed_state_files(config, feed)
        t0 = time.perf_counter()
        watcher = FloorEngine(config, feed, clock=clock, position_file=position, snapshot_out=snap)
        watcher.start()
        wait(lambda: watcher.health.caught_up)
        watcher.stop()  # saves the snapshot
        print(
            f"  watch: fold + save snapshot:          {time.perf_counter() - t0:6.2f} s "
            f"({snap.stat().st_size / 1e6:.1f} MB)"
        )

        took = asyncio.run(console_first_frame(config, feed, clock, args.seats))
        figures["console_snapshot_s"] = took
        print(f"  console first live frame, snapshot:   {took:6.2f} s   (target <= 1 s)")
        snap.unlink()
        took = asyncio.run(console_first_frame(config, feed, clock, args.seats))
        figures["console_refold_s"] = took
        print(f"  console first live frame, refold:     {took:6.2f} s")
        print(f"  console refold vs bare engine:        {took / figures['bare_refold_s']:6.2f}x")
    if args.record:
        params = {"lines": args.lines, "seats": args.seats}
        results.record("first_frame", params, figures, load_before=load_before, note=args.note)


if __name__ == "__main__":
    main()
