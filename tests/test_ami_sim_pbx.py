"""The demo's simulated PBX over real TCP: its AMI state agrees with the queue_log the
simulator writes, and a supervisor's actions change both (take-over, pause, listen).

Time is injected: the floor stands still at `T` (a ManualClock) unless a test moves it, so
the simulated floor is the same on every run and the tests take no wall-clock waits (the
PBX's "phone answers after a while" is shortened to 20 ms)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from floorconsole import simulator as sim
from floorconsole.ami.gateway import AmiGateway
from floorconsole.ami.sim_pbx import DemoSimulator, serve_demo_ami
from floorconsole.ami.tracker import AmiTracker
from floorconsole.clock import ManualClock
from floorconsole.config import Config, Thresholds, data_file
from floorconsole.demo import DemoFeed
from floorconsole.floor import Floor, SeatState
from floorconsole.layout import load_layout

T = 1_767_348_000.0  # a Friday, 10:00 UTC; the floor is flat (no time-of-day profile)
HISTORY_S = 1800.0
SEED = 11


async def eventually(cond: Callable[[], object], timeout: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"not reached: {what}"
        await asyncio.sleep(0.01)


def fold(lines: list[bytes], start: float) -> Floor:
    floor = Floor(Thresholds(wrapup_s=10), window_start=start)
    floor.feed(lines)
    return floor


def agent_lines(lines: list[str], agent: str) -> list[str]:
    return [line for line in lines if line.split("|")[3] == agent]


# -- the simulator alone (no threads, no sockets) ------------------------------------------


def demo_simulator() -> DemoSimulator:
    s = DemoSimulator(load_layout(data_file("floor-demo.toml")), Thresholds(wrapup_s=10), seed=SEED, profile=None)
    return s


def test_pausing_an_agent_on_a_call_writes_pause_at_once_and_the_call_goes_on() -> None:
    s = demo_simulator()
    history = list(s.lines_between(T - HISTORY_S, T))
    talking = sorted(a.name for a in s._agents.values() if a.state == sim._TALKING)
    assert talking, "the demo floor has calls in progress"
    agent = talking[0]
    callid = s._agents[agent].call.callid  # type: ignore[union-attr]
    s.pause(agent, "coaching")
    now = list(s.lines_until(T))  # the command runs before the floor moves on
    queues = s._agents[agent].queues
    assert now == [f"{int(T)}|NONE|{q}|{agent}|PAUSE|coaching" for q in queues]
    # the floor says: still on the call, paused once it ends
    floor = fold([line.encode() for line in history + now], T - HISTORY_S)
    seat = floor.seats[agent]
    assert floor.seat_state_at(seat, T) is SeatState.ON_CALL and seat.pause_reason == "coaching"
    # an hour later: the call ended, the agent was offered no new call and is still paused
    later = list(s.lines_until(T + 3600))
    mine = agent_lines(later, agent)
    assert any(line.split("|")[1] == callid and line.split("|")[4].startswith("COMPLETE") for line in mine) or any(
        "TRANSFER" in line for line in mine
    ), mine
    assert not [line for line in mine if line.split("|")[4] in ("CONNECT", "RINGNOANSWER", "PAUSE", "UNPAUSE")]
    assert s._agents[agent].state == sim._PAUSED
    floor = fold([line.encode() for line in history + now + later], T - HISTORY_S)
    seat = floor.seats[agent]
    assert floor.seat_state_at(seat, T + 3600) is SeatState.PAUSED and seat.pause_reason == "coaching"
    # unpaused: takes calls again
    s.unpause(agent)
    again = list(s.lines_until(T + 7200))
    verbs = [line.split("|")[4] for line in agent_lines(again, agent)]
    assert verbs[: len(queues)] == ["UNPAUSE"] * len(queues) and "CONNECT" in verbs


def test_unpausing_during_the_call_lets_the_agent_take_calls_after_it() -> None:
    s = demo_simulator()
    list(s.lines_between(T - HISTORY_S, T))
    agent = sorted(a.name for a in s._agents.values() if a.state == sim._TALKING)[0]
    s.pause(agent, "coaching")
    s.unpause(agent)
    now = list(s.lines_until(T))
    queues = s._agents[agent].queues
    assert [line.split("|")[4] for line in now] == ["PAUSE"] * len(queues) + ["UNPAUSE"] * len(queues)
    assert s._agents[agent].state == sim._TALKING
    later = agent_lines(list(s.lines_until(T + 3600)), agent)
    assert "CONNECT" in [line.split("|")[4] for line in later]


def test_pausing_a_ringing_agent_writes_pause_when_the_ring_ends() -> None:
    s = demo_simulator()
    list(s.lines_between(T - HISTORY_S, T))
    t = T
    while not any(a.state == sim._RINGING for a in s._agents.values()):
        t += 1
        list(s.lines_until(t))
    agent = sorted(a.name for a in s._agents.values() if a.state == sim._RINGING)[0]
    s.pause(agent, "coaching")
    assert agent_lines(list(s.lines_until(t)), agent) == []
    mine = agent_lines(list(s.lines_until(t + 600)), agent)
    verbs = [line.split("|")[4] for line in mine]
    n = len(s._agents[agent].queues)
    first = verbs[0]
    assert first in ("CONNECT", "RINGNOANSWER", "RINGCANCELED"), verbs
    assert verbs[1 : 1 + n] == ["PAUSE"] * n, verbs  # at once when the ring resolved
    assert verbs.count("CONNECT") <= 1


# -- the PBX over TCP, with the simulator's thread ------------------------------------------


def test_demo_pbx_agrees_with_the_feed_and_acts(tmp_path: Path) -> None:
    clock = ManualClock(T)
    layout = load_layout(data_file("floor-demo.toml"))
    config = Config(thresholds=Thresholds(wrapup_s=10), db_path=tmp_path / "demo.db")
    feed_path = tmp_path / "queue_log"
    feed = DemoFeed(
        config,
        feed_path,
        clock=clock,
        seed=SEED,
        flat=True,
        history_s=HISTORY_S,
        layout=layout,
        simulator_class=DemoSimulator,
    )
    assert isinstance(feed.simulator, DemoSimulator)
    config, pbx = serve_demo_ami(config, feed.simulator, tmp_path, clock, "alice", answer_s=0.02)
    assert config.ami is not None and (tmp_path / "ami.secret").stat().st_mode & 0o777 == 0o600
    feed.start()
    start = T - HISTORY_S

    async def main() -> None:
        gw = AmiGateway(config.ami, clock, AmiTracker())
        await gw.start()
        try:
            assert await gw.wait_connected(10), gw.status
            t = gw.tracker
            # take over a call in progress
            on_call = [a for a in sorted(t.member_queues) if t.agent(a).caller_channel]
            assert len(on_call) >= 3, "the demo floor has calls in progress"
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
            # pause an agent on a call: paused at once (queue_log and AMI), the call goes on
            busy = on_call[1]
            result = await gw.pause(busy, "quality check", None, "alice")
            assert result.ok, result.message
            await eventually(lambda: t.agent(busy).paused, what="paused on a call")
            assert f"|{busy}|PAUSE|quality check" in feed_path.read_text()
            assert t.agent(busy).agent_channel is not None and t.agent(busy).caller_channel is not None
            # listen to someone on a call
            result = await gw.spy("alice", on_call[2])
            assert result.ok, result.message
            # an hour of floor later: the paused agent's call is over and no new one came
            mark = len(feed_path.read_bytes())
            clock.advance(3600)
            await eventually(lambda: feed.simulator.now is not None and feed.simulator.now >= T + 3600, what="an hour")
            await eventually(lambda: t.agent(busy).agent_channel is None, what="the paused agent's call ended")
            after = feed_path.read_bytes()[mark:].decode()
            assert f"|{busy}|CONNECT|" not in after
            assert t.agent(busy).paused
            # AMI's members and calls agree with the floor folded from the same file (once
            # the events of the hour's lines have all come in)
            feed.stop()
            floor = fold(feed_path.read_bytes().splitlines(), start)
            now = clock()
            assert floor.seat_state_at(floor.seats[busy], now) is SeatState.PAUSED

            def disagreements() -> list[str]:
                out = []
                for seat in floor.seats.values():
                    state = floor.seat_state_at(seat, now)
                    live = t.agent(seat.agent)
                    if (
                        (state is SeatState.ON_CALL and live.agent_channel is None)
                        or (state is SeatState.PAUSED and not live.paused)
                        or (state is SeatState.AVAILABLE and (live.agent_channel is not None or live.paused))
                    ):
                        out.append(f"{seat.agent}: floor {state}, AMI {live}")
                return out

            try:
                await eventually(lambda: not disagreements(), timeout=10, what="AMI agrees with the floor")
            except AssertionError:
                raise AssertionError("\n".join(disagreements())) from None
        finally:
            await gw.stop()

    try:
        asyncio.run(main())
    finally:
        feed.stop()
        pbx.stop()
