"""The demo's simulated PBX: AMI on localhost, consistent with the demo's queue_log.

`floorconsole demo` runs the floor simulator (a queue_log writer). This module adds the
Asterisk around it, so a newcomer can listen in, barge, take a call over and pause an agent
and watch the floor change:

- `DemoSimulator` is the simulator with a control queue: a supervisor's action becomes a
  command run on the simulator's own thread between batches (pause, unpause, remove from a
  queue, end a call by transfer or hang-up, write a QueueLog line), so the queue_log it
  writes shows what was done, as Asterisk's app_queue would write it. A pause is written at
  once, also for an agent on a call or in wrap-up (QueuePause pauses the member right away:
  the agent keeps the call and is offered no new one, and stays paused after it); only an
  agent whose phone is ringing gets the PAUSE line when the ring is answered or given up,
  so the floor folded from the file agrees (a PAUSE before the CONNECT would not carry).
- `DemoPbx` serves AMI (`floorconsole/ami/server.py`, the same wire protocol as the tests'
  fake) on 127.0.0.1 from its own thread and loop. Its channels, bridges and queue members
  are folded from every queue_log line the simulator writes, so the events it sends
  (QueueCallerJoin, AgentConnect, BridgeEnter, Hangup, QueueMemberPause ...) and the
  snapshots it answers (QueueStatus, CoreShowChannels) agree with the floor the console
  reads from the same file. It answers Originate (ChanSpy: the supervisor's phone answers
  after a second), BlindTransfer (the caller reaches the supervisor's phone and they are
  bridged), QueuePause, QueueRemove, Hangup and QueueLog.

Nothing here reads the wall clock except through the injected clock.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import queue
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from floorconsole import simulator as sim
from floorconsole.ami.server import (
    FakeAmi,
    Leg,
    Msg,
    agent_complete,
    agent_connect,
    blind_transfer,
    bridge_enter,
    bridge_leave,
    core_show_channel,
    ev,
    hangup,
    newchannel,
    originate_response,
    queue_caller_abandon,
    queue_caller_join,
    queue_caller_leave,
    queue_entry_item,
    queue_member_item,
    queue_member_pause,
    queue_member_status,
)
from floorconsole.clock import Clock

SUPERVISOR_ANSWER_S = 1.2  # the supervisor's phone picks up this long after it rings
TAKEOVER_TALK_S = (60.0, 180.0)  # how long the supervisor then talks to the caller
ENDINGS = frozenset({"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"})
LEAVINGS = frozenset({"ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"})


class DemoSimulator(sim.Simulator):
    """The floor simulator, steerable from another thread (the PBX's) through `commands`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: queue.SimpleQueue[Callable[[float], None]] = queue.SimpleQueue()
        self.on_line: Callable[[str], None] | None = None
        self.held: set[str] = set()  # agents a supervisor paused (their own break end is skipped)
        self.pause_due: dict[str, str] = {}  # ringing agents a supervisor paused -> reason
        self.ended: set[str] = set()  # callids a supervisor ended (the planned end is skipped)
        self.connected: dict[str, float] = {}

    # -- the hooks -------------------------------------------------------------------

    def lines_until(self, t1: float) -> Iterator[str]:
        while True:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                break
            if self._now is not None:
                command(self._now)
        for line in super().lines_until(t1):
            if self.on_line is not None:
                self.on_line(line)
            yield line

    def _emit(self, t: float, callid: str, queue_name: str, agent: str, verb: str, *data: object) -> None:
        if verb == "CONNECT":
            self.connected[callid] = t
            if len(self.connected) > 10_000:
                self.connected.pop(next(iter(self.connected)))
        super()._emit(t, callid, queue_name, agent, verb, *data)
        if verb == "CONNECT" and agent in self.pause_due:  # paused while it rang: now on the call
            self._write_pause(t, self._agents[agent], self.pause_due.pop(agent))

    def _write_pause(self, t: float, a: Any, reason: str) -> None:
        for q in a.queues:
            self._emit(t, "NONE", q, a.name, "PAUSE", reason)

    def _set_idle(self, t: float, agent: Any) -> None:
        if agent.name in self.held and agent.on_duty and agent.state != sim._OFF:
            # the call (or ring) is over and a supervisor's pause outlasts it: still paused
            reason = self.pause_due.pop(agent.name, None)
            if reason is not None:
                self._write_pause(t, agent, reason)
            self._set_busy(agent, sim._PAUSED)
            agent.call = None
            return
        self._forget_pause(agent.name)
        super()._set_idle(t, agent)

    def _logoff(self, t: float, agent: Any, away: float) -> None:
        self._forget_pause(agent.name)  # app_queue forgets a removed member's pause
        super()._logoff(t, agent, away)

    def _go_home(self, t: float, agent: Any) -> None:
        self._forget_pause(agent.name)
        super()._go_home(t, agent)

    def _forget_pause(self, agent: str) -> None:
        self.held.discard(agent)
        self.pause_due.pop(agent, None)

    def _pause_want(self, t: float, agent: Any) -> None:
        if agent.name in self.held:  # paused by a supervisor: the agent's own break waits
            self._push(t + self._dur(self._rng.expovariate(1 / self.pause_every_s)), sim._PAUSE_WANT, agent.name)
            return
        super()._pause_want(t, agent)

    def _handle(self, t: float, kind: int, arg: Any) -> None:
        if kind == sim._UNPAUSE and (arg in self.held or self._agents[arg].state != sim._PAUSED):
            return
        if kind in (sim._CALL_END, sim._ESCALATE) and arg[0].callid in self.ended:
            return
        super()._handle(t, kind, arg)

    # -- commands (called from any thread; run on the simulator's) ---------------------

    def pause(self, agent: str, reason: str) -> None:
        def run(t: float) -> None:
            a = self._agents.get(agent)
            if a is None or a.state == sim._OFF:
                return
            self.held.add(agent)
            if a.pending is not None and a.pending[0] == "pause":
                a.pending = None  # the agent's own break, asked for mid-call, gives way
            if a.state == sim._RINGING:
                self.pause_due[agent] = reason  # written when the ring is answered or given up
                return
            if a.state in (sim._IDLE, sim._PAUSED):
                self._set_busy(a, sim._PAUSED)
            # on a call or in wrap-up too: paused at once; the call goes on, no new one comes
            self._write_pause(t, a, reason)

        self.commands.put(run)

    def unpause(self, agent: str) -> None:
        def run(t: float) -> None:
            a = self._agents.get(agent)
            held = agent in self.held
            written = held and self.pause_due.pop(agent, None) is None  # its PAUSE is in the file
            self.held.discard(agent)
            if a is None:
                return
            if a.pending is not None and a.pending[0] == "pause":
                a.pending = None
            elif a.state == sim._PAUSED:
                for q in a.queues:
                    self._emit(t, "NONE", q, agent, "UNPAUSE", "")
                self._set_idle(t, a)
            elif written and a.state in (sim._TALKING, sim._WRAP):
                for q in a.queues:  # the call goes on; after it the agent takes calls again
                    self._emit(t, "NONE", q, agent, "UNPAUSE", "")

        self.commands.put(run)

    def remove(self, agent: str, queue_name: str) -> None:
        def run(t: float) -> None:
            a = self._agents.get(agent)
            if a is None or queue_name not in a.queues:
                return
            a.queues = tuple(q for q in a.queues if q != queue_name)
            self._idle[queue_name].pop(agent, None)
            self._emit(t, "MANAGER", queue_name, agent, "REMOVEMEMBER", "")

        self.commands.put(run)

    def end_call(self, agent: str, callid: str, verb: str, *extra: object) -> None:
        """End the agent's call now: `BLINDTRANSFER exten context` (take-over) or
        `COMPLETEAGENT` / `COMPLETECALLER` (hang-up)."""

        def run(t: float) -> None:
            a = self._agents.get(agent)
            if a is None or a.call is None or a.call.callid != callid or a.state != sim._TALKING:
                return
            caller = a.call
            connected = self.connected.get(callid, t)
            hold, talk = int(connected) - int(caller.entered), int(t) - int(connected)
            self.ended.add(callid)
            self._emit(t, callid, caller.queue, agent, verb, *extra, hold, talk, caller.origpos)
            a.state = sim._WRAP
            a.call = None
            self._push(t + self._dur(self.thresholds.wrapup_s), sim._AGENT_READY, agent)

        self.commands.put(run)

    def write(self, callid: str, queue_name: str, agent: str, verb: str, *data: str) -> None:
        """A QueueLog action: one line in the queue_log, as Asterisk writes it."""
        self.commands.put(lambda t: self._emit(t, callid or "NONE", queue_name or "NONE", agent or "NONE", verb, *data))


@dataclass
class _Chan:
    leg: Leg
    created: float
    bridge: str = ""
    app: str = "Queue"
    agent: str = ""  # the member interface whose channel this is
    spying_on: str = ""  # ChanSpy: the Uniqueid spied on


class DemoPbx:
    """AMI on 127.0.0.1 for the demo, folded from the simulator's queue_log lines."""

    def __init__(
        self,
        simulator: DemoSimulator,
        *,
        clock: Clock,
        username: str,
        secret: str,
        seed: int | None = None,
        answer_s: float = SUPERVISOR_ANSWER_S,
    ) -> None:
        self.sim = simulator
        self.clock = clock
        self.answer_s = answer_s  # the supervisor's phone answers this long after it rings
        self.server = FakeAmi(username=username, secret=secret, version="5.0.1 (floorconsole demo PBX)")
        self.port = 0
        self._rng = random.Random(seed)
        self._lines: collections.deque[str] = collections.deque()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._seq = 0
        self.channels: dict[str, _Chan] = {}  # Uniqueid -> channel
        self.members: dict[tuple[str, str], list[Any]] = {}  # (queue, interface) -> [paused, reason, in_call]
        self.waiting: dict[str, dict[str, str]] = {}  # queue -> callid -> caller Uniqueid
        self.calls: dict[str, tuple[str, str, str]] = {}  # callid -> (queue, agent interface, agent Uniqueid)
        self.takeovers: dict[str, str] = {}  # callid -> the supervisor's extension
        self.queues: set[str] = set()
        self._tasks: set[asyncio.Future[Any]] = set()
        simulator.on_line = self._from_simulator
        for name in ("QueueStatus", "CoreShowChannels"):
            self.server.on(name, self._list)
        self.server.on("Originate", self._originate)
        self.server.on("BlindTransfer", self._blind_transfer)
        self.server.on("QueuePause", self._queue_pause)
        self.server.on("QueueRemove", self._queue_remove)
        self.server.on("Hangup", self._hangup)
        self.server.on("QueueLog", self._queue_log)

    # -- lifecycle -------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> int:
        """Serve from a thread of its own; returns the port (127.0.0.1)."""
        self._thread = threading.Thread(target=self._run, name="demo-pbx", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or not self.port:
            raise RuntimeError("the demo PBX did not start")
        return self.port

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._wake = asyncio.Event()

        async def main() -> None:
            self.port = await self.server.start(0)
            self._ready.set()
            await self._drain()

        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(main())
        loop.close()

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def down() -> None:
            await self.server.stop()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(down(), loop).result(3)
        if self._thread is not None:
            self._thread.join(3)

    # -- the queue_log, folded -------------------------------------------------------

    def _from_simulator(self, line: str) -> None:
        """On the simulator's thread: hand the line to the PBX's loop."""
        self._lines.append(line)
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wake.set)

    async def _drain(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            out: list[Msg] = []
            while self._lines:
                out.extend(self._apply(self._lines.popleft()))
            if out and self.server.live:
                await self.server.emit(*out)

    def _new_leg(self, device: str, uniqueid: str, linkedid: str, num: str) -> Leg:
        self._seq += 1
        return Leg(f"{device}-{self._seq:08x}", uniqueid, linkedid, num)

    def _apply(self, line: str) -> list[Msg]:
        p = line.split("|")
        if len(p) < 5:
            return []
        try:
            t = float(p[0])
        except ValueError:
            return []
        callid, q, agent, verb, data = p[1], p[2], p[3], p[4], p[5:]
        out: list[Msg] = []
        if verb == "ADDMEMBER":
            self.queues.add(q)
            self.members[(q, agent)] = [False, "", False]
            out.append(ev("QueueMemberAdded", _member(q, agent, self.members[(q, agent)])))
        elif verb == "REMOVEMEMBER":
            if self.members.pop((q, agent), None) is not None:
                out.append(ev("QueueMemberRemoved", [("Queue", q), ("MemberName", agent), ("Interface", agent)]))
        elif verb in ("PAUSE", "UNPAUSE"):
            m = self.members.get((q, agent))
            if m is not None:
                m[0], m[1] = verb == "PAUSE", (data[0] if data and verb == "PAUSE" else "")
                out.append(queue_member_pause(q, agent, agent, m[0], m[1], status=_status(m)))
        elif verb == "ENTERQUEUE":
            self.queues.add(q)
            num = data[1] if len(data) > 1 else ""
            leg = self._new_leg("SIP/trunk", callid, callid, num)
            self.channels[callid] = _Chan(leg, t)
            self.waiting.setdefault(q, {})[callid] = callid
            out += [newchannel(leg, state="6"), queue_caller_join(q, leg, len(self.waiting[q]), len(self.waiting[q]))]
        elif verb == "CONNECT":
            caller = self.channels.get(callid)
            if caller is None:
                return out
            self.waiting.get(q, {}).pop(callid, None)
            uid = data[1] if len(data) > 1 and data[1] else f"{callid}.a"
            leg = self._new_leg(agent, uid, callid, agent.rsplit("/", 1)[-1])
            self.channels[uid] = _Chan(leg, t, bridge=f"bridge-{callid}", app="AppQueue", agent=agent)
            caller.bridge = f"bridge-{callid}"
            self.calls[callid] = (q, agent, uid)
            m = self.members.get((q, agent))
            if m is not None:
                m[2] = True
                out.append(queue_member_status(q, agent, agent, status="2", in_call="1"))
            out += [
                newchannel(leg, state="6"),
                queue_caller_leave(q, caller.leg, 1, len(self.waiting.get(q, {}))),
                agent_connect(q, caller.leg, leg, agent, agent),
                bridge_enter(caller.bridge, caller.leg, 1),
                bridge_enter(caller.bridge, leg, 2),
            ]
        elif verb in ENDINGS:
            out += self._end_call(callid, q, agent, verb, data, t)
        elif verb in LEAVINGS:
            self.waiting.get(q, {}).pop(callid, None)
            caller = self.channels.pop(callid, None)
            if caller is not None:
                event = queue_caller_abandon(q, caller.leg) if verb == "ABANDON" else queue_caller_leave(q, caller.leg)
                out += [event, hangup(caller.leg)]
        return out

    def _end_call(self, callid: str, q: str, agent: str, verb: str, data: list[str], t: float) -> list[Msg]:
        out: list[Msg] = []
        call = self.calls.pop(callid, None)
        caller = self.channels.get(callid)
        agent_ch = self.channels.pop(call[2], None) if call is not None else None
        m = self.members.get((q, agent))
        if m is not None:
            m[2] = False
            out.append(queue_member_status(q, agent, agent, status=_status(m), paused="1" if m[0] else "0"))
        if caller is not None and agent_ch is not None:
            out.append(agent_complete(q, caller.leg, agent_ch.leg, agent, agent, reason="agent"))
        exten = self.takeovers.pop(callid, None)
        if exten is not None and verb == "BLINDTRANSFER" and caller is not None and agent_ch is not None:
            out.append(blind_transfer(caller.bridge, agent_ch.leg, caller.leg, exten, data[1] if len(data) > 1 else ""))
        for ch in (agent_ch, caller):
            if ch is not None and ch.bridge:
                out.append(bridge_leave(ch.bridge, ch.leg, 0))
        if agent_ch is not None:
            out += self._hangup_spies(agent_ch.leg.uniqueid)
            out.append(hangup(agent_ch.leg))
        if caller is None:
            return out
        caller.bridge = ""
        if exten is not None and verb == "BLINDTRANSFER":
            assert self._loop is not None
            self._loop.call_later(self.answer_s, self._later, self._supervisor_answers, callid, exten)
        else:
            self.channels.pop(callid, None)
            out.append(hangup(caller.leg))
        return out

    def _hangup_spies(self, uniqueid: str) -> list[Msg]:
        out: list[Msg] = []
        for uid, ch in list(self.channels.items()):
            if ch.spying_on == uniqueid:  # ChanSpy's E option: leave with the spied channel
                del self.channels[uid]
                out.append(hangup(ch.leg))
        return out

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _later(self, fn: Callable[..., list[Msg]], *args: Any) -> None:
        out = fn(*args)
        if out:
            self._spawn(self.server.emit(*out))

    def _supervisor_answers(self, callid: str, exten: str) -> list[Msg]:
        caller = self.channels.get(callid)
        if caller is None:
            return []
        sup = self._new_leg(f"PJSIP/{exten}", f"{callid}.sup{self._seq}", callid, exten)
        bridge = f"bridge-{callid}-sup"
        self.channels[sup.uniqueid] = _Chan(sup, self.clock(), bridge=bridge, app="Dial")
        caller.bridge = bridge
        assert self._loop is not None
        self._loop.call_later(self._rng.uniform(*TAKEOVER_TALK_S), self._later, self._end_supervisor_call, callid)
        return [newchannel(sup, state="6"), bridge_enter(bridge, caller.leg, 1), bridge_enter(bridge, sup, 2)]

    def _end_supervisor_call(self, callid: str) -> list[Msg]:
        out: list[Msg] = []
        for uid, ch in list(self.channels.items()):
            if ch.leg.linkedid == callid and (uid == callid or ".sup" in uid):
                del self.channels[uid]
                if ch.bridge:
                    out.append(bridge_leave(ch.bridge, ch.leg, 0))
                out.append(hangup(ch.leg))
        return out

    # -- actions ---------------------------------------------------------------------

    def _list(self, conn: Any, msg: dict[str, Any]) -> list[Msg]:
        now = self.clock()
        if str(msg["action"]).lower() == "queuestatus":
            items: list[Msg] = [[("Event", "QueueParams"), ("Queue", q)] for q in sorted(self.queues)]
            for (q, agent), m in sorted(self.members.items()):
                items.append(
                    list(
                        queue_member_item(
                            q, agent, agent, _status(m), "1" if m[0] else "0", m[1], "1" if m[2] else "0"
                        ).items()
                    )
                )
            for q, callers in self.waiting.items():
                for pos, uid in enumerate(callers.values(), 1):
                    ch = self.channels.get(uid)
                    if ch is not None:
                        items.append(list(queue_entry_item(q, ch.leg, pos, int(now - ch.created)).items()))
            head, done = "Queue status will follow", "QueueStatusComplete"
        else:
            items = []
            for ch in self.channels.values():
                s = max(0, int(now - ch.created))
                duration = f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
                items.append(list(core_show_channel(ch.leg, duration, bridge=ch.bridge, app=ch.app).items()))
            head, done = "Channels will follow", "CoreShowChannelsComplete"
        return [
            [("Response", "Success"), ("EventList", "start"), ("Message", head)],
            *items,
            [("Event", done), ("EventList", "Complete"), ("ListItems", str(len(items)))],
        ]

    def _by_name(self, name: str) -> _Chan | None:
        return next((c for c in self.channels.values() if c.leg.channel == name), None)

    def _originate(self, conn: Any, msg: dict[str, Any]) -> list[Msg]:
        endpoint = str(msg.get("channel", ""))
        target_name = str(msg.get("data", "")).split(",", 1)[0]
        aid = str(msg.get("actionid", ""))
        assert self._loop is not None

        def answered() -> None:
            target = self._by_name(target_name)
            if target is None:
                out: Msg = originate_response("Failure", endpoint, "0")
            else:
                spy = self._new_leg(endpoint, f"spy{self._seq}", f"spy{self._seq}", endpoint.rsplit("/", 1)[-1])
                self.channels[spy.uniqueid] = _Chan(spy, self.clock(), app="ChanSpy", spying_on=target.leg.uniqueid)
                self._spawn(self.server.emit(newchannel(spy, state="6")))
                out = originate_response("Success", spy.channel, "4", spy.uniqueid)
            out.insert(1, ("ActionID", aid))
            self._spawn(conn.send(out))

        self._loop.call_later(self.answer_s, answered)
        return [[("Response", "Success"), ("Message", "Originate successfully queued")]]

    def _blind_transfer(self, conn: Any, msg: dict[str, Any]) -> list[Msg]:
        ch = self._by_name(str(msg.get("channel", "")))
        if ch is None:
            return [[("Response", "Error"), ("Message", "Channel not found")]]
        callid = ch.leg.linkedid
        if not ch.agent or not ch.bridge or callid not in self.calls:
            return [[("Response", "Error"), ("Message", "Transfer failed: not in a bridge")]]
        exten = str(msg.get("exten", ""))
        self.takeovers[callid] = exten
        self.sim.end_call(ch.agent, callid, "BLINDTRANSFER", exten, str(msg.get("context", "")))
        return [[("Response", "Success"), ("Message", "Transfer succeeded")]]

    def _queue_pause(self, conn: Any, msg: dict[str, Any]) -> list[Msg]:
        iface = str(msg.get("interface", ""))
        if not any(a == iface for _, a in self.members):
            return [[("Response", "Error"), ("Message", "Interface not found")]]
        if str(msg.get("paused", "")).lower() in ("true", "1", "yes"):
            self.sim.pause(iface, str(msg.get("reason", "")) or "supervisor")
            return [[("Response", "Success"), ("Message", "Interface paused successfully")]]
        self.sim.unpause(iface)
        return [[("Response", "Success"), ("Message", "Interface unpaused successfully")]]

    def _queue_remove(self, conn: Any, msg: dict[str, Any]) -> list[Msg]:
        q, iface = str(msg.get("queue", "")), str(msg.get("interface", ""))
        if (q, iface) not in self.members:
            return [[("Response", "Error"), ("Message", "Unable to remove interface: Not there")]]
        self.sim.remove(iface, q)
        return [[("Response", "Success"), ("Message", "Removed interface from queue")]]

    def _hangup(self, conn: Any, msg: dict[str, Any]) -> list[Msg]:
        ch = self._by_name(str(msg.get("channel", "")))
        if ch is None:
            return [[("Response", "Error"), ("Message", "No such channel")]]
        callid = ch.leg.linkedid
        if callid in self.calls:
            _q, agent, _uid = self.calls[callid]
            self.sim.end_call(agent, callid, "COMPLETEAGENT" if ch.agent else "COMPLETECALLER")
        else:
            self._later(lambda: self._drop(ch))
        return [[("Response", "Success"), ("Message", "Channel Hungup")]]

    def _drop(self, ch: _Chan) -> list[Msg]:
        if ch.app == "Dial" or ".sup" in ch.leg.uniqueid:
            return self._end_supervisor_call(ch.leg.linkedid)
        self.channels.pop(ch.leg.uniqueid, None)
        return [hangup(ch.leg)]

    def _queue_log(self, conn: Any, msg: dict[str, Any]) -> list[Msg]:
        event = str(msg.get("event", ""))
        if not event or not event.replace("_", "").isalnum():
            return [[("Response", "Error"), ("Message", "QueueLog needs an Event")]]
        fields = str(msg.get("message", "")).split("|")
        self.sim.write(
            str(msg.get("uniqueid", "")), str(msg.get("queue", "")), str(msg.get("interface", "")), event, *fields
        )
        return [[("Response", "Success"), ("Message", "Added Queue Log")]]


def _status(m: list[Any]) -> str:
    return "2" if m[2] else "1"


def _member(q: str, agent: str, m: list[Any]) -> Msg:
    return [
        ("Queue", q),
        ("MemberName", agent),
        ("Interface", agent),
        ("StateInterface", agent),
        ("Membership", "dynamic"),
        ("Penalty", "0"),
        ("CallsTaken", "0"),
        ("LastCall", "0"),
        ("LastPause", "0"),
        ("InCall", "1" if m[2] else "0"),
        ("Status", _status(m)),
        ("Paused", "1" if m[0] else "0"),
        ("PausedReason", m[1]),
    ]


DEMO_ENDPOINT = "PJSIP/2001"
DEMO_EXTENSION = "2001"


def serve_demo_ami(
    config: Any,
    simulator: DemoSimulator,
    demo_dir: Any,
    clock: Clock,
    os_user: str,
    answer_s: float = SUPERVISOR_ANSWER_S,
) -> tuple[Any, DemoPbx]:
    """Start the demo PBX and return the demo config pointed at it (with a fresh secret in
    `demo_dir/ami.secret`, mode 0600, and `os_user`'s phone PJSIP/2001, extension 2001)."""
    import os
    import secrets
    from dataclasses import replace
    from pathlib import Path

    from floorconsole.ami.settings import AmiPerson, AmiSettings

    secret = secrets.token_urlsafe(18)
    path = Path(demo_dir) / "ami.secret"
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    pbx = DemoPbx(simulator, clock=clock, username="floorconsole", secret=secret, answer_s=answer_s)
    port = pbx.start()
    settings = AmiSettings(
        host="127.0.0.1",
        port=port,
        username="floorconsole",
        secret_file=path,
        reconnect_max_s=5.0,
        people={os_user: AmiPerson(os_user, DEMO_ENDPOINT, DEMO_EXTENSION)},
    )
    return replace(config, ami=settings), pbx
