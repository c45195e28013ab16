"""A small Asterisk Manager Interface server: asyncio, real TCP on 127.0.0.1. The tests' fake
AMI (tests/support/fake_ami.py re-exports it) and the base of the demo's simulated PBX
(`sim_pbx.py`).

It speaks the wire protocol as Asterisk does (and parses it on its own, independent of
panoramisk, so a framing bug on either side shows):

- the one-line banner `Asterisk Call Manager/<version>\\r\\n`;
- messages of `Key: Value\\r\\n` lines closed by a blank line; keys case-insensitive and
  possibly repeated (a repeated key is kept as a list);
- `Login` -> `Response: Success / Message: Authentication accepted`, then `Event: FullyBooted`;
  a wrong secret -> `Response: Error / Message: Authentication failed`;
- `ActionID` echoed on the response and on every event the action causes;
- list actions (`QueueStatus`, `CoreShowChannels`) answer `EventList: start`, the items,
  then the `...Complete` event with `EventList: Complete` and `ListItems`.

Scripted faults, per action name (`fault(action, kind, ...)`):
`deny` (Permission denied), `error` (any message, e.g. "Channel not found"), `delay`
(answer after N seconds), `drop` (close the connection on receipt, no answer),
`partial` (send half a response, then close). Plus `kick()` (drop every connection),
`send_raw()` (garbage, a 1 MB message) and `emit()` (events to every logged-in client).

Every action received is recorded with the connection's number in `received`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CRLF = "\r\n"

Msg = list[tuple[str, str]]
Handler = Callable[
    ["Conn", dict[str, Any]], "Iterable[Msg | dict[str, str]] | Awaitable[Iterable[Msg | dict[str, str]]]"
]


def encode(msg: Msg | Mapping[str, str]) -> bytes:
    """One AMI message on the wire."""
    pairs = list(msg.items()) if isinstance(msg, Mapping) else msg
    return ("".join(f"{k}: {v}{CRLF}" for k, v in pairs) + CRLF).encode("utf-8")


def parse(block: str) -> dict[str, Any]:
    """One received message: keys lower-cased, a repeated key as a list."""
    out: dict[str, Any] = {}
    for line in block.split(CRLF):
        if not line:
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key in out:
            prior = out[key]
            out[key] = [*prior, value] if isinstance(prior, list) else [prior, value]
        else:
            out[key] = value
    return out


@dataclass
class Fault:
    kind: str  # deny | error | delay | drop | partial
    message: str = ""
    seconds: float = 0.0
    times: int = 1_000_000  # how many times it fires


@dataclass
class Conn:
    """One client connection."""

    number: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    logged_in: bool = False
    closed: bool = False

    async def send(self, *msgs: Msg | Mapping[str, str]) -> None:
        if self.closed:
            return
        for m in msgs:
            self.writer.write(encode(m))
        with contextlib.suppress(ConnectionError):
            await self.writer.drain()

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            self.writer.close()


@dataclass
class FakeAmi:
    """The server. `async with FakeAmi() as ami: ... ami.port ...`."""

    username: str = "floor"
    secret: str = "s3cret"
    version: str = "5.0.1"
    queue_status: list[dict[str, str]] = field(default_factory=list)  # QueueParams/QueueMember/QueueEntry items
    channels: list[dict[str, str]] = field(default_factory=list)  # CoreShowChannel items
    received: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    connections: list[Conn] = field(default_factory=list)
    handlers: dict[str, Handler] = field(default_factory=dict)
    faults: dict[str, Fault] = field(default_factory=dict)
    port: int = 0
    _server: asyncio.base_events.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def __aenter__(self) -> FakeAmi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self, port: int = 0) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port, limit=4 * 1024 * 1024)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        self.kick()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)
        for t in list(self._tasks):
            t.cancel()

    # -- scripting -----------------------------------------------------------------------

    def on(self, action: str, handler: Handler) -> None:
        """Answer `action` with `handler(conn, msg)` -> messages (ActionID added)."""
        self.handlers[action.lower()] = handler

    def fault(self, action: str, kind: str, message: str = "", seconds: float = 0.0, times: int = 1_000_000) -> None:
        """Script a fault for `action` (see the module docstring)."""
        self.faults[action.lower()] = Fault(kind, message, seconds, times)

    def kick(self) -> None:
        """Drop every connection (the client must reconnect)."""
        for c in self.connections:
            c.close()

    async def emit(self, *events: Msg | Mapping[str, str]) -> None:
        """Send events to every logged-in client."""
        for c in self.connections:
            if c.logged_in and not c.closed:
                await c.send(*events)

    async def send_raw(self, data: bytes) -> None:
        """Send raw bytes to every logged-in client."""
        for c in self.connections:
            if c.logged_in and not c.closed:
                c.writer.write(data)
                with contextlib.suppress(ConnectionError):
                    await c.writer.drain()

    def actions(self, name: str) -> list[tuple[int, dict[str, Any]]]:
        """Every received action of this name: (connection number, message)."""
        return [(n, m) for n, m in self.received if str(m.get("action", "")).lower() == name.lower()]

    @property
    def live(self) -> list[Conn]:
        return [c for c in self.connections if c.logged_in and not c.closed]

    # -- serving -------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Conn(len(self.connections) + 1, reader, writer)
        self.connections.append(conn)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        writer.write(f"Asterisk Call Manager/{self.version}{CRLF}".encode())
        try:
            while not conn.closed:
                try:
                    raw = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                    break
                msg = parse(raw.decode("utf-8", "replace"))
                if "action" not in msg:
                    await conn.send([("Response", "Error"), ("Message", "Missing action in request")])
                    continue
                self.received.append((conn.number, msg))
                # each action is answered in its own task, so a slow answer does not hold the next
                t = asyncio.ensure_future(self._answer(conn, msg))
                self._tasks.add(t)
                t.add_done_callback(self._tasks.discard)
        finally:
            conn.close()
            if task is not None:
                self._tasks.discard(task)

    async def _answer(self, conn: Conn, msg: dict[str, Any]) -> None:
        name = str(msg["action"]).lower()
        aid = msg.get("actionid", "")
        aid = aid[-1] if isinstance(aid, list) else aid

        def with_id(m: Msg | Mapping[str, str]) -> Msg:
            pairs = list(m.items()) if isinstance(m, Mapping) else list(m)
            if aid and not any(k.lower() == "actionid" for k, _ in pairs):
                # Asterisk puts ActionID second, after Response/Event
                pairs.insert(1, ("ActionID", aid))
            return pairs

        if name == "login":
            user = msg.get("username", "")
            if user == self.username and msg.get("secret", "") == self.secret:
                conn.logged_in = True
                await conn.send(with_id([("Response", "Success"), ("Message", "Authentication accepted")]))
                await conn.send(
                    [
                        ("Event", "FullyBooted"),
                        ("Privilege", "system,all"),
                        ("Uptime", "1"),
                        ("LastReload", "1"),
                        ("Status", "Fully Booted"),
                    ]
                )
            else:
                await conn.send(with_id([("Response", "Error"), ("Message", "Authentication failed")]))
            return
        if not conn.logged_in:
            await conn.send(with_id([("Response", "Error"), ("Message", "Permission denied")]))
            return
        fault = self.faults.get(name)
        if fault is not None and fault.times > 0:
            fault.times -= 1
            if fault.kind == "deny":
                await conn.send(with_id([("Response", "Error"), ("Message", "Permission denied")]))
                return
            if fault.kind == "error":
                await conn.send(with_id([("Response", "Error"), ("Message", fault.message)]))
                return
            if fault.kind == "drop":
                conn.close()
                return
            if fault.kind == "partial":
                head = encode(with_id([("Response", "Success"), ("Message", "half")]))
                conn.writer.write(head[: len(head) // 2])
                with contextlib.suppress(ConnectionError):
                    await conn.writer.drain()
                conn.close()
                return
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
        handler = self.handlers.get(name)
        if handler is not None:
            out = handler(conn, msg)
            if asyncio.iscoroutine(out) or isinstance(out, Awaitable):
                out = await out
            for m in out:
                await conn.send(with_id(m))
            return
        if name == "ping":
            await conn.send(with_id([("Response", "Success"), ("Ping", "Pong"), ("Timestamp", "1700000000.000000")]))
        elif name == "logoff":
            await conn.send(with_id([("Response", "Goodbye"), ("Message", "Thanks for all the fish.")]))
            conn.close()
        elif name == "queuestatus":
            await self._list(conn, with_id, "Queue status will follow", self.queue_status, "QueueStatusComplete")
        elif name == "coreshowchannels":
            await self._list(conn, with_id, "Channels will follow", self.channels, "CoreShowChannelsComplete")
        else:
            await conn.send(with_id([("Response", "Success"), ("Message", f"{msg['action']} done")]))

    async def _list(
        self, conn: Conn, with_id: Callable[[Any], Msg], message: str, items: list[dict[str, str]], complete: str
    ) -> None:
        await conn.send(with_id([("Response", "Success"), ("EventList", "start"), ("Message", message)]))
        for item in items:
            await conn.send(with_id(item))
        await conn.send(with_id([("Event", complete), ("EventList", "Complete"), ("ListItems", str(len(items)))]))


# -- app_queue events, field for field as the Asterisk AMI event reference lists them ------
# (QueueCallerJoin/Leave/Abandon, AgentCalled/Connect/Complete/RingNoAnswer,
# QueueMemberStatus/Pause, QueueMember/QueueEntry of QueueStatus, DeviceStateChange).
# The recordings in shared/ami come from a PBX without app_queue, so these are written by hand.

STATE_DESC = {"0": "Down", "4": "Ring", "5": "Ringing", "6": "Up"}


def channel_fields(
    prefix: str,
    channel: str,
    uniqueid: str,
    linkedid: str,
    state: str = "6",
    num: str = "",
    connected: str = "",
    context: str = "default",
    exten: str = "s",
) -> Msg:
    """The channel snapshot block every channel event carries (`Dest` prefix for the second)."""
    return [
        (f"{prefix}Channel", channel),
        (f"{prefix}ChannelState", state),
        (f"{prefix}ChannelStateDesc", STATE_DESC.get(state, "Unknown")),
        (f"{prefix}CallerIDNum", num or "<unknown>"),
        (f"{prefix}CallerIDName", "<unknown>"),
        (f"{prefix}ConnectedLineNum", connected or "<unknown>"),
        (f"{prefix}ConnectedLineName", "<unknown>"),
        (f"{prefix}Language", "en"),
        (f"{prefix}AccountCode", ""),
        (f"{prefix}Context", context),
        (f"{prefix}Exten", exten),
        (f"{prefix}Priority", "1"),
        (f"{prefix}Uniqueid", uniqueid),
        (f"{prefix}Linkedid", linkedid),
    ]


@dataclass(frozen=True)
class Leg:
    """A channel of a scripted call."""

    channel: str
    uniqueid: str
    linkedid: str
    num: str = ""

    def fields(self, prefix: str = "", state: str = "6") -> Msg:
        return channel_fields(prefix, self.channel, self.uniqueid, self.linkedid, state, self.num)


def ev(name: str, *blocks: Msg, **extra: str) -> Msg:
    """An event: `Event`, `Privilege`, the channel blocks, then the named fields in order."""
    privilege = "agent,all" if name.startswith(("Agent", "QueueMember")) else "call,all"
    out: Msg = [("Event", name), ("Privilege", privilege)]
    for b in blocks:
        out.extend(b)
    out.extend(extra.items())
    return out


def member_fields(
    queue: str,
    name: str,
    interface: str,
    state_interface: str = "",
    status: str = "1",
    paused: str = "0",
    paused_reason: str = "",
    in_call: str = "0",
    calls_taken: str = "0",
) -> Msg:
    """QueueMemberStatus / QueueMemberPause / QueueMemberAdded body (Asterisk 16+ field set)."""
    return [
        ("Queue", queue),
        ("MemberName", name),
        ("Interface", interface),
        ("StateInterface", state_interface or interface),
        ("Membership", "dynamic"),
        ("Penalty", "0"),
        ("CallsTaken", calls_taken),
        ("LastCall", "0"),
        ("LastPause", "0"),
        ("LoginTime", "1700000000"),
        ("InCall", in_call),
        ("Status", status),
        ("Paused", paused),
        ("PausedReason", paused_reason),
        ("Ringinuse", "0"),
        ("Wrapuptime", "0"),
    ]


def queue_member_status(queue: str, name: str, interface: str, **kw: str) -> Msg:
    return [("Event", "QueueMemberStatus"), ("Privilege", "agent,all"), *member_fields(queue, name, interface, **kw)]


def queue_member_pause(queue: str, name: str, interface: str, paused: bool, reason: str = "", **kw: str) -> Msg:
    return [
        ("Event", "QueueMemberPause"),
        ("Privilege", "agent,all"),
        *member_fields(queue, name, interface, paused="1" if paused else "0", paused_reason=reason, **kw),
    ]


def queue_member_item(
    queue: str,
    name: str,
    location: str,
    status: str = "1",
    paused: str = "0",
    paused_reason: str = "",
    in_call: str = "0",
) -> dict[str, str]:
    """A QueueStatus list item for a member: note Name and Location, not MemberName/Interface."""
    return {
        "Event": "QueueMember",
        "Queue": queue,
        "Name": name,
        "Location": location,
        "StateInterface": location,
        "Membership": "dynamic",
        "Penalty": "0",
        "CallsTaken": "3",
        "LastCall": "0",
        "LastPause": "0",
        "LoginTime": "1700000000",
        "InCall": in_call,
        "Status": status,
        "Paused": paused,
        "PausedReason": paused_reason,
        "Wrapuptime": "0",
    }


def queue_entry_item(queue: str, leg: Leg, position: int, wait: int) -> dict[str, str]:
    """A QueueStatus list item for a waiting caller."""
    return {
        "Event": "QueueEntry",
        "Queue": queue,
        "Position": str(position),
        "Channel": leg.channel,
        "Uniqueid": leg.uniqueid,
        "CallerIDNum": leg.num or "<unknown>",
        "CallerIDName": "<unknown>",
        "ConnectedLineNum": "<unknown>",
        "ConnectedLineName": "<unknown>",
        "Wait": str(wait),
        "Priority": "0",
    }


def core_show_channel(
    leg: Leg, duration: str = "00:01:00", bridge: str = "", app: str = "Queue", state: str = "6"
) -> dict[str, str]:
    """A CoreShowChannels list item."""
    return {
        "Event": "CoreShowChannel",
        **dict(leg.fields(state=state)),
        "BridgeId": bridge,
        "Application": app,
        "ApplicationData": "",
        "Duration": duration,
    }


def queue_caller_join(queue: str, caller: Leg, position: int = 1, count: int = 1) -> Msg:
    return ev("QueueCallerJoin", caller.fields(state="6"), Queue=queue, Position=str(position), Count=str(count))


def queue_caller_leave(queue: str, caller: Leg, position: int = 1, count: int = 0) -> Msg:
    return ev("QueueCallerLeave", caller.fields(), Queue=queue, Count=str(count), Position=str(position))


def queue_caller_abandon(queue: str, caller: Leg, position: int = 1, hold: int = 30) -> Msg:
    return ev(
        "QueueCallerAbandon",
        caller.fields(),
        Queue=queue,
        Position=str(position),
        OriginalPosition=str(position),
        HoldTime=str(hold),
    )


def agent_called(queue: str, caller: Leg, agent: Leg, interface: str, member: str) -> Msg:
    return ev(
        "AgentCalled",
        caller.fields(),
        agent.fields("Dest", state="5"),
        Queue=queue,
        Interface=interface,
        MemberName=member,
    )


def agent_ring_no_answer(queue: str, caller: Leg, agent: Leg, interface: str, member: str, ring: int = 15) -> Msg:
    return ev(
        "AgentRingNoAnswer",
        caller.fields(),
        agent.fields("Dest", state="5"),
        Queue=queue,
        Interface=interface,
        MemberName=member,
        RingTime=str(ring),
    )


def agent_connect(
    queue: str, caller: Leg, agent: Leg, interface: str, member: str, hold: int = 12, ring: int = 4
) -> Msg:
    return ev(
        "AgentConnect",
        caller.fields(),
        agent.fields("Dest"),
        Queue=queue,
        MemberName=member,
        Interface=interface,
        RingTime=str(ring),
        HoldTime=str(hold),
    )


def agent_complete(
    queue: str, caller: Leg, agent: Leg, interface: str, member: str, talk: int = 60, reason: str = "caller"
) -> Msg:
    return ev(
        "AgentComplete",
        caller.fields(),
        agent.fields("Dest"),
        Queue=queue,
        MemberName=member,
        Interface=interface,
        HoldTime="12",
        TalkTime=str(talk),
        Reason=reason,
    )


def newchannel(leg: Leg, state: str = "0") -> Msg:
    return ev("Newchannel", leg.fields(state=state))


def newstate(leg: Leg, state: str) -> Msg:
    return ev("Newstate", leg.fields(state=state))


def hangup(leg: Leg, cause: str = "16", text: str = "Normal Clearing") -> Msg:
    return ev("Hangup", leg.fields(), Cause=cause, **{"Cause-txt": text})


def bridge_fields(bridge: str, num: int) -> Msg:
    return [
        ("BridgeUniqueid", bridge),
        ("BridgeType", "basic"),
        ("BridgeTechnology", "simple_bridge"),
        ("BridgeCreator", "<unknown>"),
        ("BridgeName", "<unknown>"),
        ("BridgeNumChannels", str(num)),
        ("BridgeVideoSourceMode", "none"),
    ]


def bridge_enter(bridge: str, leg: Leg, num: int) -> Msg:
    return ev("BridgeEnter", bridge_fields(bridge, num), leg.fields())


def bridge_leave(bridge: str, leg: Leg, num: int) -> Msg:
    return ev("BridgeLeave", bridge_fields(bridge, num), leg.fields())


def device_state_change(device: str, state: str) -> Msg:
    return [("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", device), ("State", state)]


def blind_transfer(
    bridge: str, transferer: Leg, transferee: Leg, exten: str, context: str, result: str = "Success"
) -> Msg:
    return ev(
        "BlindTransfer",
        [("Result", result)],
        transferer.fields("Transferer"),
        bridge_fields(bridge, 2),
        transferee.fields("Transferee"),
        IsExternal="Yes",
        Context=context,
        Extension=exten,
    )


def originate_response(response: str, channel: str, reason: str, uniqueid: str = "") -> Msg:
    return [
        ("Event", "OriginateResponse"),
        ("Privilege", "call,all"),
        ("Response", response),
        ("Channel", channel),
        ("Context", ""),
        ("Exten", ""),
        ("Application", "ChanSpy"),
        ("Data", ""),
        ("Reason", reason),
        ("Uniqueid", uniqueid or "<null>"),
        ("CallerIDNum", "<unknown>"),
        ("CallerIDName", "<unknown>"),
    ]
