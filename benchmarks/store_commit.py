"""Note commit latency with 8 concurrent writer processes under synchronous=FULL.

    .venv/bin/python benchmarks/store_commit.py [--writers 8] [--seconds 5] [--db PATH]

Each writer appends duty-log entries (each its own BEGIN IMMEDIATE ... COMMIT with fsync)
as fast as it can and records how long every add_entry call took, including waiting for the
write lock. Target (issue 3): p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKER = r"""
import json, sys, time
from floorconsole.identity import Actor
from floorconsole.store import Store
path, name, start_at, seconds, pause = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
store = Store(path)
actor = Actor(name, name, "-")
while time.time() < start_at:
    time.sleep(0.001)
lat = []
while time.time() < start_at + seconds:
    t0 = time.perf_counter()
    store.add_entry("general", f"benchmark note from {name}: queue 3 waiting times rising", actor)
    lat.append(time.perf_counter() - t0)
    if pause:
        time.sleep(pause)
print(json.dumps(lat))
"""


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> int:
    """Run the benchmark and print p50/p95/p99."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--pause", type=float, default=0.0, help="sleep between a writer's notes (0 = flat out)")
    ap.add_argument("--db", help="database path (default: a temp dir)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    from floorconsole.store import Store

    Store(path).close()
    start_at = time.time() + 3.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), f"w{n}", str(start_at), str(args.seconds), str(args.pause)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(args.writers)
    ]
    lat: list[float] = []
    for p in procs:
        out, _ = p.communicate()
        lat += json.loads(out)
    ms = [x * 1000 for x in lat]
    print(f"writers={args.writers} seconds={args.seconds} pause={args.pause}s synchronous=FULL journal=WAL")
    print(f"commits={len(ms)} ({len(ms) / args.seconds:.0f}/s)  mean={statistics.mean(ms):.2f} ms")
    print(f"p50={pct(ms, 50):.2f} ms  p95={pct(ms, 95):.2f} ms  p99={pct(ms, 99):.2f} ms  max={max(ms):.2f} ms")
    print(f"over 50 ms: {sum(1 for x in ms if x > 50)} commits; over 1 s: {sum(1 for x in ms if x > 1000)}")
    print("target p99 <= 50 ms:", "MET" if pct(ms, 99) <= 50 else "NOT MET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
