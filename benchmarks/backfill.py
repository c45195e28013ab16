"""Backfill off the UI's way (issue 14): the console's refold of a long shift against a bare
engine's fold of the same file, and where the difference goes.

Generates a queue_log (benchmarks/parse_fold.py's generator; 1M lines, 5,000 seats by
default), then, `--runs` times, alternately:
1. a bare `FloorEngine` folds it: the time until it is caught up (`bare_s`);
2. the console (FloorApp, headless `run_test`, 160x50) is built on it without a snapshot:
   - `fold_s`: from building the app until the engine has published its first live update
     (the fold, as the console's engine thread ran it),
   - `frame_s`: until the console's model is live and every seat row is in the table
     (what first_frame.py measures),
   - the CPU seconds each thread used until `fold_s` (from /proc/self/task), so the
     event loop's share of the fold is seen.
The harness does not poll while the fold runs (it waits on an event the engine sets);
`--harness-poll 0.005` polls the way first_frame.py used to, to see what that costs.

`--pty`: the console as a person runs it (`floorconsole console` in a real pty, 160x50,
the feed's times moved to end a minute ago so it is this shift's), against a bare engine
in this process: the time from "catching up" first drawn to "lag " drawn (live), and the
CPU seconds of the console's event loop (main thread) and of its fold meanwhile.
`--child-switch S` also runs each console with sys.setswitchinterval(S) (an experiment).
BACKFILL_PYSPY=out.raw runs the pty console under `py-spy record --gil`;
BACKFILL_PYSPY_ATTACH=out.raw attaches py-spy for 2 s once "catching up" is drawn (the
fold's window only). Prints every run, the medians and the spread, and the load average;
records in benchmarks/results.json.
Usage: python benchmarks/backfill.py [--lines N] [--runs N] [--pty]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
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
from floorconsole.views import FloorUpdate  # noqa: E402
from floorconsole.wiring import build_parts  # noqa: E402
from screens.app import FloorApp  # noqa: E402
from screens.seat_table import SeatTable  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) per thread of this process, by Python thread name, and
    each thread's context switches ("name switches": voluntary + involuntary; a thread
    that blocks on the GIL or a select() counts one each time)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            status = (task / "status").read_text()
        except OSError:
            continue
        name = names.get(int(task.name), "other")
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
        switches = sum(int(line.split()[1]) for line in status.splitlines() if "ctxt_switches" in line)
        out[name + " switches"] = out.get(name + " switches", 0.0) + switches
    return out


def bare_fold(config: Config, feed: Path, clock: ManualClock) -> tuple[float, float, float]:
    before = thread_cpu()
    t0 = time.perf_counter()
    engine = FloorEngine(config, feed, clock=clock)
    done = threading.Event()
    cpu: list[float] = []

    def seen(update: FloorUpdate) -> None:
        if update.status is not None and update.status.live and not done.is_set():
            now = thread_cpu()
            cpu.append(now.get("floor-feed", 0.0) - before.get("floor-feed", 0.0))
            cpu.append(now.get("floor-feed switches", 0.0) - before.get("floor-feed switches", 0.0))
            done.set()

    engine.subscribe(seen)
    engine.start()
    done.wait(600)
    took = time.perf_counter() - t0
    engine.stop()
    return took, cpu[0], cpu[1]


async def console_fold(
    config: Config, feed: Path, clock: ManualClock, seats: int, poll: float
) -> tuple[float, float, dict[str, float]]:
    t0 = time.perf_counter()
    parts = build_parts(config, feed, clock=clock)
    live = threading.Event()
    marks: dict[str, float] = {}
    cpu: dict[str, dict[str, float]] = {}

    def seen(update: FloorUpdate) -> None:  # on the engine's thread
        if update.status is not None and update.status.live and not live.is_set():
            marks["fold"] = time.perf_counter() - t0
            cpu["at_fold"] = thread_cpu()
            live.set()

    parts.engine.subscribe(seen)  # before the app's own subscriber: it sees the update first
    cpu["start"] = thread_cpu()
    app = FloorApp(parts, alert_toasts=False)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(SeatTable)
        if poll > 0:
            while not live.is_set():
                await pilot.pause(poll)
        else:
            await asyncio.get_running_loop().run_in_executor(None, live.wait, 600)
        while not (app.floor.status.live and len(table.order) >= seats):
            await pilot.pause(0.005)
        frame = time.perf_counter() - t0
    used = {k: v - cpu["start"].get(k, 0.0) for k, v in cpu["at_fold"].items()}
    return marks["fold"], frame, used


def task_cpu(pid: int) -> tuple[float, float]:
    """(main thread, all other threads) CPU seconds of process `pid`."""
    main = other = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / TICK
        if int(task.name) == pid:
            main += used
        else:
            other += used
    return main, other


def pty_console(cfg: Path, tmp: Path, switch: float | None = None) -> tuple[float, float, float, float]:
    """The console (`floorconsole console`) in a real pty of 160x50: (spawn -> "catching up"
    on the screen, spawn -> "lag " on the screen (live), the CPU seconds of the console's
    main thread (the event loop: rendering, timers) and of its other threads (the fold)
    between the two)."""
    import fcntl
    import struct
    import subprocess
    import termios

    import ui_pty

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    reader = ui_pty.PtyReader(master)
    reader.expect(b"catching up")
    reader.expect(b"lag ")
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", PYTHONPATH=str(root))
    code = f"import sys; from floorconsole.cli import main; sys.exit(main(['console', '--config', {str(cfg)!r}]))"
    if switch is not None:  # an experiment: the whole console with another GIL switch interval
        code = f"import sys; sys.setswitchinterval({switch}); " + code
    argv = [sys.executable, "-c", code]
    if os.environ.get("BACKFILL_PYSPY"):  # profile the console: who holds the GIL (raw stacks)
        spy = str(Path(sys.executable).parent / "py-spy")
        argv = [
            spy,
            "record",
            "--gil",
            "--threads",
            "-r",
            "250",
            "-f",
            "raw",
            "-o",
            os.environ["BACKFILL_PYSPY"],
            "--",
            *argv,
        ]
    t0 = time.perf_counter()
    console = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, cwd=tmp)
    os.close(slave)
    try:
        backfilling = reader.wait_for(b"catching up", 60)
        pid = console.pid
        if os.environ.get("BACKFILL_PYSPY"):  # py-spy's child is the console
            pid = int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])
        start = task_cpu(pid)
        if os.environ.get("BACKFILL_PYSPY_ATTACH"):  # profile the fold's window only (2 s)
            spy = str(Path(sys.executable).parent / "py-spy")
            out = os.environ["BACKFILL_PYSPY_ATTACH"]
            subprocess.Popen(
                [spy, "record", "--gil", "--threads", "-r", "500", "-d", "2", "-f", "raw", "-o", out, "-p", str(pid)]
            )
        live = reader.wait_for(b"lag ", 600)
        end = task_cpu(pid)
        if backfilling is None or live is None:
            with reader.lock:
                tail = bytes(reader.buf[-2000:]).decode(errors="replace")
            raise SystemExit(f"the console did not go live:\n{tail}")
    finally:
        console.send_signal(signal.SIGINT if os.environ.get("BACKFILL_PYSPY") else signal.SIGTERM)
        try:
            console.wait(10)
        except subprocess.TimeoutExpired:
            console.kill()
            console.wait()
        os.close(master)
    return backfilling - t0, live - t0, end[0] - start[0], end[1] - start[1]


def main_pty(args: argparse.Namespace) -> None:
    """--pty: the console as a person runs it, against a bare engine in this process."""
    import results

    from floorconsole.wiring import wall_clock

    load_before = results.load()
    bare: list[float] = []
    catching: list[float] = []
    loop_cpu: list[float] = []
    fold_cpus: list[float] = []
    bare_cpus: list[float] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        feed = tmp / "queue_log"
        cfg = tmp / "config.toml"
        cfg.write_text(f'[floor]\nsupervisor = "Bench"\n[feed]\npath = "{feed}"\n[store]\ndb = "{tmp / "floor.db"}"\n')
        config = Config(db_path=tmp / "bare.db", feed_path=feed)
        clock = wall_clock(config)
        # the lines end a minute ago, so the console (on the wall clock) reads them as this
        # shift's; what falls before the shift start is skipped by both alike
        parse_fold.generate(feed, args.lines, args.seats)
        last = int(feed.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[1].split(b"|", 1)[0])
        shift = int(clock()) - 60 - last
        with open(feed, "rb") as src, open(tmp / "shifted", "wb") as dst:
            for line in src:
                head, rest = line.split(b"|", 1)
                dst.write(b"%d|%s" % (int(head) + shift, rest))
        (tmp / "shifted").replace(feed)
        print(
            f"feed: {args.lines:,} lines, {feed.stat().st_size / 1e6:.0f} MB, {args.seats:,} seats, "
            f"ending now; load average {results.load()}"
        )
        for run in range(args.runs):
            b, bc, _ = bare_fold(config, feed, clock)
            if args.child_switch is not None:
                shown, live, main_cpu, fold_cpu = pty_console(cfg, tmp, args.child_switch)
                (tmp / "floor.db").unlink(missing_ok=True)
                print(
                    f"  run {run + 1}: switch interval {args.child_switch * 1000:.0f} ms: caught up in "
                    f"{live - shown:5.2f} s ({(live - shown) / b:.2f}x); event loop {main_cpu:.2f} s, fold {fold_cpu:.2f} s"
                )
            shown, live, main_cpu, fold_cpu = pty_console(cfg, tmp)
            loop_cpu.append(main_cpu)
            fold_cpus.append(fold_cpu)
            bare_cpus.append(bc)
            (tmp / "floor.db").unlink(missing_ok=True)
            bare.append(b)
            catching.append(live - shown)
            print(
                f"  run {run + 1}: bare {b:5.2f} s (CPU {bc:.2f}) | pty console: 'catching up' shown at {shown:4.2f} s, "
                f"live at {live:5.2f} s: caught up in {live - shown:5.2f} s ({(live - shown) / b:.2f}x); "
                f"CPU meanwhile: event loop {main_cpu:.2f} s, fold {fold_cpu:.2f} s"
            )
    ratios = [c / b for c, b in zip(catching, bare, strict=True)]
    print(f"bare engine fold:             {spread(bare)} s")
    print(f"pty console 'catching up':    {spread(catching)} s")
    print(f"pty console / bare:           {spread(ratios)}x   (target <= 1.2x)")
    print(f"event loop CPU while folding: {spread(loop_cpu)} s")
    print(f"fold CPU, console:            {spread(fold_cpus)} s   (bare: {spread(bare_cpus)} s)")
    cpu_ratios = [(f + m) / b for f, m, b in zip(fold_cpus, loop_cpu, bare_cpus, strict=True)]
    print(f"console CPU / bare CPU:       {spread(cpu_ratios)}x   (fold + event loop while catching up)")
    print(f"load average now {results.load()}")
    if args.record:
        params = {"lines": args.lines, "seats": args.seats, "runs": args.runs, "pty": True}
        figures = {
            "bare_s": statistics.median(bare),
            "pty_catching_up_s": statistics.median(catching),
            "pty_ratio": statistics.median(ratios),
            "pty_ratio_max": max(ratios),
            "pty_loop_cpu_s": statistics.median(loop_cpu),
            "pty_fold_cpu_s": statistics.median(fold_cpus),
            "bare_cpu_s": statistics.median(bare_cpus),
            "pty_cpu_ratio": statistics.median(cpu_ratios),
        }
        results.record("backfill", params, figures, load_before=load_before, note=args.note)


def spread(xs: list[float]) -> str:
    return f"median {statistics.median(xs):6.2f}  min {min(xs):6.2f}  max {max(xs):6.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seats", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--harness-poll", type=float, default=0.0, help="poll the app every N s during the fold")
    ap.add_argument("--switch-interval", type=float, default=None, help="sys.setswitchinterval for the whole run")
    ap.add_argument("--no-record", dest="record", action="store_false", help="do not append to results.json")
    ap.add_argument("--note", default="")
    ap.add_argument("--pty", action="store_true", help="the console in a real pty (the shift ends now)")
    ap.add_argument(
        "--child-switch", type=float, default=None, help="--pty: also run each console with this switch interval"
    )
    args = ap.parse_args()
    import results

    if args.pty:
        main_pty(args)
        return
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    load_before = results.load()
    bare: list[float] = []
    bare_cpu: list[float] = []
    fold_cpu: list[float] = []
    main_cpu: list[float] = []
    fold: list[float] = []
    frame: list[float] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        feed = tmp / "queue_log"
        parse_fold.generate(feed, args.lines, args.seats)
        last = int(feed.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[1].split(b"|", 1)[0])
        clock = ManualClock(last + 60)
        print(
            f"feed: {args.lines:,} lines, {feed.stat().st_size / 1e6:.0f} MB, {args.seats:,} seats; "
            f"load average {results.load()}; switch interval {sys.getswitchinterval() * 1000:.0f} ms"
        )
        for run in range(args.runs):
            config = Config(db_path=tmp / f"floor{run}.db", feed_path=feed)
            b, bc, bsw = bare_fold(config, feed, clock)
            bare.append(b)
            bare_cpu.append(bc)
            f, fr, used = asyncio.run(console_fold(config, feed, clock, args.seats, args.harness_poll))
            fold.append(f)
            frame.append(fr)
            fold_cpu.append(used.get("floor-feed", 0.0))
            main_cpu.append(used.get("MainThread", 0.0))
            threads = ", ".join(
                f"{k} {v:.2f}" if "switches" not in k else f"{k} {v:.0f}"
                for k, v in sorted(used.items(), key=lambda kv: ("switches" in kv[0], -kv[1]))
                if v >= 0.01 and ("switches" not in k or k.split()[0] in ("MainThread", "floor-feed"))
            )
            print(
                f"  run {run + 1}: bare {bare[-1]:5.2f} s (CPU {bc:.2f}, {bsw:.0f} switches) | console fold {f:5.2f} s ({f / bare[-1]:.2f}x), "
                f"live frame {fr:5.2f} s ({fr / bare[-1]:.2f}x) | CPU s until folded: {threads}"
            )
    ratios = [f / b for f, b in zip(fold, bare, strict=True)]
    frame_ratios = [f / b for f, b in zip(frame, bare, strict=True)]
    print(f"bare engine fold:         {spread(bare)} s")
    print(f"console fold:             {spread(fold)} s")
    print(f"console live frame:       {spread(frame)} s")
    print(f"console fold / bare:      {spread(ratios)}x   (target <= 1.2x)")
    print(f"console frame / bare:     {spread(frame_ratios)}x")
    print(f"fold thread CPU: bare     {spread(bare_cpu)} s")
    print(f"fold thread CPU: console  {spread(fold_cpu)} s")
    print(f"event loop CPU until live {spread(main_cpu)} s")
    cpu_ratios = [(f + m) / b for f, m, b in zip(fold_cpu, main_cpu, bare_cpu, strict=True)]
    print(f"console CPU / bare CPU:   {spread(cpu_ratios)}x   (fold + event loop; the load does not change it)")
    print(f"load average now {results.load()}")
    if args.record:
        params = {
            "lines": args.lines,
            "seats": args.seats,
            "runs": args.runs,
            "harness_poll": args.harness_poll,
            "switch_interval": args.switch_interval,
        }
        figures = {
            "bare_s": statistics.median(bare),
            "console_fold_s": statistics.median(fold),
            "console_frame_s": statistics.median(frame),
            "fold_ratio": statistics.median(ratios),
            "fold_ratio_max": max(ratios),
            "frame_ratio": statistics.median(frame_ratios),
            "bare_cpu_s": statistics.median(bare_cpu),
            "console_fold_cpu_s": statistics.median(fold_cpu),
            "console_loop_cpu_s": statistics.median(main_cpu),
            "cpu_ratio": statistics.median(cpu_ratios),
        }
        results.record("backfill", params, figures, load_before=load_before, note=args.note)


if __name__ == "__main__":
    main()
