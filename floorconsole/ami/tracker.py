"""Live call state from AMI events: a pure fold, no I/O, time passed in.

What queue_log cannot tell and this can: an agent's phone ringing, a device unavailable or
unreachable, the agent's current channel and the caller's channel, who is in which bridge,
and whether a call is live right now (the queue_log callid is the caller channel's
Uniqueid, which is also the Linkedid of every channel of that call).

Events are mappings of AMI keys to values, keys in any case (AMI keys are case-insensitive),
as panoramisk hands them over or as recorded. A repeated key may arrive as a list; its last
value is used. Unknown events are ignored and counted.

At (re)connect the gateway asks for `QueueStatus` and `CoreShowChannels` and hands the
lists to `apply_snapshot`, which replaces what may have gone stale while disconnected;
after that every event is `apply`-ed as it comes.

Everything is bounded: ended channels and calls are kept in a window (count and age), the
transfer log is a ring, and the live channel table has a ceiling that only a PBX leaking
hangups could reach (evictions are counted).
"""

from __future__ import annotations

import time as _time
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

Fields = dict[str, str]


class DeviceStatus(IntEnum):
    """The numeric device state of a queue member (`Status` of QueueMemberStatus)."""

    UNKNOWN = 0
    NOT_INUSE = 1
    INUSE = 2
    BUSY = 3
    INVALID = 4
    UNAVAILABLE = 5
    RINGING = 6
    RINGINUSE = 7
    ONHOLD = 8


# DeviceStateChange's `State` is the name (NOT_INUSE, INUSE ...); map it to the number.
DEVICE_STATE_NAMES: dict[str, DeviceStatus] = {s.name: s for s in DeviceStatus}

UNREACHABLE = frozenset({DeviceStatus.INVALID, DeviceStatus.UNAVAILABLE})
RINGING = frozenset({DeviceStatus.RINGING, DeviceStatus.RINGINUSE})

CHANNEL_STATE_UP = 6


def norm(event: Mapping[str, Any]) -> Fields:
    """An event with lower-case keys and string values (last value of a repeated key)."""
    out: Fields = {}
    for k, v in event.items():
        if isinstance(v, list | tuple):
            v = v[-1] if v else ""
        out[k.lower()] = "" if v is None else str(v)
    return out


def channel_device(name: str) -> str:
    """The device part of a channel name: `PJSIP/101-0000001a` -> `PJSIP/101`,
    `Local/101@agents-00000001;1` -> `Local/101@agents`."""
    base = name.split(";", 1)[0]
    dash = base.rfind("-")
    return base[:dash] if dash > 0 else base


def interface_device(interface: str) -> str:
    """The device a queue member interface rings: `Local/101@agents/n` -> `Local/101@agents`."""
    if interface.startswith("Local/") and interface.count("/") >= 2:
        return interface.rsplit("/", 1)[0]
    return interface


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _hms(value: str) -> float:
    """CoreShowChannel `Duration` (HH:MM:SS) in seconds; 0 when unreadable."""
    try:
        parts = [int(p) for p in value.split(":")]
    except (AttributeError, ValueError):
        return 0.0
    total = 0
    for p in parts:
        total = total * 60 + p
    return float(total)


@dataclass(slots=True)
class Channel:
    """A live channel."""

    name: str
    uniqueid: str
    linkedid: str
    state: int
    created: float
    caller_num: str = ""
    connected_num: str = ""
    context: str = ""
    exten: str = ""
    answered: float | None = None
    bridge: str | None = None

    @property
    def device(self) -> str:
        return channel_device(self.name)


@dataclass(slots=True, frozen=True)
class EndedChannel:
    """A channel that hung up (kept for a window)."""

    name: str
    uniqueid: str
    linkedid: str
    created: float
    ended: float
    cause: str = ""


@dataclass(slots=True)
class Member:
    """A queue member in one queue, as app_queue reports it."""

    queue: str
    interface: str
    name: str = ""
    state_interface: str = ""
    status: DeviceStatus = DeviceStatus.UNKNOWN
    paused: bool = False
    paused_reason: str = ""
    in_call: bool = False
    calls_taken: int = 0
    last_call: float = 0.0
    membership: str = ""
    updated: float = 0.0


@dataclass(slots=True)
class QueueCaller:
    """A caller waiting in a queue."""

    queue: str
    uniqueid: str
    channel: str
    position: int
    joined: float
    caller_num: str = ""


@dataclass(slots=True)
class AgentCall:
    """The call an agent's phone is ringing with, or connected to, from AgentCalled/Connect."""

    interface: str
    queue: str
    caller_uniqueid: str
    caller_channel: str
    agent_channel: str
    agent_uniqueid: str
    connected: bool
    since: float


@dataclass(slots=True, frozen=True)
class Transfer:
    """A BlindTransfer or AttendedTransfer event, as far as the floor needs it."""

    kind: str  # "blind" | "attended"
    result: str  # Success, Fail, Not Permitted, Invalid
    transferer_channel: str
    transferee_channel: str
    transferee_uniqueid: str
    extension: str
    context: str
    time: float


@dataclass(slots=True, frozen=True)
class CallLiveness:
    """Whether a call (queue_log callid = the caller's Uniqueid / the call's Linkedid) is live."""

    callid: str
    known: bool
    live: bool
    started: float | None = None
    ended: float | None = None

    def describe(self, now: float) -> str:
        """`live for 3:12`, `ended 10:41` (local time of day), or `not seen on AMI`."""
        if self.live and self.started is not None:
            s = max(0, int(now - self.started))
            return (
                f"live for {s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
                if s >= 3600
                else f"live for {s // 60}:{s % 60:02d}"
            )
        if self.live:
            return "live"
        if self.ended is not None:
            return "ended " + _time.strftime("%H:%M", _time.localtime(self.ended))
        return "not seen on AMI"


@dataclass(slots=True, frozen=True)
class AgentLive:
    """What AMI says about one agent right now (the seat table's live columns)."""

    interface: str
    device_status: DeviceStatus
    ringing: bool
    unreachable: bool
    paused: bool
    paused_reason: str
    agent_channel: str | None
    caller_channel: str | None
    callid: str | None
    queue: str | None
    connected_since: float | None


@dataclass
class TrackerStats:
    """Counters for the health line."""

    events: int = 0
    unknown: int = 0
    malformed: int = 0
    evicted_channels: int = 0
    snapshots: int = 0


class AmiTracker:
    """The fold. One instance per AMI connection lifetime (it survives reconnects)."""

    def __init__(
        self,
        ended_window_s: float = 4 * 3600.0,
        max_ended: int = 50_000,
        max_live_channels: int = 200_000,
        max_transfers: int = 1_000,
    ) -> None:
        self.ended_window_s = ended_window_s
        self.max_ended = max_ended
        self.max_live_channels = max_live_channels
        self.channels: dict[str, Channel] = {}  # by Uniqueid
        self.by_name: dict[str, str] = {}  # channel name -> Uniqueid
        self.by_device: dict[str, set[str]] = {}  # device -> live Uniqueids
        self.by_linkedid: dict[str, set[str]] = {}  # Linkedid -> live Uniqueids
        self.bridges: dict[str, set[str]] = {}  # BridgeUniqueid -> Uniqueids
        self.ended: OrderedDict[str, EndedChannel] = OrderedDict()  # Uniqueid or Linkedid -> end
        self.members: dict[tuple[str, str], Member] = {}  # (queue, interface)
        self.member_queues: dict[str, set[str]] = {}  # interface -> queues
        self.devices: dict[str, DeviceStatus] = {}  # DeviceStateChange: device -> state
        # device -> member interfaces whose live cell it feeds (their state interface and
        # the device they ring), so a change on a device marks every agent it shows on
        self.watchers: dict[str, set[str]] = {}
        self.waiting: dict[str, dict[str, QueueCaller]] = {}  # queue -> Uniqueid -> caller
        self.agent_calls: dict[str, AgentCall] = {}  # member interface -> call
        self._calls_by_uid: dict[str, set[str]] = {}  # channel Uniqueid -> interfaces whose call it is in
        self.transfers: deque[Transfer] = deque(maxlen=max_transfers)
        self.stats = TrackerStats()
        self.synced = False  # a snapshot was applied and nothing was lost since
        self.changed_agents: set[str] = set()
        self.changed_calls: set[str] = set()
        self._handlers = {
            "newchannel": self._newchannel,
            "newstate": self._newstate,
            "hangup": self._hangup,
            "rename": self._rename,
            "bridgeenter": self._bridge_enter,
            "bridgeleave": self._bridge_leave,
            "bridgedestroy": self._bridge_destroy,
            "blindtransfer": self._blind_transfer,
            "attendedtransfer": self._attended_transfer,
            "queuecallerjoin": self._caller_join,
            "queuecallerleave": self._caller_leave,
            "queuecallerabandon": self._caller_leave,
            "agentcalled": self._agent_called,
            "agentconnect": self._agent_connect,
            "agentcomplete": self._agent_complete,
            "agentringnoanswer": self._agent_ring_no_answer,
            "queuememberstatus": self._member,
            "queuememberpause": self._member,
            "queuememberadded": self._member,
            "queuemember": self._member,
            "queuememberremoved": self._member_removed,
            "queueentry": self._queue_entry,
            "coreshowchannel": self._core_show_channel,
            "devicestatechange": self._device_state,
        }

    # -- entry points -------------------------------------------------------------------

    def apply(self, event: Mapping[str, Any], now: float) -> None:
        """Fold one event (keys in any case)."""
        self.apply_normalized(norm(event), now)

    def apply_normalized(self, ev: Fields, now: float) -> None:
        """Fold one event whose keys are already lower-case and values strings."""
        self.stats.events += 1
        handler = self._handlers.get(ev.get("event", "").lower())
        if handler is None:
            self.stats.unknown += 1
            return
        try:
            handler(ev, now)
        except (KeyError, ValueError):
            self.stats.malformed += 1

    def apply_all(self, events: Iterable[Mapping[str, Any]], now: float) -> None:
        """Fold a recorded sequence at one instant (replays, tests)."""
        for event in events:
            self.apply(event, now)

    def apply_snapshot(
        self, queue_status: Iterable[Mapping[str, Any]], channels: Iterable[Mapping[str, Any]], now: float
    ) -> None:
        """Replace the state with what `QueueStatus` and `CoreShowChannels` report now.

        Channels not in the list are taken as ended now (their Hangup was missed while
        disconnected); members, waiting callers and bridges are rebuilt; an agent's call
        is kept only while both its channels are still up."""
        listed = [norm(e) for e in channels]
        live_ids = {e.get("uniqueid", "") for e in listed if e.get("event", "").lower() == "coreshowchannel"}
        for uid in [u for u in self.channels if u not in live_ids]:
            self._end_channel(uid, now, "gone while disconnected")
        self.bridges.clear()
        for ch in self.channels.values():
            if ch.bridge is not None:
                ch.bridge = None
                self._touch_channel(ch)
        for e in listed:
            self.apply_normalized(e, now)
        old_members = self.members
        self.members, self.member_queues, self.waiting = {}, {}, {}
        for status_event in queue_status:
            self.apply(status_event, now)
        for key in old_members.keys() - self.members.keys():
            self.changed_agents.add(key[1])
        for iface, call in list(self.agent_calls.items()):
            if call.agent_uniqueid not in self.channels or call.caller_uniqueid not in self.channels:
                self._drop_agent_call(iface)
                self.changed_agents.add(iface)
        self.stats.snapshots += 1
        self.synced = True

    def mark_stale(self) -> None:
        """The connection dropped: what is held may be out of date until the next snapshot."""
        self.synced = False

    def take_changes(self) -> tuple[set[str], set[str]]:
        """(agent interfaces, callids) changed since the last call."""
        agents, calls = self.changed_agents, self.changed_calls
        self.changed_agents, self.changed_calls = set(), set()
        return agents, calls

    # -- questions -----------------------------------------------------------------------

    def channel_by_name(self, name: str) -> Channel | None:
        """The live channel with exactly this name."""
        uid = self.by_name.get(name)
        return self.channels.get(uid) if uid is not None else None

    def bridge_peers(self, uniqueid: str) -> list[Channel]:
        """The other live channels in the bridge `uniqueid` is in."""
        ch = self.channels.get(uniqueid)
        if ch is None or ch.bridge is None:
            return []
        return [self.channels[u] for u in self.bridges.get(ch.bridge, ()) if u != uniqueid and u in self.channels]

    def bridged_with_device(self, uniqueid: str, device: str) -> Channel | None:
        """A live channel of `device` (e.g. the supervisor's PJSIP/2001) in the same bridge
        as `uniqueid`, or None."""
        for peer in self.bridge_peers(uniqueid):
            if peer.device == device:
                return peer
        return None

    def call(self, callid: str) -> CallLiveness:
        """Is the call with this queue_log callid (caller Uniqueid / Linkedid) live?"""
        ch = self.channels.get(callid)
        if ch is not None:
            return CallLiveness(callid, True, True, started=ch.created)
        linked = self.by_linkedid.get(callid)
        if linked:
            return CallLiveness(callid, True, True, started=min(self.channels[u].created for u in linked))
        end = self.ended.get(callid)
        if end is not None:
            return CallLiveness(callid, True, False, started=end.created, ended=end.ended)
        return CallLiveness(callid, False, False)

    def agent_channel(self, interface: str) -> Channel | None:
        """The agent's current channel: the one app_queue connected (AgentConnect's
        DestChannel) while it is up, else a live channel on the agent's device, preferring
        one in a bridge."""
        call = self.agent_calls.get(interface)
        if call is not None and call.connected:
            ch = self.channels.get(call.agent_uniqueid)
            if ch is not None:
                return ch
        best: Channel | None = None
        for device in self._devices_of(interface):
            for uid in self.by_device.get(device, ()):
                ch = self.channels[uid]
                if best is None or (ch.bridge is not None and best.bridge is None):
                    best = ch
        return best

    def caller_channel(self, interface: str) -> Channel | None:
        """The caller the agent is talking to: AgentConnect's caller channel while it is up,
        else the one other party of the agent channel's two-party bridge."""
        call = self.agent_calls.get(interface)
        if call is not None and call.connected:
            ch = self.channels.get(call.caller_uniqueid)
            if ch is not None:
                return ch
        agent = self.agent_channel(interface)
        if agent is None:
            return None
        peers = self.bridge_peers(agent.uniqueid)
        return peers[0] if len(peers) == 1 else None

    def device_status(self, interface: str) -> DeviceStatus:
        """The freshest device state for a member: DeviceStateChange of its state interface,
        else the member's Status."""
        for q in self.member_queues.get(interface, ()):
            m = self.members.get((q, interface))
            if m is not None:
                dev = self.devices.get(m.state_interface or interface)
                return dev if dev is not None else m.status
        dev = self.devices.get(interface_device(interface))
        return dev if dev is not None else DeviceStatus.UNKNOWN

    def agent(self, interface: str) -> AgentLive:
        """Everything live about one agent."""
        status = self.device_status(interface)
        members = [
            self.members[(q, interface)]
            for q in self.member_queues.get(interface, ())
            if (q, interface) in self.members
        ]
        paused = any(m.paused for m in members)
        reason = next((m.paused_reason for m in members if m.paused and m.paused_reason), "")
        call = self.agent_calls.get(interface)
        agent_ch = self.agent_channel(interface)
        caller_ch = self.caller_channel(interface)
        callid = call.caller_uniqueid if call is not None else (caller_ch.linkedid if caller_ch else None)
        return AgentLive(
            interface=interface,
            device_status=status,
            ringing=status in RINGING or (call is not None and not call.connected),
            unreachable=status in UNREACHABLE,
            paused=paused,
            paused_reason=reason,
            agent_channel=agent_ch.name if agent_ch else None,
            caller_channel=caller_ch.name if caller_ch else None,
            callid=callid,
            queue=call.queue if call is not None else None,
            connected_since=call.since if call is not None and call.connected else None,
        )

    # -- handlers ------------------------------------------------------------------------

    def _devices_of(self, interface: str) -> list[str]:
        devs = [interface_device(interface)]
        for q in self.member_queues.get(interface, ()):
            m = self.members.get((q, interface))
            if m is not None and m.state_interface and m.state_interface not in devs:
                devs.append(m.state_interface)
        return devs

    def _add_channel(self, ev: Fields, now: float, created: float | None = None, prefix: str = "") -> Channel | None:
        uid = ev.get(prefix + "uniqueid", "")
        name = ev.get(prefix + "channel", "")
        if not uid or not name:
            return None
        ch = self.channels.get(uid)
        if ch is not None:
            return ch
        if len(self.channels) >= self.max_live_channels:
            oldest = next(iter(self.channels))
            self._end_channel(oldest, now, "evicted")
            self.stats.evicted_channels += 1
        ch = Channel(
            name=name,
            uniqueid=uid,
            linkedid=ev.get(prefix + "linkedid", "") or uid,
            state=_int(ev.get(prefix + "channelstate", "0")),
            created=now if created is None else created,
            caller_num=ev.get(prefix + "calleridnum", ""),
            connected_num=ev.get(prefix + "connectedlinenum", ""),
            context=ev.get(prefix + "context", ""),
            exten=ev.get(prefix + "exten", ""),
        )
        if ch.state == CHANNEL_STATE_UP:
            ch.answered = ch.created
        self.channels[uid] = ch
        self.by_name[name] = uid
        self.by_device.setdefault(ch.device, set()).add(uid)
        self.by_linkedid.setdefault(ch.linkedid, set()).add(uid)
        self.changed_calls.add(ch.linkedid)
        self._touch_device(ch.device)
        return ch

    def _end_channel(self, uid: str, now: float, cause: str) -> None:
        ch = self.channels.pop(uid, None)
        if ch is None:
            return
        if self.by_name.get(ch.name) == uid:
            del self.by_name[ch.name]
        devs = self.by_device.get(ch.device)
        if devs is not None:
            devs.discard(uid)
            if not devs:
                del self.by_device[ch.device]
        self._touch_device(ch.device)
        if ch.bridge is not None:
            members = self.bridges.get(ch.bridge)
            if members is not None:
                members.discard(uid)
                self._touch_bridge(members)  # the peers lose the party they talked to
                if not members:  # a missed BridgeDestroy must not leave it behind for good
                    del self.bridges[ch.bridge]
        self._remember_end(EndedChannel(ch.name, uid, ch.linkedid, ch.created, now, cause), uid)
        linked = self.by_linkedid.get(ch.linkedid)
        if linked is not None:
            linked.discard(uid)
            if not linked:
                del self.by_linkedid[ch.linkedid]
                if ch.linkedid != uid:
                    self._remember_end(
                        EndedChannel(ch.name, ch.linkedid, ch.linkedid, ch.created, now, cause), ch.linkedid
                    )
        for iface in list(self._calls_by_uid.get(uid, ())):
            self._drop_agent_call(iface)
        for waiting in self.waiting.values():
            waiting.pop(uid, None)
        self.changed_calls.add(ch.linkedid)
        self._prune(now)

    def _remember_end(self, end: EndedChannel, key: str) -> None:
        prior = self.ended.pop(key, None)
        if prior is not None and prior.created < end.created:
            end = EndedChannel(end.name, end.uniqueid, end.linkedid, prior.created, end.ended, end.cause)
        self.ended[key] = end

    def _prune(self, now: float) -> None:
        ended = self.ended
        while len(ended) > self.max_ended:
            ended.popitem(last=False)
        horizon = now - self.ended_window_s
        while ended:
            first = next(iter(ended.values()))
            if first.ended >= horizon:
                break
            ended.popitem(last=False)

    def _newchannel(self, ev: Fields, now: float) -> None:
        self._add_channel(ev, now)

    def _newstate(self, ev: Fields, now: float) -> None:
        ch = self.channels.get(ev["uniqueid"]) or self._add_channel(ev, now)
        if ch is None:
            return
        ch.state = _int(ev.get("channelstate", ""), ch.state)
        if ch.state == CHANNEL_STATE_UP and ch.answered is None:
            ch.answered = now
        if "connectedlinenum" in ev:
            ch.connected_num = ev["connectedlinenum"]

    def _hangup(self, ev: Fields, now: float) -> None:
        self._end_channel(ev["uniqueid"], now, ev.get("cause-txt", "") or ev.get("cause", ""))

    def _rename(self, ev: Fields, now: float) -> None:
        ch = self.channels.get(ev.get("uniqueid", ""))
        new = ev.get("newname", "")
        if ch is None or not new:
            return
        if self.by_name.get(ch.name) == ch.uniqueid:
            del self.by_name[ch.name]
        devs = self.by_device.get(ch.device)
        if devs is not None:
            devs.discard(ch.uniqueid)
            if not devs:
                del self.by_device[ch.device]
        self._touch_device(ch.device)
        ch.name = new
        self.by_name[new] = ch.uniqueid
        self.by_device.setdefault(ch.device, set()).add(ch.uniqueid)
        self._touch_device(ch.device)

    def _bridge_enter(self, ev: Fields, now: float) -> None:
        bid = ev["bridgeuniqueid"]
        ch = self.channels.get(ev["uniqueid"]) or self._add_channel(ev, now)
        if ch is None:
            return
        members = self.bridges.setdefault(bid, set())
        swap = ev.get("swapuniqueid", "")
        if swap:
            members.discard(swap)
            swapped = self.channels.get(swap)
            if swapped is not None and swapped.bridge == bid:
                swapped.bridge = None
        if ch.bridge is not None and ch.bridge != bid:
            old = self.bridges.get(ch.bridge)
            if old is not None:
                old.discard(ch.uniqueid)
                self._touch_bridge(old)
        members.add(ch.uniqueid)
        ch.bridge = bid
        self.changed_calls.add(ch.linkedid)
        self._touch_bridge(members)  # the channel and its new peers (swapped ones included)
        if swap:
            self._touch_uid(swap)

    def _bridge_leave(self, ev: Fields, now: float) -> None:
        bid = ev["bridgeuniqueid"]
        uid = ev["uniqueid"]
        members = self.bridges.get(bid)
        if members is not None:
            members.discard(uid)
            if not members:
                del self.bridges[bid]
        ch = self.channels.get(uid)
        if ch is not None and ch.bridge == bid:
            ch.bridge = None
            self.changed_calls.add(ch.linkedid)
            self._touch_channel(ch)
            if members is not None:
                self._touch_bridge(members)

    def _bridge_destroy(self, ev: Fields, now: float) -> None:
        for uid in self.bridges.pop(ev["bridgeuniqueid"], ()):
            ch = self.channels.get(uid)
            if ch is not None and ch.bridge == ev["bridgeuniqueid"]:
                ch.bridge = None
                self._touch_channel(ch)

    # What changed for the live cells: every agent whose cell a channel feeds is marked
    # when the channel comes, goes, is renamed or changes bridge (a call that is not from
    # a queue included), and so are the agents of its bridge peers.

    def _touch_device(self, device: str) -> None:
        changed = self.changed_agents
        changed.add(device)  # an agent whose interface is the device itself (member or not)
        watching = self.watchers.get(device)
        if watching:
            changed.update(watching)

    def _touch_channel(self, ch: Channel) -> None:
        self._touch_device(ch.device)
        calls = self._calls_by_uid.get(ch.uniqueid)
        if calls:
            self.changed_agents.update(calls)

    def _touch_uid(self, uid: str) -> None:
        ch = self.channels.get(uid)
        if ch is not None:
            self._touch_channel(ch)

    def _touch_bridge(self, members: Iterable[str]) -> None:
        for uid in members:
            self._touch_uid(uid)

    def _set_agent_call(self, call: AgentCall) -> None:
        self._drop_agent_call(call.interface)
        self.agent_calls[call.interface] = call
        for uid in (call.agent_uniqueid, call.caller_uniqueid):
            self._calls_by_uid.setdefault(uid, set()).add(call.interface)
        self.changed_agents.add(call.interface)

    def _drop_agent_call(self, iface: str) -> None:
        call = self.agent_calls.pop(iface, None)
        if call is None:
            return
        for uid in (call.agent_uniqueid, call.caller_uniqueid):
            ifaces = self._calls_by_uid.get(uid)
            if ifaces is not None:
                ifaces.discard(iface)
                if not ifaces:
                    del self._calls_by_uid[uid]
        self.changed_agents.add(iface)

    def _blind_transfer(self, ev: Fields, now: float) -> None:
        self.transfers.append(
            Transfer(
                "blind",
                ev.get("result", ""),
                ev.get("transfererchannel", ""),
                ev.get("transfereechannel", ""),
                ev.get("transfereeuniqueid", ""),
                ev.get("extension", ""),
                ev.get("context", ""),
                now,
            )
        )
        self.changed_calls.add(ev.get("transfereelinkedid", "") or ev.get("transfereeuniqueid", ""))

    def _attended_transfer(self, ev: Fields, now: float) -> None:
        self.transfers.append(
            Transfer(
                "attended",
                ev.get("result", ""),
                ev.get("origtransfererchannel", ""),
                ev.get("transfereechannel", "") or ev.get("transfertargetchannel", ""),
                ev.get("transfereeuniqueid", "") or ev.get("transfertargetuniqueid", ""),
                ev.get("desttype", ""),
                "",
                now,
            )
        )
        self.changed_calls.add(ev.get("origtransfererlinkedid", ""))

    def _caller_join(self, ev: Fields, now: float) -> None:
        ch = self._add_channel(ev, now)
        uid = ev["uniqueid"]
        self.waiting.setdefault(ev["queue"], {})[uid] = QueueCaller(
            ev["queue"], uid, ev.get("channel", ""), _int(ev.get("position", "0")), now, ev.get("calleridnum", "")
        )
        self.changed_calls.add(ch.linkedid if ch else uid)

    def _caller_leave(self, ev: Fields, now: float) -> None:
        waiting = self.waiting.get(ev["queue"])
        if waiting is not None:
            waiting.pop(ev["uniqueid"], None)
        self.changed_calls.add(ev.get("linkedid", "") or ev["uniqueid"])

    def _queue_entry(self, ev: Fields, now: float) -> None:
        uid = ev.get("uniqueid", "")
        if not uid:
            return
        wait = float(_int(ev.get("wait", "0")))
        self.waiting.setdefault(ev["queue"], {})[uid] = QueueCaller(
            ev["queue"],
            uid,
            ev.get("channel", ""),
            _int(ev.get("position", "0")),
            now - wait,
            ev.get("calleridnum", ""),
        )

    def _agent_called(self, ev: Fields, now: float) -> None:
        self._add_channel(ev, now)
        self._add_channel(ev, now, prefix="dest")
        iface = ev["interface"]
        current = self.agent_calls.get(iface)
        if current is not None and current.connected:
            return  # ringinuse: a second call rings a busy agent; the connected call stays
        self._set_agent_call(
            AgentCall(
                iface,
                ev.get("queue", ""),
                ev["uniqueid"],
                ev.get("channel", ""),
                ev.get("destchannel", ""),
                ev.get("destuniqueid", ""),
                False,
                now,
            )
        )
        self.changed_agents.add(iface)

    def _agent_connect(self, ev: Fields, now: float) -> None:
        self._add_channel(ev, now)
        self._add_channel(ev, now, prefix="dest")
        iface = ev["interface"]
        self._set_agent_call(
            AgentCall(
                iface,
                ev.get("queue", ""),
                ev["uniqueid"],
                ev.get("channel", ""),
                ev.get("destchannel", ""),
                ev.get("destuniqueid", ""),
                True,
                now,
            )
        )
        self.changed_agents.add(iface)
        self.changed_calls.add(ev.get("linkedid", "") or ev["uniqueid"])

    def _agent_complete(self, ev: Fields, now: float) -> None:
        iface = ev["interface"]
        call = self.agent_calls.get(iface)
        if call is not None and call.caller_uniqueid == ev.get("uniqueid", call.caller_uniqueid):
            self._drop_agent_call(iface)
        self.changed_agents.add(iface)

    def _agent_ring_no_answer(self, ev: Fields, now: float) -> None:
        iface = ev["interface"]
        call = self.agent_calls.get(iface)
        if call is not None and not call.connected and call.caller_uniqueid == ev.get("uniqueid", ""):
            self._drop_agent_call(iface)
        self.changed_agents.add(iface)

    def _member(self, ev: Fields, now: float) -> None:
        queue = ev["queue"]
        # QueueMember (the QueueStatus list item) says Name/Location; the events say
        # MemberName/Interface.
        iface = ev.get("interface") or ev["location"]
        key = (queue, iface)
        m = self.members.get(key)
        if m is None:
            m = self.members[key] = Member(queue, iface)
            self.member_queues.setdefault(iface, set()).add(queue)
            self.watchers.setdefault(interface_device(iface), set()).add(iface)
        m.name = ev.get("membername") or ev.get("name") or m.name
        state_iface = ev.get("stateinterface", m.state_interface) or interface_device(iface)
        if state_iface != m.state_interface:
            self.watchers.setdefault(state_iface, set()).add(iface)
            m.state_interface = state_iface
        if "status" in ev:
            status = _int(ev["status"], -1)
            m.status = DeviceStatus(status) if 0 <= status <= 8 else DeviceStatus.UNKNOWN
        if "paused" in ev:
            m.paused = ev["paused"] in ("1", "true", "yes")
        if "pausedreason" in ev:
            m.paused_reason = ev["pausedreason"]
        elif ev.get("event", "").lower() == "queuememberpause" and "reason" in ev:
            m.paused_reason = ev["reason"]  # Asterisk 13's name for it
        if not m.paused:
            m.paused_reason = ""
        if "incall" in ev:
            m.in_call = ev["incall"] == "1"
        m.calls_taken = _int(ev.get("callstaken", ""), m.calls_taken)
        m.last_call = float(_int(ev.get("lastcall", ""), int(m.last_call)))
        m.membership = ev.get("membership", m.membership)
        m.updated = now
        self.changed_agents.add(iface)

    def _member_removed(self, ev: Fields, now: float) -> None:
        iface = ev.get("interface") or ev.get("location", "")
        self.members.pop((ev["queue"], iface), None)
        queues = self.member_queues.get(iface)
        if queues is not None:
            queues.discard(ev["queue"])
            if not queues:
                del self.member_queues[iface]
        self.changed_agents.add(iface)

    def _core_show_channel(self, ev: Fields, now: float) -> None:
        ch = self._add_channel(ev, now, created=now - _hms(ev.get("duration", "")))
        if ch is None:
            return
        ch.state = _int(ev.get("channelstate", ""), ch.state)
        bid = ev.get("bridgeid", "")
        if bid:
            members = self.bridges.setdefault(bid, set())
            members.add(ch.uniqueid)
            ch.bridge = bid
            self._touch_bridge(members)

    def _device_state(self, ev: Fields, now: float) -> None:
        device = ev["device"]
        state = DEVICE_STATE_NAMES.get(ev.get("state", "").upper(), DeviceStatus.UNKNOWN)
        self.devices[device] = state
        self._touch_device(device)
