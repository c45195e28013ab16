"""A whole shift, sped up: does the console's memory stay flat? (issue 14)

    .venv/bin/python benchmarks/memory_shift.py [--seats 5000] [--hours 8] [--speed 48]

1. writes the benchmark floor (benchmarks/ui_pty.py's: `--seats` seats and a bench seat);
2. starts a simulator at the floor's natural load and event mix (no rate mode: calls,
   talk times, breaks and escalations as on a real floor), its time running `--speed`
   times as fast as the wall clock: 8 simulated hours in 8 h / speed (10 min at 48);
3. starts the console in a pty (160x50), its clock running at the same speed from the
   same origin, so ages, timers, minutes of the sparklines and the shift all move as
   they would over a shift; feed escalations are recorded (nobody resolves them, as in
   the issue's measurement);
4. prints the console's RSS (VmRSS) and CPU per simulated hour, then whether the last
   RSS is within 20 % of the RSS after the first simulated hour (the warm-up), and writes
   a probe at the end to check the console is still following the feed.
Appends the figures to benchmarks/results.json. The machine's load shows in CPU and in
whether the console keeps up; RSS is what this benchmark is about.
"""

from __future__ import annotations

import argparse
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

WARMUP_H = 1  # the RSS at the end of this simulated hour is the reference
TOLERANCE = 0.20


def sim_main(feed: str, seats: int, speed: float, hours: float, seed: int, origin_file: str) -> int:
    """The feed: history of 10 simulated minutes, then `hours` more at `speed`x."""
    import threading

    from floorconsole.config import Thresholds
    from floorconsole.layout import generated_layout
    from floorconsole.simulator import DEFAULT_QUEUES, Simulator

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sim = Simulator(generated_layout(seats, DEFAULT_QUEUES), Thresholds(wrapup_s=10), seed=seed, profile=None)
    fd = os.open(feed, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    t0 = time.time()
    lines = 0
    batch: list[str] = []
    for line in sim.lines_between(t0 - 600, t0):
        batch.append(line)
        if len(batch) >= 5000:
            lines += len(batch)
            os.write(fd, ("\n".join(batch) + "\n").encode())
            batch = []
    if batch:
        lines += len(batch)
        os.write(fd, ("\n".join(batch) + "\n").encode())
    w0 = time.time()
    Path(origin_file).write_text(f"{t0} {w0} {speed}\n")  # simulated time t0 at wall time w0
    end = t0 + hours * 3600
    while not stop.is_set():
        target = min(end, t0 + (time.time() - w0) * speed)
        chunk = list(sim.lines_until(target))
        if chunk:
            lines += len(chunk)
            os.write(fd, ("\n".join(chunk) + "\n").encode())
        if target >= end:
            break
        stop.wait(0.1)
    os.close(fd)
    print(f"wrote {lines} lines", file=sys.stderr)
    return 0


def child_main(config_path: str, origin_file: str) -> int:
    """The console, its clock running at the simulator's speed."""
    from floorconsole.config import load_config
    from screens.app import run_console

    t0, w0, speed = (float(x) for x in Path(origin_file).read_text().split())

    def clock() -> float:
        return t0 + (time.time() - w0) * speed

    trim_s = float(os.environ.get("FC_MALLOC_TRIM_S", "0") or 0)
    if trim_s > 0:  # --malloc-trim: is the growth memory freed but kept by malloc?
        import ctypes
        import threading

        libc = ctypes.CDLL("libc.so.6")

        def trim() -> None:
            while True:
                time.sleep(trim_s)
                libc.malloc_trim(0)

        threading.Thread(target=trim, daemon=True).start()
    trace = os.environ.get("FC_MEMORY_TRACE")
    if trace:  # --trace: tracemalloc snapshots on SIGUSR1 (slower; for finding what grows)
        import tracemalloc

        tracemalloc.start(int(os.environ.get("FC_MEMORY_TRACE_FRAMES", "3")))
        taken = [0]

        def dump(*_: object) -> None:
            taken[0] += 1
            tracemalloc.take_snapshot().dump(f"{trace}.{taken[0]}")

        signal.signal(signal.SIGUSR1, dump)
    config = load_config(config_path)
    return run_console(config, config.feed_path, clock=clock)


def show_growth(trace: Path) -> None:
    """What was allocated between the warm-up snapshot and the last one, biggest first."""
    import tracemalloc

    for _ in range(100):
        if Path(f"{trace}.2").exists():
            break
        time.sleep(0.1)
    try:
        first = tracemalloc.Snapshot.load(f"{trace}.1")
        last = tracemalloc.Snapshot.load(f"{trace}.2")
    except OSError as exc:
        print(f"(no tracemalloc snapshots: {exc})")
        return
    print("grew most after warm-up (tracemalloc, by traceback):")
    for stat in last.compare_to(first, "traceback")[:12]:
        print(f"  {stat.size_diff / 1024:+9.0f} KB {stat.count_diff:+7d} blocks")
        for line in stat.traceback.format(limit=4):
            print(f"      {line}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    if len(sys.argv) >= 2 and sys.argv[1] == "--sim":
        a = sys.argv[2:]
        return sim_main(a[0], int(a[1]), float(a[2]), float(a[3]), int(a[4]), a[5])
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        return child_main(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seats", type=int, default=5000)
    ap.add_argument("--hours", type=float, default=8.0, help="simulated hours")
    ap.add_argument("--speed", type=float, default=48.0, help="simulated seconds per wall-clock second")
    ap.add_argument("--seed", type=int, default=7, help="the simulator's seed")
    ap.add_argument("--samples", type=int, default=1, help="RSS samples per simulated hour")
    ap.add_argument("--trace", action="store_true", help="tracemalloc in the console: print what grew after warm-up")
    ap.add_argument(
        "--malloc-trim", type=float, default=0, metavar="S", help="diagnosis: malloc_trim(0) in the console every S s"
    )
    ap.add_argument("--no-record", dest="record", action="store_false")
    ap.add_argument("--note", default="")
    args = ap.parse_args()

    import fcntl
    import termios

    import results as results_file
    from ui_pty import PtyReader, cpu_seconds, feed_time, write_floor

    load_before = results_file.load()
    tmp = Path(tempfile.mkdtemp(prefix="fc-mem-"))
    cfg = write_floor(tmp, args.seats)
    feed, origin = tmp / "queue_log", tmp / "origin"
    py, me = sys.executable, str(Path(__file__).resolve())
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", PYTHONPATH=str(ROOT))
    trace = tmp / "trace"
    console_env = dict(env, FC_MEMORY_TRACE=str(trace)) if args.trace else dict(env)
    if args.malloc_trim:
        console_env["FC_MALLOC_TRIM_S"] = str(args.malloc_trim)
    sim = subprocess.Popen(
        [py, me, "--sim", str(feed), str(args.seats), str(args.speed), str(args.hours), str(args.seed), str(origin)],
        stderr=subprocess.PIPE,
        env=env,
    )
    while not origin.exists():
        if sim.poll() is not None:
            print("the simulator stopped", file=sys.stderr)
            return 2
        time.sleep(0.05)
    _, w0, _ = (float(x) for x in origin.read_text().split())
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    reader = PtyReader(master)
    reader.expect(b"lag ")
    console = subprocess.Popen(
        [py, me, "--child", str(cfg), str(origin)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=console_env,
        start_new_session=True,
        cwd=str(tmp),
    )
    os.close(slave)
    hour_s = 3600 / args.speed
    rows: list[tuple[float, float, float]] = []  # (simulated hour, RSS MB, CPU %)
    probe_ms = float("nan")
    try:
        if reader.wait_for(b"lag ", 600) is None:
            print("the console did not go live", file=sys.stderr)
            return 2
        print(f"floor: {args.seats} seats, natural load, {args.hours:g} simulated hours at {args.speed:g}x")
        print(f"{'sim hour':>8} {'RSS MB':>8} {'CPU %':>7}")
        cpu_prev, wall_prev = cpu_seconds(console.pid), time.time()
        steps = int(args.hours * args.samples)
        for i in range(1, steps + 1):
            due = w0 + i * hour_s / args.samples
            while time.time() < due:
                if console.poll() is not None:
                    print(f"the console exited ({console.returncode})", file=sys.stderr)
                    return 2
                time.sleep(min(0.5, max(0.0, due - time.time())))
            cpu, wall = cpu_seconds(console.pid), time.time()
            row = (i / args.samples, rss_mb(console.pid), 100 * (cpu - cpu_prev) / (wall - wall_prev))
            cpu_prev, wall_prev = cpu, wall
            rows.append(row)
            print(f"{row[0]:8.2f} {row[1]:8.1f} {row[2]:7.1f}", flush=True)
            if args.trace and (i == WARMUP_H * args.samples or i == steps):
                os.kill(console.pid, signal.SIGUSR1)
        # still following? a probe on the feed's own clock
        fd = os.open(feed, os.O_RDWR | os.O_APPEND)
        reader.expect(b"BMEND")
        t = time.perf_counter()
        os.write(fd, f"{feed_time(fd)}|NONE|NONE|SIP/BENCH|PAUSE|BMEND\n".encode())
        os.close(fd)
        seen = reader.wait_for(b"BMEND", 30)
        probe_ms = (seen - t) * 1000 if seen else float("inf")
        os.write(master, b"q")
        console.wait(10)
    finally:
        if console.poll() is None:
            os.killpg(console.pid, signal.SIGTERM)
            console.wait(5)
        sim.send_signal(signal.SIGTERM)
        sim.wait(10)
        os.close(master)
    if args.trace:
        show_growth(trace)
    sim_err = sim.stderr.read().decode(errors="replace").strip() if sim.stderr else ""
    ref = next((r for r in rows if r[0] >= WARMUP_H), rows[0])[1]
    last = rows[-1][1]
    growth = (last - ref) / ref
    ok = growth <= TOLERANCE
    print(f"simulator: {sim_err.splitlines()[-1] if sim_err else '?'}")
    print(f"RSS after warm-up (hour {WARMUP_H}): {ref:.1f} MB; at the end: {last:.1f} MB ({growth * 100:+.1f} %)")
    print(f"target: within {TOLERANCE * 100:.0f} % of the post-warm-up RSS: {'ok' if ok else 'MISSED'}")
    print(f"end-of-run probe shown after {probe_ms:.0f} ms (the console kept up with the feed)")
    if args.record:
        figures = {
            "rss_warm_mb": ref,
            "rss_end_mb": last,
            "rss_max_mb": max(r[1] for r in rows),
            "growth_pct": growth * 100,
            "cpu_mean_pct": sum(r[2] for r in rows) / len(rows),
            "end_probe_ms": probe_ms,
            "rss_by_hour": [round(r[1], 1) for r in rows],
        }
        params = {"seats": args.seats, "hours": args.hours, "speed": args.speed, "seed": args.seed}
        if args.malloc_trim:
            params["malloc_trim_s"] = args.malloc_trim
        results_file.record("memory_shift", params, figures, load_before=load_before, note=args.note)
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
