"""Benchmark: the AMI tracker at 5,000 seats and the gateway's action round trip.

Usage: .venv/bin/python benchmarks/ami_events.py [--seats N] [--events N] [--actions N]

1. Tracker: a 5,000-seat floor (members in 20 queues, snapshot of the live calls), then a
   stream of the events a busy floor sends (caller joins, agent rings, connects, bridges,
   completes, hangs up, device states, pauses). Prints µs per event and the events/s one
   core sustains, against the 2,000 events/s target.
2. Actions against the fake AMI server over real TCP on 127.0.0.1: key -> action sent
   (the gateway's own work until the bytes are written) and action -> confirmed (until the
   Response is matched), median and p99 over N QueuePause actions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support.fake_ami import (  # noqa: E402
    FakeAmi,
    Leg,
    agent_called,
    agent_complete,
    agent_connect,
    bridge_enter,
    bridge_leave,
    device_state_change,
    hangup,
    newchannel,
    newstate,
    queue_caller_join,
    queue_caller_leave,
    queue_member_item,
    queue_member_pause,
)

from floorconsole.ami.gateway import AmiGateway  # noqa: E402
from floorconsole.ami.settings import parse_ami_settings  # noqa: E402
from floorconsole.ami.tracker import AmiTracker  # noqa: E402
from floorconsole.clock import ManualClock  # noqa: E402


def call_events(i: int, seats: int) -> list[dict[str, str]]:
    """The ~16 events of one answered queue call, as dicts like panoramisk hands over."""
    seat = i % seats
    queue = f"q{seat % 20}"
    iface = f"PJSIP/{1000 + seat}"
    caller = Leg(f"PJSIP/trunk-{i:08x}", f"1700000000.{2 * i}", f"1700000000.{2 * i}", f"138{i:08d}")
    agent = Leg(f"{iface}-{i:08x}", f"1700000000.{2 * i + 1}", caller.uniqueid, str(1000 + seat))
    bridge = f"bridge-{i}"
    seq = [
        newchannel(caller, "4"),
        newstate(caller, "6"),
        queue_caller_join(queue, caller),
        newchannel(agent, "0"),
        agent_called(queue, caller, agent, iface, f"Agent {seat}"),
        device_state_change(iface, "RINGING"),
        newstate(agent, "6"),
        queue_caller_leave(queue, caller),
        agent_connect(queue, caller, agent, iface, f"Agent {seat}"),
        bridge_enter(bridge, caller, 1),
        bridge_enter(bridge, agent, 2),
        device_state_change(iface, "INUSE"),
        agent_complete(queue, caller, agent, iface, f"Agent {seat}"),
        bridge_leave(bridge, caller, 1),
        bridge_leave(bridge, agent, 0),
        hangup(caller),
        hangup(agent),
        device_state_change(iface, "NOT_INUSE"),
    ]
    if i % 10 == 0:
        seq.append(queue_member_pause(queue, f"Agent {seat}", iface, i % 20 == 0, "break"))
    return [dict(e) for e in seq]


def bench_tracker(seats: int, n_events: int) -> None:
    tr = AmiTracker()
    members = [queue_member_item(f"q{s % 20}", f"Agent {s}", f"PJSIP/{1000 + s}") for s in range(seats)]
    t0 = time.perf_counter()
    tr.apply_snapshot(members, [], 0.0)
    snap = time.perf_counter() - t0
    # keep ~seats/2 calls in flight: interleave the events of many calls
    stream: list[dict[str, str]] = []
    i = 0
    while len(stream) < n_events:
        batch = [call_events(i + k, seats) for k in range(seats // 2)]
        i += seats // 2
        for step in range(max(len(b) for b in batch)):
            stream.extend(b[step] for b in batch if step < len(b))
    stream = stream[:n_events]
    now = 1.0
    t0 = time.perf_counter()
    for e in stream:
        tr.apply(e, now)
        now += 0.0005
    dt = time.perf_counter() - t0
    per = dt / len(stream) * 1e6
    print(f"tracker: {seats} seats, snapshot of {len(members)} members in {snap * 1000:.0f} ms")
    print(
        f"tracker: {len(stream)} events in {dt:.2f} s = {per:.1f} µs/event = {len(stream) / dt:,.0f} events/s "
        f"(target 2,000/s uses {2000 * per / 1e6 * 100:.1f}% of a core)"
    )
    print(f"tracker: live channels {len(tr.channels)}, ended kept {len(tr.ended)}, malformed {tr.stats.malformed}")


async def bench_actions(n: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    (tmp / "s").write_text("s3cret\n")
    os.chmod(tmp / "s", 0o600)
    async with FakeAmi() as ami:
        settings = parse_ami_settings(
            {"host": "127.0.0.1", "port": ami.port, "username": "floor", "secret_file": "s", "ping_interval_s": 600},
            tmp,
        )
        gw = AmiGateway(settings, ManualClock(0))
        await gw.start()
        assert await gw.wait_connected(10)
        manager = gw._manager
        assert manager is not None
        sent_at: list[float] = []
        transport = manager.protocol.transport
        write = transport.write

        def timed_write(data: bytes) -> None:
            sent_at.append(time.perf_counter())
            write(data)

        transport.write = timed_write  # measure when the bytes leave the gateway
        to_sent, to_confirmed = [], []
        for k in range(n):
            sent_at.clear()
            t0 = time.perf_counter()
            r = await gw.pause("PJSIP/1000", "bench", queue="q0") if k % 2 == 0 else await gw.unpause("PJSIP/1000")
            t1 = time.perf_counter()
            assert r.ok, r.message
            to_sent.append((sent_at[0] - t0) * 1e6)
            to_confirmed.append((t1 - sent_at[0]) * 1e6)
        await gw.stop()

    def p(xs: list[float], q: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]

    print(f"actions: {n} QueuePause over TCP to the fake server")
    print(f"actions: key -> action sent: median {statistics.median(to_sent):.0f} µs, p99 {p(to_sent, 0.99):.0f} µs")
    print(
        f"actions: action -> confirmed: median {statistics.median(to_confirmed) / 1000:.2f} ms, "
        f"p99 {p(to_confirmed, 0.99) / 1000:.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seats", type=int, default=5000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--actions", type=int, default=500)
    args = ap.parse_args()
    bench_tracker(args.seats, args.events)
    asyncio.run(bench_actions(args.actions))


if __name__ == "__main__":
    main()
