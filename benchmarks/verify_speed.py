"""Time `verify` over 100,000 duty-log entries (target, issue 3: <= 1 s).

    .venv/bin/python benchmarks/verify_speed.py [--entries 100000]

The entries are appended through the real chain code in large transactions (building the
file is not what is measured), then Store.verify() is timed: quick_check, triggers, the full
chain walk with SHA-256 of every entry, and every record row's hash.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from floorconsole.identity import Actor
from floorconsole.store import Store
from floorconsole.store.db import write_tx
from floorconsole.store.duty_log import append_entry


def main() -> int:
    """Build the log, then time verify (best of 3)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--no-record", dest="record", action="store_false", help="do not append to results.json")
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    load_before = [round(x, 2) for x in __import__("os").getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "verify.db"
        store = Store(path)
        actor = Actor("Li Na", "lina", "pts/1")
        t0 = time.perf_counter()
        batch = 10_000
        for start in range(0, args.entries, batch):
            with write_tx(store.conn):
                for i in range(start, min(args.entries, start + batch)):
                    append_entry(
                        store._ctx, "general", f"entry {i}: seat B{i % 40} headset replaced, queue 2 busy", actor
                    )
        build = time.perf_counter() - t0
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            report = store.verify()
            times.append(time.perf_counter() - t0)
            assert report.ok and report.entries == args.entries, report.problems[:3]
        store.close()
    print(f"entries={args.entries} build={build:.1f}s")
    print(f"verify: best={min(times):.3f}s  runs={', '.join(f'{t:.3f}' for t in times)}")
    print("target <= 1 s:", "MET" if min(times) <= 1.0 else "NOT MET")
    if args.record:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import results

        figures = {"verify_best_s": min(times), "verify_worst_s": max(times)}
        results.record("verify_speed", {"entries": args.entries}, figures, load_before=load_before, note=args.note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
