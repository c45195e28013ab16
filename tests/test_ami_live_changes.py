"""Every tracker change that alters an agent's live cell marks that agent, so the seat
table (which redraws only the agents the tracker says changed) never shows a cell late.

Checked by brute force: after each event, every agent's cell is computed from scratch and
compared with the one before; any agent whose cell moved must be in `take_changes()`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from support.fake_ami import (
    Leg,
    agent_called,
    agent_complete,
    agent_connect,
    bridge_enter,
    bridge_leave,
    core_show_channel,
    device_state_change,
    ev,
    hangup,
    newchannel,
    newstate,
    queue_caller_join,
    queue_caller_leave,
    queue_member_item,
    queue_member_pause,
    queue_member_status,
)

from floorconsole.ami.live import LiveCell, LiveFloor
from floorconsole.ami.tracker import AmiTracker, channel_device

AMI_DIR = Path(__file__).resolve().parents[2] / "shared" / "ami" / "cacofonisk"
if not AMI_DIR.is_dir():  # a worktree sits beside main: /work/wt-x -> /work/shared
    AMI_DIR = Path("/work/shared/ami/cacofonisk")


def _candidates(tr: AmiTracker, extra: Iterable[str]) -> set[str]:
    """Every name a seat could have that the tracker knows of."""
    names = set(extra) | set(tr.member_queues) | set(tr.agent_calls)
    names |= {channel_device(ch.name) for ch in tr.channels.values()}
    return names


def _cells(live: LiveFloor, names: Iterable[str], now: float) -> dict[str, LiveCell | None]:
    return {a: live.cell(a, now) for a in names}


def assert_marks_every_changed_cell(
    events: Iterable[Mapping[str, Any] | list[tuple[str, str]]],
    seats: Iterable[str] = (),
    snapshot: tuple[list[Any], list[Any]] | None = None,
) -> int:
    """Fold `events` one by one; returns how many cell changes were checked."""
    tr = AmiTracker()
    live = LiveFloor(tr)
    seats = set(seats)
    now = 1000.0
    if snapshot is not None:
        tr.apply_snapshot(*snapshot, now)
    tr.take_changes()
    seen: set[str] = set()
    checked = 0
    for i, event in enumerate(events):
        before_names = _candidates(tr, seats | seen)
        before = _cells(live, before_names, now)
        tr.apply(dict(event), now)
        now += 1.0
        after_names = _candidates(tr, seats | seen | before_names)
        seen |= after_names
        after = _cells(live, after_names, now - 1.0)
        changed, _calls = tr.take_changes()
        for agent in after_names:
            if before.get(agent) != after[agent]:
                checked += 1
                assert agent in changed, (
                    f"event {i} ({dict(event).get('Event')}) changed {agent}'s cell "
                    f"{before.get(agent)} -> {after[agent]} without marking it"
                )
    return checked


SUP = "PJSIP/101"
CALLER = Leg("PJSIP/trunk-00000001", "c.1", "c.1", "13800138000")
AGENT = Leg("PJSIP/101-00000002", "a.2", "c.1", "101")


def test_a_call_that_is_not_from_a_queue_marks_the_agent_at_once() -> None:
    """The agent's own phone dials out (no AgentCalled/Connect): the Newchannel, the bridge
    with the far end, the far end hanging up and the agent's hang-up each move the cell."""
    out = Leg("PJSIP/101-00000010", "o.10", "o.10", "101")
    far = Leg("PJSIP/trunk-00000011", "f.11", "o.10", "02012345678")
    events = [
        queue_member_status("sales", "Li Na", SUP),
        newchannel(out, "4"),
        newstate(out, "6"),
        newchannel(far, "6"),
        bridge_enter("b1", out, 1),
        bridge_enter("b1", far, 2),
        bridge_leave("b1", far, 1),
        hangup(far),
        bridge_leave("b1", out, 0),
        hangup(out),
    ]
    tr = AmiTracker()
    live = LiveFloor(tr)
    cells = []
    for e in events:
        tr.apply(dict(e), 10.0)
        agents, _ = tr.take_changes()
        cells.append((SUP in agents, (live.cell(SUP, 10.0) or LiveCell("-")).text))
    assert cells[1] == (True, "on a call (not from a queue)")  # the Newchannel alone
    assert cells[5][0] and cells[5][1].startswith("talking to ")  # the far end joined
    assert cells[6] == (True, "on a call (not from a queue)")  # the far end left the bridge
    assert cells[-1] == (True, "idle")
    assert assert_marks_every_changed_cell(events) >= 4


def test_a_local_channel_member_with_its_own_state_interface() -> None:
    """Member Local/101@agents/n, state interface PJSIP/101: a channel on either device
    shows on the member's cell, and is marked."""
    iface = "Local/101@agents/n"
    local = Leg("Local/101@agents-00000001;1", "l.1", "c.1", "101")
    phone = Leg("PJSIP/101-00000003", "p.3", "c.1", "101")
    events = [
        queue_member_status("sales", "Li Na", iface, state_interface="PJSIP/101"),
        newchannel(CALLER, "6"),
        newchannel(local, "6"),
        bridge_enter("b1", CALLER, 1),
        bridge_enter("b1", local, 2),
        device_state_change("PJSIP/101", "INUSE"),
        newchannel(phone, "6"),
        hangup(local),
        hangup(phone),
        device_state_change("PJSIP/101", "UNAVAILABLE"),
        hangup(CALLER),
    ]
    assert assert_marks_every_changed_cell(events) >= 4


def test_queue_calls_pauses_snapshot_and_transfers_mark_what_they_change() -> None:
    sup_phone = Leg("PJSIP/2001-00000009", "s.9", "c.1", "2001")
    events = [
        queue_member_status("sales", "Li Na", SUP),
        queue_member_status("sales", "Wang", "PJSIP/102"),
        newchannel(CALLER, "6"),
        queue_caller_join("sales", CALLER),
        newchannel(AGENT, "0"),
        agent_called("sales", CALLER, AGENT, SUP, "Li Na"),
        device_state_change(SUP, "RINGING"),
        newstate(AGENT, "6"),
        queue_caller_leave("sales", CALLER),
        agent_connect("sales", CALLER, AGENT, SUP, "Li Na"),
        bridge_enter("b1", CALLER, 1),
        bridge_enter("b1", AGENT, 2),
        queue_member_pause("sales", "Li Na", SUP, True, "coaching"),
        # take-over: the agent leaves, the supervisor's phone joins the caller
        bridge_leave("b1", AGENT, 1),
        hangup(AGENT),
        agent_complete("sales", CALLER, AGENT, SUP, "Li Na"),
        newchannel(sup_phone, "6"),
        bridge_enter("b1", sup_phone, 2),
        ev("BridgeDestroy", [("BridgeUniqueid", "b1")]),
        hangup(sup_phone),
        hangup(CALLER),
        queue_member_pause("sales", "Li Na", SUP, False),
    ]
    assert assert_marks_every_changed_cell(events, seats={"PJSIP/2001"}) >= 6


def test_a_snapshot_marks_the_agents_whose_calls_it_changes() -> None:
    snapshot = (
        [queue_member_item("sales", "Li Na", SUP, status="2", in_call="1")],
        [core_show_channel(CALLER, "00:03:12", bridge="b9"), core_show_channel(AGENT, "00:03:00", bridge="b9")],
    )
    tr = AmiTracker()
    live = LiveFloor(tr)
    tr.apply_snapshot(*snapshot, 100.0)
    tr.take_changes()
    assert (live.cell(SUP, 100.0) or LiveCell("-")).text.startswith("talking to")
    tr.mark_stale()
    tr.apply_snapshot([queue_member_item("sales", "Li Na", SUP)], [core_show_channel(AGENT, "00:03:10")], 110.0)
    agents, _ = tr.take_changes()
    assert SUP in agents and (live.cell(SUP, 110.0) or LiveCell("-")).text == "on a call (not from a queue)"


@pytest.mark.parametrize("name", sorted(p.stem for p in AMI_DIR.glob("*.json")) or ["(none)"])
def test_recorded_traffic_marks_every_changed_cell(name: str) -> None:
    path = AMI_DIR / f"{name}.json"
    if not path.exists():
        pytest.skip(f"recording {path} not available")
    events = json.loads(path.read_text())
    assert_marks_every_changed_cell(events)
