"""Benchmark: the AMI keys in the console, against the fake AMI server over real TCP.

Usage: .venv/bin/python benchmarks/ami_actions.py [--rounds N]

The real console (FloorApp under Textual's headless Pilot, a real feed, engine and SQLite
store) on the fixed test floor, connected to `floorconsole/ami/server.py` on 127.0.0.1.

1. key -> action sent (target <= 50 ms): from the key press (`L`, listen) until the fake
   server has read the Originate off its socket; and from `y` in the take-over confirmation
   until the BlindTransfer is read.
2. action -> confirmed on screen (target <= 300 ms): from the server writing the event that
   settles the action (OriginateResponse; for the take-over, the BridgeEnter that puts the
   caller and the supervisor in one bridge) until the result is on screen (the toast is
   mounted and the screen refreshed).

Prints p50 / p95 / max per figure.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support.fixed_floor import ACTOR, day_instant, make_floor  # noqa: E402

from floorconsole.ami.server import (  # noqa: E402
    FakeAmi,
    Leg,
    bridge_enter,
    bridge_leave,
    core_show_channel,
    hangup,
    newchannel,
    originate_response,
    queue_member_item,
)
from floorconsole.ami.settings import parse_ami_settings  # noqa: E402
from floorconsole.clock import ManualClock  # noqa: E402
from floorconsole.layout import load_layout  # noqa: E402
from floorconsole.wiring import build_parts  # noqa: E402
from screens.app import FloorApp  # noqa: E402
from screens.seat_table import SeatTable  # noqa: E402

T = day_instant()


class _MonkeyPatch:
    """pytest's MonkeyPatch stand-in for make_floor (only chdir is used)."""

    def chdir(self, path: Path) -> None:
        os.chdir(path)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def line(name: str, values: list[float], target: float) -> str:
    ms = [v * 1000 for v in values]
    verdict = "ok" if pct(ms, 95) <= target else "OVER"
    return (
        f"{name:<44} p50 {statistics.median(ms):7.1f} ms  p95 {pct(ms, 95):7.1f} ms  "
        f"max {max(ms):7.1f} ms  (target {target:.0f} ms: {verdict})"
    )


async def run(rounds: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fc-ami-bench-"))
    config, feed = make_floor(tmp, _MonkeyPatch(), T)  # type: ignore[arg-type]
    received: dict[str, float] = {}
    settle_sent: list[float] = []
    pending: set[asyncio.Future[None]] = set()

    async with FakeAmi() as ami:
        ami.queue_status = [{"Event": "QueueParams", "Queue": "support"}]
        ami.queue_status.append(queue_member_item("support", "Gao Wei", "SIP/1005", status="2", in_call="1"))

        def fresh_call(i: int) -> tuple[Leg, Leg]:
            return Leg(f"SIP/trunk-{i:08x}", f"call{i}", f"call{i}", "13600136000"), Leg(
                f"SIP/1005-{i:08x}", f"agent{i}", f"call{i}", "1005"
            )

        caller, agent = fresh_call(0)
        ami.channels = [core_show_channel(caller, bridge="b0"), core_show_channel(agent, bridge="b0")]

        async def originate(conn: Any, msg: dict[str, Any]) -> list[Any]:
            received["Originate"] = time.perf_counter()
            aid = msg.get("actionid", "")

            async def answer() -> None:
                await asyncio.sleep(0.05)
                ev = originate_response("Success", "PJSIP/2001-00000001", "4")
                ev.insert(1, ("ActionID", aid))
                settle_sent.append(time.perf_counter())
                await conn.send(ev)

            task = asyncio.ensure_future(answer())
            pending.add(task)
            task.add_done_callback(pending.discard)
            return [[("Response", "Success"), ("Message", "Originate successfully queued")]]

        def blind(conn: Any, msg: dict[str, Any]) -> list[Any]:
            received["BlindTransfer"] = time.perf_counter()
            return [[("Response", "Success"), ("Message", "Transfer succeeded")]]

        ami.on("Originate", originate)
        ami.on("BlindTransfer", blind)

        secret = tmp / "ami.secret"
        secret.write_text("s3cret\n")
        os.chmod(secret, 0o600)
        settings = parse_ami_settings(
            {
                "host": "127.0.0.1",
                "port": ami.port,
                "username": "floor",
                "secret_file": "ami.secret",
                "ping_interval_s": 60,
                "people": {"tester": {"endpoint": "PJSIP/2001", "extension": "2001"}},
            },
            tmp,
        )
        config = config.with_overrides(ami=settings)
        parts = build_parts(config, feed, clock=ManualClock(T), actor=ACTOR, layout=load_layout(config.layout_path))
        app = FloorApp(parts, alert_toasts=False)
        shown: list[float] = []
        original_notify = app.notify

        def notify(message: str, **kw: Any) -> None:
            original_notify(message, **kw)
            if message.startswith(("listen:", "take over:")):
                app.call_after_refresh(lambda: shown.append(time.perf_counter()))

        app.notify = notify  # type: ignore[method-assign]

        async with app.run_test(size=(160, 50)) as pilot:
            deadline = time.monotonic() + 30
            while not (app.ami and app.ami.status.usable and app.ami.tracker.synced and app.floor.seats):
                assert time.monotonic() < deadline, "the console did not connect"
                await pilot.pause(0.05)
            table = app.query_one(SeatTable)
            table.focus()
            key_to_sent: list[float] = []
            settle_to_shown: list[float] = []
            confirm_to_sent: list[float] = []
            bridge_to_shown: list[float] = []
            for i in range(rounds):
                table.select_agent("SIP/1005")
                await pilot.pause()
                # listen
                received.pop("Originate", None)
                n = len(shown)
                t0 = time.perf_counter()
                await pilot.press("L")
                while "Originate" not in received or len(shown) <= n:
                    await asyncio.sleep(0.001)
                key_to_sent.append(received["Originate"] - t0)
                settle_to_shown.append(shown[-1] - settle_sent[-1])
                # take-over of a fresh call
                caller, agent = fresh_call(i + 1)
                old_caller, old_agent = fresh_call(i)
                await ami.emit(
                    hangup(old_caller),
                    hangup(old_agent),
                    newchannel(caller, state="6"),
                    newchannel(agent, state="6"),
                    bridge_enter(f"b{i + 1}", caller, 1),
                    bridge_enter(f"b{i + 1}", agent, 2),
                )
                while app.ami.tracker.agent("SIP/1005").agent_channel != agent.channel:
                    await asyncio.sleep(0.001)
                await pilot.press("T")
                while type(app.screen).__name__ != "AmiConfirm":
                    await asyncio.sleep(0.001)
                received.pop("BlindTransfer", None)
                n = len(shown)
                t0 = time.perf_counter()
                await pilot.press("y")
                while "BlindTransfer" not in received:
                    await asyncio.sleep(0.001)
                confirm_to_sent.append(received["BlindTransfer"] - t0)
                sup = Leg(f"PJSIP/2001-{i:08x}", f"sup{i}", f"call{i + 1}", "2001")
                await ami.emit(bridge_leave(f"b{i + 1}", agent, 1), newchannel(sup, state="6"))
                t_bridge = time.perf_counter()
                await ami.emit(bridge_enter(f"b{i + 1}", sup, 2))
                while len(shown) <= n:
                    await asyncio.sleep(0.001)
                bridge_to_shown.append(shown[-1] - t_bridge)
                # the caller is with the supervisor now; put the agent back on a call for the next round
                await ami.emit(hangup(sup))
            await pilot.pause(0.2)

    print(f"AMI keys in the console, {rounds} rounds each (fake AMI on 127.0.0.1, headless Textual)")
    print(line("key L -> Originate read by the server", key_to_sent, 50))
    print(line("y (take-over) -> BlindTransfer read", confirm_to_sent, 50))
    print(line("OriginateResponse written -> shown", settle_to_shown, 300))
    print(line("BridgeEnter (caller+you) written -> shown", bridge_to_shown, 300))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(run(args.rounds))


if __name__ == "__main__":
    main()
