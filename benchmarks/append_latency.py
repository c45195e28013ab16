"""Append -> state updated latency, at 1,000 events/s (issue 2 target: p95 <= 100 ms).

A writer subprocess appends queue_log lines to a file in a temp dir at a fixed rate; each
line's call id carries the wall-clock time (ns) of its write. A FloorEngine follows the
file; the moment `Floor.feed` returns for a batch, every line in it is "applied", and its
latency is (apply time - write time). Prints p50/p95/p99/max and the applied rate.

    .venv/bin/python benchmarks/append_latency.py [--rate 1000] [--seconds 10]

If `floorconsole.floor` does not exist yet, it measures up to the FileFollower handing
the lines out (no parse/fold) and says so.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from floorconsole.config import Config
from floorconsole.tail import FileFollower

WRITER = r"""
import sys, time
path, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
n = int(rate * seconds)
f = open(path, "ab", buffering=0)  # unbuffered: each event is one write(), as Asterisk does
t0 = time.monotonic()
agents = [f"SIP/{1000 + a}" for a in range(50)]
for i in range(n):
    due = t0 + i / rate
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    now_ns = time.time_ns()
    f.write(f"{now_ns // 10**9}|bench-{now_ns}-{i}|sales|{agents[i % 50]}|ENTERQUEUE||5550{i % 10000:04d}|1\n".encode())
f.close()
"""


def write_time_ns(line: bytes) -> int | None:
    """The write time embedded in a benchmark line's call id."""
    try:
        callid = line.split(b"|", 2)[1]
        return int(callid.split(b"-")[1])
    except (IndexError, ValueError):
        return None


def percentile(sorted_values: list[float], pct: float) -> float:
    idx = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[idx]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=1000.0, help="events per second")
    ap.add_argument("--seconds", type=float, default=10.0, help="how long the writer runs")
    args = ap.parse_args(argv)
    n = int(args.rate * args.seconds)
    latencies_ms: list[float] = []
    lock = threading.Lock()

    def record(lines: list[bytes]) -> None:
        now = time.time_ns()
        with lock:
            for raw in lines:
                t = write_time_ns(raw)
                if t is not None:
                    latencies_ms.append((now - t) / 1e6)

    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "queue_log"
        feed.write_bytes(b"")
        try:
            from floorconsole.engine import FloorEngine

            class MeasuredEngine(FloorEngine):
                """Times each batch at the moment the Floor has applied it."""

                def _apply(self, lines: list[bytes]) -> None:
                    super()._apply(lines)
                    record(lines)

            engine = MeasuredEngine(Config(), feed)
            engine.start()
            stop = engine.stop
            what = "write -> Floor.feed applied (FloorEngine)"
        except ImportError as exc:
            follower = FileFollower(feed)

            def run() -> None:
                for batch in follower.batches():
                    if batch.lines:
                        record(batch.lines)

            t = threading.Thread(target=run, daemon=True)
            t.start()

            def stop() -> None:
                follower.stop()
                t.join(3)

            what = f"write -> FileFollower batch only (no Floor yet: {exc})"
        time.sleep(0.3)  # let the directory watch start before the first write
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-c", WRITER, str(feed), str(args.rate), str(args.seconds)], check=True)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with lock:
                if len(latencies_ms) >= n:
                    break
            time.sleep(0.01)
        elapsed = time.monotonic() - t0
        stop()

    got = sorted(latencies_ms)
    print(f"append_latency: {what}")
    print(f"  events written {n}, applied {len(got)} ({'all' if len(got) == n else 'MISSING ' + str(n - len(got))})")
    if got:
        print(f"  rate            {len(got) / elapsed:,.0f} events/s over {elapsed:.1f} s")
        print(
            f"  latency ms      p50 {percentile(got, 50):.1f}  p95 {percentile(got, 95):.1f}  "
            f"p99 {percentile(got, 99):.1f}  max {got[-1]:.1f}"
        )
        ok = percentile(got, 95) <= 100.0 and len(got) == n
        print(f"  target p95 <= 100 ms: {'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
