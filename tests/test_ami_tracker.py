"""The AMI tracker: recorded real traffic (channels, bridges, transfers) and hand-written
app_queue events (members, callers, agents ringing and connected)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.fake_ami import (
    Leg,
    agent_called,
    agent_complete,
    agent_connect,
    agent_ring_no_answer,
    bridge_enter,
    bridge_leave,
    core_show_channel,
    device_state_change,
    hangup,
    newchannel,
    newstate,
    queue_caller_abandon,
    queue_caller_join,
    queue_caller_leave,
    queue_entry_item,
    queue_member_item,
    queue_member_pause,
    queue_member_status,
)

from floorconsole.ami.tracker import AmiTracker, DeviceStatus, channel_device, interface_device, norm

AMI_DIR = Path(__file__).resolve().parents[2] / "shared" / "ami" / "cacofonisk"
if not AMI_DIR.is_dir():  # a worktree sits beside main: /work/wt-x -> /work/shared
    AMI_DIR = Path("/work/shared/ami/cacofonisk")


def recording(name: str) -> list[dict[str, str]]:
    path = AMI_DIR / f"{name}.json"
    if not path.exists():
        pytest.skip(f"recording {path} not available")
    return json.loads(path.read_text())


def replay_until(events: list[dict[str, str]], stop: int, t0: float = 1000.0) -> AmiTracker:
    tr = AmiTracker()
    for i, e in enumerate(events[:stop]):
        tr.apply(e, t0 + i)
    return tr


# -- recorded traffic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "simple_ab_success_a_hangup",
        "simple_ab_success_b_hangup",
        "queue_queue_simple",
        "queue_queue_group",
        "queue_queue_a_cancel",
        "queue_queue_blind_xfer",
        "queue_queue_attn_xfer",
        "xfer_blind_xfer_blind_abbcac",
        "xfer_attended_xfer_abbcac",
        "originate_ctd-account-account",
    ],
)
def test_every_recording_ends_with_no_live_channel_and_no_bridge(name: str) -> None:
    events = recording(name)
    tr = replay_until(events, len(events))
    assert tr.channels == {}
    assert all(not members for members in tr.bridges.values())
    assert tr.by_name == {} and tr.by_device == {} and tr.by_linkedid == {}
    assert tr.stats.malformed == 0


def test_simple_call_is_live_while_up_and_ended_after_the_last_hangup() -> None:
    events = recording("simple_ab_success_a_hangup")
    callid = (
        events[2]["Uniqueid"]
        if "Uniqueid" in events[2]
        else next(e["Uniqueid"] for e in events if e["Event"] == "Newchannel")
    )
    both = max(i for i, e in enumerate(events) if e["Event"] == "BridgeEnter") + 1
    tr = replay_until(events, both)
    live = tr.call(callid)
    assert live.known and live.live
    a = tr.channels[callid]
    peers = tr.bridge_peers(callid)
    assert len(peers) == 1 and peers[0].linkedid == callid
    assert a.answered is not None
    tr = replay_until(events, len(events))
    done = tr.call(callid)
    assert done.known and not done.live and done.ended is not None and done.started is not None
    assert done.describe(done.ended + 5).startswith("ended ")


def test_blind_transfer_recording_puts_the_transferee_in_a_bridge_with_the_target() -> None:
    events = recording("xfer_blind_xfer_blind_abbcac")
    xfer = next(i for i, e in enumerate(events) if e["Event"] == "BlindTransfer")
    transferee = events[xfer]["TransfereeUniqueid"]
    before = replay_until(events, xfer)
    # A (transferee) and B (transferer) share a bridge before the transfer
    assert before.bridged_with_device(transferee, "SIP/150010002") is not None
    last_enter = max(i for i, e in enumerate(events) if e["Event"] == "BridgeEnter") + 1
    after = replay_until(events, last_enter)
    assert [t.kind for t in after.transfers] == ["blind"]
    t = after.transfers[0]
    assert (t.result, t.transferee_channel, t.extension) == ("Success", "SIP/150010001-00000003", "203")
    # B is gone; A is bridged with C now
    assert after.bridged_with_device(transferee, "SIP/150010002") is None
    assert after.bridged_with_device(transferee, "SIP/150010003") is not None
    assert after.call(transferee).live


def test_attended_transfer_recording_ends_with_the_two_remaining_parties_bridged() -> None:
    events = recording("xfer_attended_xfer_abbcac")
    xfer = next(i for i, e in enumerate(events) if e["Event"] == "AttendedTransfer")
    tr = replay_until(events, xfer + 1)
    assert [t.kind for t in tr.transfers] == ["attended"] and tr.transfers[0].result == "Success"
    last_enter = max(i for i, e in enumerate(events) if e["Event"] == "BridgeEnter") + 1
    tr = replay_until(events, max(last_enter, xfer + 1))
    a = next(c for c in tr.channels.values() if c.device == "SIP/150010001")
    peers = [p.device for p in tr.bridge_peers(a.uniqueid)]
    assert peers == ["SIP/150010003"], peers


def test_local_channel_optimisation_swaps_the_local_leg_out_of_the_bridge() -> None:
    events = recording("queue_queue_simple")
    swaps = [i for i, e in enumerate(events) if e["Event"] == "BridgeEnter" and e.get("SwapUniqueid")]
    assert swaps, "the recording has a Local channel optimisation"
    tr = replay_until(events, swaps[0] + 1)
    e = events[swaps[0]]
    assert e["SwapUniqueid"] not in tr.bridges[e["BridgeUniqueid"]]
    assert e["Uniqueid"] in tr.bridges[e["BridgeUniqueid"]]


def test_queue_recording_abandon_is_not_live_after_the_hangup() -> None:
    events = recording("queue_queue_a_cancel")
    tr = replay_until(events, len(events))
    assert tr.waiting == {} or all(not w for w in tr.waiting.values())


# -- app_queue, written from the AMI reference ---------------------------------------------

CALLER = Leg("PJSIP/trunk-00000010", "1700000000.16", "1700000000.16", "13800138000")
AGENT = Leg("PJSIP/101-00000011", "1700000000.17", "1700000000.16", "101")
OTHER = Leg("PJSIP/1010-00000012", "1700000000.18", "1700000000.18", "1010")


def fold(tr: AmiTracker, *events: list[tuple[str, str]], now: float = 2000.0) -> None:
    for e in events:
        tr.apply(dict(e), now)


def test_a_queue_call_from_join_to_complete() -> None:
    tr = AmiTracker()
    fold(tr, queue_member_status("sales", "Li Na", "PJSIP/101"), now=1990)
    fold(tr, newchannel(CALLER, "4"), newstate(CALLER, "6"), queue_caller_join("sales", CALLER), now=2000)
    assert list(tr.waiting["sales"]) == [CALLER.uniqueid]
    assert tr.call(CALLER.uniqueid).describe(2192) == "live for 3:12"

    fold(
        tr,
        newchannel(AGENT, "0"),
        agent_called("sales", CALLER, AGENT, "PJSIP/101", "Li Na"),
        device_state_change("PJSIP/101", "RINGING"),
        now=2010,
    )
    live = tr.agent("PJSIP/101")
    assert live.ringing and not live.unreachable and live.connected_since is None

    fold(
        tr,
        newstate(AGENT, "6"),
        queue_caller_leave("sales", CALLER),
        agent_connect("sales", CALLER, AGENT, "PJSIP/101", "Li Na"),
        bridge_enter("b1", CALLER, 1),
        bridge_enter("b1", AGENT, 2),
        device_state_change("PJSIP/101", "INUSE"),
        now=2014,
    )
    assert tr.waiting["sales"] == {}
    live = tr.agent("PJSIP/101")
    assert not live.ringing
    assert live.agent_channel == AGENT.channel and live.caller_channel == CALLER.channel
    assert live.callid == CALLER.uniqueid and live.queue == "sales" and live.connected_since == 2014
    assert live.device_status is DeviceStatus.INUSE

    fold(
        tr,
        agent_complete("sales", CALLER, AGENT, "PJSIP/101", "Li Na"),
        bridge_leave("b1", CALLER, 1),
        bridge_leave("b1", AGENT, 0),
        hangup(CALLER),
        hangup(AGENT),
        device_state_change("PJSIP/101", "NOT_INUSE"),
        now=2074,
    )
    live = tr.agent("PJSIP/101")
    assert live.agent_channel is None and live.caller_channel is None and live.callid is None
    done = tr.call(CALLER.uniqueid)
    assert not done.live and done.ended == 2074 and done.started == 2000


def test_ring_no_answer_clears_the_ringing_call() -> None:
    tr = AmiTracker()
    fold(tr, agent_called("sales", CALLER, AGENT, "PJSIP/101", "Li Na"))
    assert tr.agent("PJSIP/101").ringing
    fold(tr, agent_ring_no_answer("sales", CALLER, AGENT, "PJSIP/101", "Li Na"), hangup(AGENT))
    assert not tr.agent("PJSIP/101").ringing


def test_abandon_removes_the_waiting_caller() -> None:
    tr = AmiTracker()
    fold(tr, queue_caller_join("sales", CALLER))
    fold(tr, queue_caller_abandon("sales", CALLER), hangup(CALLER))
    assert tr.waiting["sales"] == {}
    assert not tr.call(CALLER.uniqueid).live


def test_member_status_pause_and_unreachable_device() -> None:
    tr = AmiTracker()
    fold(tr, queue_member_status("sales", "Li Na", "PJSIP/101", status="5"))
    assert tr.agent("PJSIP/101").unreachable
    fold(tr, queue_member_status("sales", "Li Na", "PJSIP/101", status="1"))
    assert not tr.agent("PJSIP/101").unreachable
    fold(tr, queue_member_pause("sales", "Li Na", "PJSIP/101", True, "lunch"))
    live = tr.agent("PJSIP/101")
    assert live.paused and live.paused_reason == "lunch"
    fold(tr, device_state_change("PJSIP/101", "UNAVAILABLE"))
    assert tr.agent("PJSIP/101").unreachable  # DeviceStateChange is fresher than the member's Status
    fold(tr, queue_member_pause("sales", "Li Na", "PJSIP/101", False))
    assert not tr.agent("PJSIP/101").paused and tr.agent("PJSIP/101").paused_reason == ""
    assert "PJSIP/101" in tr.take_changes()[0]
    assert tr.take_changes() == (set(), set())


def test_asterisk_13_pause_reason_field() -> None:
    tr = AmiTracker()
    tr.apply(
        {
            "Event": "QueueMemberPause",
            "Queue": "q",
            "MemberName": "x",
            "Interface": "SIP/7",
            "Paused": "1",
            "Reason": "break",
        },
        1.0,
    )
    assert tr.agent("SIP/7").paused_reason == "break"


def test_keys_are_case_insensitive_and_repeated_keys_take_the_last_value() -> None:
    tr = AmiTracker()
    tr.apply(
        {
            "EVENT": "Newchannel",
            "channel": "PJSIP/5-00000001",
            "UNIQUEID": "u1",
            "linkedid": "u1",
            "ChannelState": ["0", "4"],
        },
        1.0,
    )
    assert tr.channels["u1"].state == 4
    assert norm({"A": ["1", "2"], "b": None}) == {"a": "2", "b": ""}


def test_exact_channel_names_do_not_collide_on_a_prefix() -> None:
    tr = AmiTracker()
    fold(tr, newchannel(Leg("PJSIP/101-00000001", "u1", "u1")), newchannel(Leg("PJSIP/10-00000002", "u2", "u2")))
    assert tr.agent_channel("PJSIP/10").name == "PJSIP/10-00000002"  # type: ignore[union-attr]
    assert tr.agent_channel("PJSIP/101").name == "PJSIP/101-00000001"  # type: ignore[union-attr]
    assert tr.agent_channel("PJSIP/1") is None
    assert channel_device("Local/101@agents-00000001;2") == "Local/101@agents"
    assert interface_device("Local/101@agents/n") == "Local/101@agents"


def test_snapshot_rebuilds_members_waiting_and_channels_and_ends_what_vanished() -> None:
    tr = AmiTracker()
    gone = Leg("PJSIP/trunk-00000001", "old.1", "old.1")
    fold(tr, newchannel(gone, "6"), queue_member_status("sales", "Old", "PJSIP/999"), now=100)
    tr.mark_stale()
    assert not tr.synced
    waiting = Leg("PJSIP/trunk-00000020", "w.20", "w.20", "13900000000")
    tr.apply_snapshot(
        [
            {"Event": "QueueParams", "Queue": "sales"},
            queue_member_item("sales", "Li Na", "PJSIP/101", status="2", in_call="1"),
            queue_entry_item("sales", waiting, 1, 42),
        ],
        [
            core_show_channel(CALLER, "00:03:12", bridge="b9"),
            core_show_channel(AGENT, "00:03:00", bridge="b9"),
            core_show_channel(waiting, "00:00:42", bridge="", state="6"),
            {"Event": "CoreShowChannelsComplete", "EventList": "Complete", "ListItems": "3"},
        ],
        now=1000,
    )
    assert tr.synced
    assert not tr.call("old.1").live and tr.call("old.1").ended == 1000
    assert ("sales", "PJSIP/999") not in tr.members
    assert tr.members[("sales", "PJSIP/101")].status is DeviceStatus.INUSE
    assert tr.waiting["sales"]["w.20"].joined == 958
    assert tr.call(CALLER.uniqueid).describe(1000) == "live for 3:12"
    # no AgentConnect seen (connected mid-call): the agent's channel is found by device and
    # the caller as the one bridge peer
    live = tr.agent("PJSIP/101")
    assert live.agent_channel == AGENT.channel and live.caller_channel == CALLER.channel
    assert live.callid == CALLER.linkedid


def test_ended_channels_are_windowed_by_count_and_age() -> None:
    tr = AmiTracker(ended_window_s=60, max_ended=100)
    for i in range(300):
        leg = Leg(f"PJSIP/x-{i:08x}", f"u{i}", f"u{i}")
        fold(tr, newchannel(leg), hangup(leg), now=float(i))
    assert len(tr.ended) <= 100
    assert min(e.ended for e in tr.ended.values()) >= 299 - 60
    assert not tr.call("u0").known


def test_live_channel_table_has_a_ceiling() -> None:
    tr = AmiTracker(max_live_channels=50)
    for i in range(80):
        fold(tr, newchannel(Leg(f"PJSIP/y-{i:08x}", f"v{i}", f"v{i}")), now=float(i))
    assert len(tr.channels) == 50 and tr.stats.evicted_channels == 30


def test_unknown_and_malformed_events_are_counted_not_raised() -> None:
    tr = AmiTracker()
    tr.apply({"Event": "SomethingNew"}, 1)
    tr.apply({"Event": "Hangup"}, 1)  # no Uniqueid
    tr.apply({"Event": "AgentConnect", "Queue": "q"}, 1)  # no Interface
    assert tr.stats.unknown == 1 and tr.stats.malformed == 2
