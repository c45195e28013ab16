"""Benchmark: parse + fold of a 1M-line queue_log of a 5,000-seat floor.

Usage: .venv/bin/python benchmarks/parse_fold.py [--lines N] [--seats N] [--repeat N]

Generates (once, cached under benchmarks/out/) a realistic queue_log: ADDMEMBER for every
seat, Poisson arrivals over 20 queues, ring-no-answer noise and real ring-outs, lognormal
talk times, abandons, timeouts, transfers, pauses and a few ESCALATE lines. Prints lines/s
for parse-only (split lines and fields, read the time) and for parse + fold
(`Floor.feed`), the memory of the folded state (tracemalloc) and the process RSS.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from floorconsole.config import Thresholds  # noqa: E402
from floorconsole.floor import Floor  # noqa: E402
from floorconsole.layout import generated_layout  # noqa: E402
from floorconsole.replay import read_blocks  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
QUEUES = tuple(f"q{i:02d}" for i in range(20))
START = 1_700_000_000


def generate(path: Path, n_lines: int, n_seats: int, seed: int = 7) -> None:
    """Write about `n_lines` queue_log lines for a floor of `n_seats` (deterministic)."""
    rnd = random.Random(seed)
    agents = [f"SIP/{1001 + i}" for i in range(n_seats)]
    home = {a: QUEUES[i % len(QUEUES)] for i, a in enumerate(agents)}
    events: list[tuple[int, int, str]] = []
    seq = 0

    def emit(t: float, callid: str, queue: str, agent: str, verb: str, data: str) -> None:
        nonlocal seq
        seq += 1
        events.append((int(t), seq, f"{int(t)}|{callid}|{queue}|{agent}|{verb}|{data}"))

    t0 = START
    for a in agents:
        emit(t0, "NONE", home[a], a, "ADDMEMBER", "")
    free = [(t0 + rnd.random() * 60, a) for a in agents]  # (free at, agent)
    heapq.heapify(free)
    # ~14 calls/s keeps 5,000 seats ~85% busy with a ~5 min handle time.
    rate, t, n = 14.0, float(t0 + 60), 0
    while len(events) < n_lines:
        t += rnd.expovariate(rate)
        n += 1
        callid = f"{int(t)}.{n}"
        q = QUEUES[min(int(rnd.expovariate(0.25)), len(QUEUES) - 1)]
        caller = f"0170{rnd.randrange(10**7):07d}"
        emit(t, callid, q, "NONE", "ENTERQUEUE", f"|{caller}|1")
        if rnd.random() < 0.01:
            emit(t + 1, callid, q, "NONE", "DID", "8005550100")
        free_at, agent = heapq.heappop(free)
        start = max(t, free_at) + rnd.uniform(0, 6)
        patience = rnd.lognormvariate(3.5, 0.8)
        if start - t > patience:  # gave up before anyone answered
            heapq.heappush(free, (free_at, agent))
            w = int(patience)
            if rnd.random() < 0.9:
                emit(t + w, callid, q, "NONE", "ABANDON", f"1|1|{w}")
            else:
                emit(t + w, callid, q, "NONE", "EXITWITHTIMEOUT", f"1|1|{w}")
            continue
        for _ in range(rnd.choice((0, 0, 0, 1, 1, 2))):  # rang elsewhere first
            other = agents[rnd.randrange(n_seats)]
            ring_ms = 15000 if rnd.random() < 0.1 else rnd.choice((0, 1000, 2000))
            emit(start - 1, callid, q, other, "RINGNOANSWER", str(ring_ms))
        hold = int(start - t)
        talk = int(rnd.lognormvariate(5.4, 0.6))
        emit(start, callid, q, agent, "CONNECT", f"{hold}|{callid}.1|{rnd.randint(1, 6)}")
        if rnd.random() < 0.002:
            emit(start + talk / 2, callid, q, agent, "ESCALATE", "customer insists|2")
        end = start + talk
        r = rnd.random()
        if r < 0.03:
            emit(end, callid, q, agent, "BLINDTRANSFER", f"2000|from-internal|{hold}|{talk}|1")
        elif r < 0.5:
            emit(end, callid, q, agent, "COMPLETECALLER", f"{hold}|{talk}|1")
        else:
            emit(end, callid, q, agent, "COMPLETEAGENT", f"{hold}|{talk}|1")
        nxt = end + rnd.uniform(5, 30)
        if rnd.random() < 0.04:  # a break after this call
            emit(end + 1, "NONE", q, agent, "PAUSE", rnd.choice(("break", "meal", "training")))
            nxt = end + rnd.uniform(300, 1200)
            emit(nxt, "NONE", q, agent, "UNPAUSE", "")
        heapq.heappush(free, (nxt, agent))
    events.sort()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="ascii") as f:
        f.write("\n".join(e[2] for e in events[:n_lines]))
        f.write("\n")
    tmp.replace(path)


def parse_only(blocks: list[bytes]) -> int:
    """The floor of parsing cost: split lines and fields, read the time."""
    n = 0
    for block in blocks:
        for line in block.split(b"\n"):
            p = line.split(b"|", 5)
            try:
                int(p[0])
            except ValueError:
                continue
            n += 1
    return n


def fold(blocks: list[bytes], layout) -> Floor:
    floor = Floor(Thresholds(), layout, feed_format="queue_log")
    floor.feed(blocks)
    return floor


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seats", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = OUT / f"floor-{args.seats}-{args.lines}.queue_log"
    if not path.exists():
        t = time.process_time()
        generate(path, args.lines, args.seats)
        print(f"generated {path} in {time.process_time() - t:.1f} s")
    blocks = list(read_blocks(path))
    n_lines = sum(b.count(b"\n") for b in blocks)
    size_mb = path.stat().st_size / 1e6
    layout = generated_layout(args.seats, QUEUES)
    print(f"file: {n_lines:,} lines, {size_mb:.0f} MB, {args.seats:,} seats, {len(QUEUES)} queues")

    best = min(_timed(lambda: parse_only(blocks)) for _ in range(args.repeat))
    print(f"parse only:   {n_lines / best:>12,.0f} lines/s  ({best:.2f} s)")
    best = min(_timed(lambda: fold(blocks, layout)) for _ in range(args.repeat))
    print(f"parse + fold: {n_lines / best:>12,.0f} lines/s  ({best:.2f} s)")

    floor = fold(blocks, layout)
    m = floor.measures_total(floor.last_event_time)
    print(
        f"check: parsed={floor.lines_parsed:,} malformed={floor.lines_malformed} "
        f"unknown={floor.lines_unknown} offered={m.offered:,} answered={m.answered:,} "
        f"SL={m.service_level:.1f}% open calls={floor.open_calls} rejects={floor.rejects.counts}"
    )
    del floor
    gc.collect()
    tracemalloc.start()
    _floor = fold(blocks, layout)  # kept alive: `current` counts it
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"memory of the {args.seats:,}-seat state after the fold: {current / 1e6:.1f} MB (tracemalloc; peak during fold {peak / 1e6:.1f} MB)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MB (includes the {size_mb:.0f} MB file held in memory)")
    return 0


def _timed(fn) -> float:
    # CPU time of this process: the machine is shared, wall time would measure neighbours.
    gc.collect()
    t = time.process_time()
    fn()
    return time.process_time() - t


if __name__ == "__main__":
    raise SystemExit(main())
