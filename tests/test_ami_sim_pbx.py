"""The demo's simulated PBX over real TCP: its AMI state agrees with the queue_log the
simulator writes, and a supervisor's actions change both (take-over, pause, listen)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from floorconsole.ami.gateway import AmiGateway
from floorconsole.ami.sim_pbx import DemoSimulator, serve_demo_ami
from floorconsole.ami.tracker import AmiTracker
from floorconsole.clock import system_clock
from floorconsole.config import Config, Thresholds, data_file
from floorconsole.demo import DemoFeed
from floorconsole.floor import Floor, SeatState
from floorconsole.layout import load_layout


async def eventually(cond, timeout: float = 15.0, what: str = "") -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"not reached: {what}"
        await asyncio.sleep(0.02)


def fold(feed: Path, start: float) -> Floor:
    floor = Floor(Thresholds(wrapup_s=10), window_start=start)
    floor.feed(feed.read_bytes().splitlines())
    return floor


def test_demo_pbx_agrees_with_the_feed_and_acts(tmp_path: Path) -> None:
    layout = load_layout(data_file("floor-demo.toml"))
    config = Config(thresholds=Thresholds(wrapup_s=10), db_path=tmp_path / "demo.db")
    feed_path = tmp_path / "queue_log"
    feed = DemoFeed(
        config,
        feed_path,
        clock=system_clock,
        seed=11,
        flat=True,
        history_s=1800,
        layout=layout,
        simulator_class=DemoSimulator,
    )
    assert isinstance(feed.simulator, DemoSimulator)
    config, pbx = serve_demo_ami(config, feed.simulator, tmp_path, system_clock, "alice")
    assert config.ami is not None and (tmp_path / "ami.secret").stat().st_mode & 0o777 == 0o600
    feed.start()
    start = system_clock() - 1800

    async def main() -> None:
        gw = AmiGateway(config.ami, system_clock, AmiTracker())
        await gw.start()
        try:
            assert await gw.wait_connected(10), gw.status
            t = gw.tracker
            # take over a call in progress
            on_call = [a for a in sorted(t.member_queues) if t.agent(a).caller_channel]
            assert on_call, "the demo floor has calls in progress"
            agent = on_call[0]
            callid = t.agent(agent).callid
            assert callid
            result = await gw.take_over("alice", agent, callid)
            assert result.ok, result.message
            await eventually(lambda: b"FLOORTAKEOVER|alice|bridged" in feed_path.read_bytes(), what="FLOORTAKEOVER")
            text = feed_path.read_text()
            assert f"|{callid}|" in text and f"|{agent}|BLINDTRANSFER|2001|floor-takeover|" in text
            assert t.call(callid).live  # the caller is still on, with the supervisor
            # pause an idle agent with a reason: queue_log and AMI both say so
            idle = next(
                a for a in sorted(t.member_queues) if not t.agent(a).paused and t.agent(a).agent_channel is None
            )
            result = await gw.pause(idle, "coaching", None, "alice")
            assert result.ok, result.message
            await eventually(lambda: t.agent(idle).paused and t.agent(idle).paused_reason == "coaching", what="paused")
            assert f"|{idle}|PAUSE|coaching" in feed_path.read_text()
            # listen to someone on a call
            others = [a for a in sorted(t.member_queues) if t.agent(a).caller_channel and a != agent]
            if others:
                result = await gw.spy("alice", others[0])
                assert result.ok, result.message
            # AMI's members and calls agree with the floor folded from the same file
            feed.stop()
            await asyncio.sleep(0.5)
            floor = fold(feed_path, start)
            now = system_clock()
            for seat in floor.seats.values():
                state = floor.seat_state_at(seat, now)
                live = t.agent(seat.agent)
                if state is SeatState.ON_CALL:
                    assert live.agent_channel is not None, seat.agent
                if state is SeatState.PAUSED:
                    assert live.paused, seat.agent
                if state is SeatState.AVAILABLE:
                    assert live.agent_channel is None and not live.paused, seat.agent
        finally:
            await gw.stop()

    try:
        asyncio.run(main())
    finally:
        feed.stop()
        pbx.stop()
