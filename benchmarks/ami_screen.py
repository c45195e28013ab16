"""Benchmark: AMI events -> the console's screen, at 5,000 seats and 2,000 events/s.

Usage: .venv/bin/python benchmarks/ami_screen.py [--seats 5000] [--rate 2000] [--seconds 20] [--seed 1]

1. A floor of `--seats` seats (generated layout, every agent logged in through queue_log),
   the real console (FloorApp, headless Textual at 160x50, real feed, engine and SQLite
   store) with `[ami]` pointing at
2. the fake AMI server (`floorconsole/ami/server.py`) in a process of its own, whose
   QueueStatus lists every seat as a queue member and which then streams the events of a
   busy floor (callers join, agents ring, connect, bridge, complete, hang up; device states;
   pauses) at `--rate` events/s, `--calls` calls in flight (default seats/10, so each
   call's ~18 events spread over ~4 s), the next event always of a random call in flight
   (`--seed`).
3. event -> screen: each event that changes an agent's Live cell (found by folding the same
   stream in the server process beforehand) carries its send time (CLOCK_MONOTONIC, shared
   by the two processes) and the agent; the console's side notes when the tracker applied
   it, and the time the screen was refreshed after the App repainted that agent's cell
   (`call_after_refresh` after `ami_apply`). Target: p95 <= 250 ms.
4. events/s achieved: events the console's tracker applied per second over the stream,
   and how far it fell behind at the end (events sent - applied when the server finished).

Prints p50 / p95 / max, the number of measured events, the repaints (a burst is one), and
the rates. The machine is shared: run it a few times and look at the spread.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from floorconsole.ami.server import (  # noqa: E402
    FakeAmi,
    Leg,
    agent_called,
    agent_complete,
    agent_connect,
    bridge_enter,
    bridge_leave,
    device_state_change,
    encode,
    hangup,
    newchannel,
    newstate,
    queue_caller_join,
    queue_caller_leave,
    queue_member_item,
    queue_member_pause,
)

QUEUES = ("sales", "support", "billing", "vip")
TARGET_P95_MS = 250.0


def agents(seats: int) -> list[str]:
    return [f"SIP/{1001 + i}" for i in range(seats)]


def queue_of(i: int) -> str:
    return QUEUES[i % len(QUEUES)]


# ----------------------------------------------------------------------------- server


def call_events(n: int, seat: int) -> list[list[tuple[str, str]]]:
    """The ~18 events of one answered queue call on `seat`."""
    queue = queue_of(seat)
    iface = f"SIP/{1001 + seat}"
    caller = Leg(f"PJSIP/trunk-{n:08x}", f"1700000000.{2 * n}", f"1700000000.{2 * n}", f"138{n:08d}")
    agent = Leg(f"{iface}-{n:08x}", f"1700000000.{2 * n + 1}", caller.uniqueid, str(1001 + seat))
    bridge = f"bridge-{n}"
    name = f"Agent {1001 + seat}"
    seq = [
        newchannel(caller, "4"),
        newstate(caller, "6"),
        queue_caller_join(queue, caller),
        newchannel(agent, "0"),
        agent_called(queue, caller, agent, iface, name),
        device_state_change(iface, "RINGING"),
        newstate(agent, "6"),
        queue_caller_leave(queue, caller),
        agent_connect(queue, caller, agent, iface, name),
        bridge_enter(bridge, caller, 1),
        bridge_enter(bridge, agent, 2),
        device_state_change(iface, "INUSE"),
        agent_complete(queue, caller, agent, iface, name),
        bridge_leave(bridge, caller, 1),
        bridge_leave(bridge, agent, 0),
        hangup(caller),
        hangup(agent),
        device_state_change(iface, "NOT_INUSE"),
    ]
    if n % 10 == 0:
        seq.append(queue_member_pause(queue, name, iface, n % 20 == 0, "break"))
    return seq


def stream(seats: int, calls: int, total: int, seed: int) -> list[tuple[list[tuple[str, str]], str]]:
    """`total` events of `calls` calls in flight on random free seats (the next event of a
    random call each time), each with the agent whose Live cell it changes ("" when it
    changes none), found by folding the stream through the tracker."""
    from floorconsole.ami.live import LiveFloor
    from floorconsole.ami.tracker import AmiTracker

    rng = random.Random(seed)
    free = list(range(seats))
    rng.shuffle(free)
    active: list[list[list[tuple[str, str]]]] = []
    out: list[list[tuple[str, str]]] = []
    n = 0
    while len(out) < total:
        while len(active) < max(1, calls) and free:
            seat = free.pop()
            active.append([*call_events(n, seat), [("Event", "_free"), ("Seat", str(seat))]])
            n += 1
        k = rng.randrange(len(active))  # the next event of a random call in flight
        ev = active[k].pop(0)
        if ev[0][1] == "_free":
            free.insert(0, int(ev[1][1]))
            active[k] = active[-1]
            active.pop()
            continue
        out.append(ev)
    tracker = AmiTracker()
    tracker.apply_snapshot(
        [queue_member_item(queue_of(i), f"Agent {a}", a) for i, a in enumerate(agents(seats))], [], 0
    )
    live = LiveFloor(tracker)
    tagged = []
    for ev in out:
        fields = dict(ev)
        iface = fields.get("Interface") or ""
        if not iface:
            ch = fields.get("Channel", "") or fields.get("Device", "")  # SIP/1005-0000000a, SIP/1005
            iface = ch.rsplit("-", 1)[0] if ch.startswith("SIP/") else ""  # not the PJSIP/trunk
        before = live.cell(iface, 0) if iface else None
        tracker.apply(fields, 0)
        after = live.cell(iface, 0) if iface else None
        tagged.append((ev, iface if iface and before != after else ""))
    return tagged


async def serve(args: argparse.Namespace) -> None:
    seats = agents(args.seats)
    total = int(args.rate * args.seconds)
    events = stream(args.seats, args.calls, total, args.seed)
    ami = FakeAmi(username="floor", secret=args.secret)
    ami.queue_status = [{"Event": "QueueParams", "Queue": q} for q in QUEUES]
    ami.queue_status += [queue_member_item(queue_of(i), f"Agent {a}", a) for i, a in enumerate(seats)]
    port = await ami.start(0)
    print(json.dumps({"port": port, "events": total, "tagged": sum(1 for _, a in events if a)}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "go"
    conns = [c for c in ami.connections if c.logged_in and not c.closed]
    assert conns, "nobody logged in"
    conn = conns[-1]
    t0 = time.monotonic()
    sent = 0
    while sent < total:
        due = min(total, int((time.monotonic() - t0) * args.rate) + 1)
        chunk = bytearray()
        now = repr(time.monotonic())
        for ev, agent in events[sent:due]:
            extra = [("X-Sent", now), ("X-Agent", agent)] if agent else []
            chunk += encode([*ev, *extra])
        sent = due
        conn.writer.write(bytes(chunk))
        await conn.writer.drain()
        await asyncio.sleep(0.005)
    took = time.monotonic() - t0
    print(json.dumps({"sent": sent, "seconds": took, "done_at": time.monotonic()}), flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
    await ami.stop()


# ----------------------------------------------------------------------------- console


def write_floor(tmp: Path, seats: int, t: float) -> tuple[Path, Path]:
    from floorconsole.layout import generated_layout

    layout = generated_layout(seats, QUEUES)
    lines = []
    for s in layout.seats:
        queues = ", ".join(json.dumps(q) for q in s.queues)
        lines.append(
            f'[[seat]]\nid = "{s.seat_id}"\nrow = "{s.row}"\npos = {s.pos}\nagent = "{s.agent}"\n'
            f'name = "{s.name}"\nqueues = [{queues}]\n'
        )
    (tmp / "layout.toml").write_text("\n".join(lines))
    feed = tmp / "queue_log"
    feed.write_text("".join(f"{int(t) - 60}|MANAGER|{s.queues[0]}|{s.agent}|ADDMEMBER|\n" for s in layout.seats))
    cfg = tmp / "config.toml"
    cfg.write_text(
        f'[floor]\nsupervisor = "Bench"\nlayout = "layout.toml"\n'
        f'[feed]\npath = "{feed}"\n[store]\ndb = "{tmp / "floor.db"}"\n'
        "[thresholds]\nwrapup_s = 10\n"
    )
    return cfg, feed


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from datetime import datetime

    from floorconsole.ami.settings import parse_ami_settings
    from floorconsole.clock import ManualClock
    from floorconsole.config import load_config
    from floorconsole.identity import Actor
    from floorconsole.layout import load_layout
    from floorconsole.wiring import build_parts
    from screens.app import FloorApp

    t = datetime(2026, 11, 23, 10, 0).astimezone().timestamp()
    tmp = Path(tempfile.mkdtemp(prefix="fc-ami-screen-"))
    cfg, feed = write_floor(tmp, args.seats, t)
    secret = "s3cret"
    (tmp / "ami.secret").write_text(secret + "\n")
    os.chmod(tmp / "ami.secret", 0o600)
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--seats",
            str(args.seats),
            "--rate",
            str(args.rate),
            "--seconds",
            str(args.seconds),
            "--seed",
            str(args.seed),
            "--calls",
            str(args.calls),
            "--secret",
            secret,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        hello = json.loads(server.stdout.readline())
        config = load_config(cfg)
        settings = parse_ami_settings(
            {
                "host": "127.0.0.1",
                "port": hello["port"],
                "username": "floor",
                "secret_file": "ami.secret",
                "ping_interval_s": 600,
            },
            tmp,
        )
        config = config.with_overrides(ami=settings)
        actor = Actor("Bench", "bench", "pts/0")
        parts = build_parts(config, feed, clock=ManualClock(t), actor=actor, layout=load_layout(config.layout_path))
        app = FloorApp(parts, alert_toasts=False)

        pending: dict[str, list[float]] = defaultdict(list)
        applied_at: list[float] = []
        latencies: list[float] = []
        repaints = [0]
        original_ami_apply = app.ami_apply

        def shown(agents: list[str]) -> None:
            now = time.monotonic()
            for agent in agents:
                for sent in pending.pop(agent, ()):
                    latencies.append(now - sent)

        def ami_apply(agents: set[str], calls: set[str], status: bool) -> None:
            original_ami_apply(agents, calls, status)
            repaints[0] += 1
            mine = [a for a in agents if a in pending]
            if mine:
                app.call_after_refresh(shown, mine)

        app.ami_apply = ami_apply  # type: ignore[method-assign]

        async with app.run_test(size=(160, 50)) as pilot:
            deadline = time.monotonic() + 120
            while not (
                app.ami is not None
                and app.ami.status.usable
                and app.ami.tracker.synced
                and len(app.floor.seats) >= args.seats
            ):
                assert time.monotonic() < deadline, "the console did not come up"
                await pilot.pause(0.05)
            gw = app.ami
            tracker = gw.tracker
            original_apply = tracker.apply_normalized

            def apply_normalized(ev: dict[str, str], now: float) -> None:
                original_apply(ev, now)
                applied_at.append(time.monotonic())
                agent = ev.get("x-agent")
                if agent:
                    pending[agent].append(float(ev["x-sent"]))

            tracker.apply_normalized = apply_normalized  # type: ignore[method-assign]
            await pilot.pause(0.5)
            applied_at.clear()
            server.stdin.write("go\n")
            server.stdin.flush()
            loop = asyncio.get_running_loop()
            done = json.loads(await loop.run_in_executor(None, server.stdout.readline))
            behind_at_end = done["sent"] - len(applied_at)
            deadline = time.monotonic() + 60
            while len(applied_at) < done["sent"] or pending:
                if time.monotonic() > deadline:
                    break
                await pilot.pause(0.05)
            server.stdin.write("stop\n")
            server.stdin.flush()
        span = applied_at[-1] - applied_at[0] if len(applied_at) > 1 else float("nan")
        return {
            "seed": args.seed,
            "seats": args.seats,
            "rate": args.rate,
            "sent": done["sent"],
            "send_s": done["seconds"],
            "applied": len(applied_at),
            "apply_s": span,
            "behind_at_end": behind_at_end,
            "measured": len(latencies),
            "unshown": sum(len(v) for v in pending.values()),
            "repaints": repaints[0],
            "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "p95_ms": pct(latencies, 95) * 1000 if latencies else float("nan"),
            "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        }
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(5)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seats", type=int, default=5000)
    ap.add_argument("--rate", type=float, default=2000.0, help="AMI events per second")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calls", type=int, default=0, help="calls in flight (default: seats / 10)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--secret", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.calls = args.calls or max(1, args.seats // 10)
    if args.serve:
        asyncio.run(serve(args))
        return 0
    r = asyncio.run(run(args))
    verdict = "ok" if r["p95_ms"] <= TARGET_P95_MS else "OVER"
    print(
        f"AMI -> screen: {r['seats']} seats, {args.calls} calls in flight, seed {r['seed']}, "
        "headless console 160x50, fake AMI in its own process"
    )
    print(
        f"events: {r['sent']} sent in {r['send_s']:.1f} s ({r['sent'] / r['send_s']:,.0f}/s, target {r['rate']:,.0f}/s); "
        f"applied {r['applied']} in {r['apply_s']:.1f} s ({r['applied'] / r['apply_s']:,.0f}/s); "
        f"{r['behind_at_end']} not yet applied when the server finished"
    )
    print(
        f"event -> screen ({r['measured']} events that changed a Live cell, {r['unshown']} never shown): "
        f"p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f} ms  max {r['max_ms']:.1f} ms  "
        f"(target p95 {TARGET_P95_MS:.0f} ms: {verdict}); {r['repaints']} repaints"
    )
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
