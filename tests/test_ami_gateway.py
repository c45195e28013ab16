"""The AMI gateway against the fake server over real TCP: never act twice, never act late,
say why not, survive garbage; the supervisor actions end to end."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from panoramisk import Manager
from support.fake_ami import (
    FakeAmi,
    Leg,
    agent_connect,
    blind_transfer,
    bridge_enter,
    bridge_leave,
    core_show_channel,
    hangup,
    newchannel,
    newstate,
    originate_response,
    queue_member_item,
    queue_member_status,
)

from floorconsole.ami.commands import FORGETTABLE_ACTIONS, Outcome, SpyMode
from floorconsole.ami.gateway import AmiChanges, AmiGateway, ConnectionState
from floorconsole.ami.settings import parse_ami_settings
from floorconsole.clock import ManualClock

CALLER = Leg("PJSIP/trunk-00000010", "1700000000.16", "1700000000.16", "13800138000")
AGENT = Leg("PJSIP/101-00000011", "1700000000.17", "1700000000.16", "101")
SUP = Leg("PJSIP/2001-00000020", "1700000000.20", "1700000000.16", "2001")


_BACKGROUND: set[asyncio.Future] = set()  # scripted server replies still to come


def settings_for(tmp: Path, port: int, **over: Any) -> Any:
    secret = tmp / "ami.secret"
    secret.write_text("s3cret\n")
    os.chmod(secret, 0o600)
    raw = {
        "host": "127.0.0.1",
        "port": port,
        "username": "floor",
        "secret_file": "ami.secret",
        "action_timeout_s": 1.0,
        "reconnect_min_s": 0.05,
        "reconnect_max_s": 0.2,
        "ping_interval_s": 30.0,
        "originate_ring_s": 2,
        "takeover_answer_s": 2,
        "people": {"alice": {"endpoint": "PJSIP/2001", "extension": "2001"}},
    }
    raw.update(over)
    return parse_ami_settings(raw, tmp)


def run(
    tmp: Path,
    body: Callable[[FakeAmi, AmiGateway], Awaitable[None]],
    *,
    on_call: bool = False,
    connect: bool = True,
    **over: Any,
) -> None:
    """Start the fake server (optionally with a call in progress) and a gateway; run `body`."""

    async def main() -> None:
        async with FakeAmi() as ami:
            if on_call:
                ami.queue_status = [
                    {"Event": "QueueParams", "Queue": "sales"},
                    queue_member_item("sales", "Li Na", "PJSIP/101", status="2", in_call="1"),
                ]
                ami.channels = [
                    core_show_channel(CALLER, "00:02:00", bridge="b1"),
                    core_show_channel(AGENT, "00:01:50", bridge="b1"),
                ]
            gw = AmiGateway(settings_for(tmp, ami.port, **over), ManualClock(1_700_000_000.0))
            await gw.start()
            try:
                if connect:
                    assert await gw.wait_connected(10), gw.status
                await asyncio.wait_for(body(ami, gw), 30)
            finally:
                await gw.stop()

    asyncio.run(main())


async def eventually(cond: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


# -- connection -------------------------------------------------------------------------


def test_connects_logs_in_and_loads_live_state(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        st = gw.status
        assert st.state is ConnectionState.CONNECTED and st.synced and st.version == "5.0.1"
        assert [m["action"] for _, m in ami.received] == ["Login", "QueueStatus", "CoreShowChannels"]
        live = gw.tracker.agent("PJSIP/101")
        assert live.agent_channel == AGENT.channel and live.caller_channel == CALLER.channel
        assert st.line() == "AMI connected"

    run(tmp_path, body, on_call=True)


def test_every_action_carries_its_own_action_id(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        await gw.pause("PJSIP/101", "meal")
        await gw.unpause("PJSIP/101")
        ids = [m["actionid"] for _, m in ami.received]
        assert all(ids) and len(set(ids)) == len(ids)

    run(tmp_path, body)


def test_without_ami_everything_says_why(tmp_path: Path) -> None:
    async def main() -> None:
        gw = AmiGateway(None, ManualClock(0))
        await gw.start()
        assert gw.status.state is ConnectionState.DISABLED
        for result in (
            await gw.pause("PJSIP/101", "x"),
            await gw.spy("alice", "PJSIP/101"),
            await gw.take_over("alice", "PJSIP/101"),
            await gw.hangup("PJSIP/1-00000001"),
            await gw.queue_remove("sales", "PJSIP/101"),
        ):
            assert result.outcome is Outcome.UNAVAILABLE and "[ami]" in result.message
        await gw.stop()

    asyncio.run(main())


def test_wrong_secret_is_reported_and_nothing_is_sent(tmp_path: Path) -> None:
    async def main() -> None:
        async with FakeAmi(secret="other") as ami:
            gw = AmiGateway(settings_for(tmp_path, ami.port), ManualClock(0))
            await gw.start()
            await eventually(lambda: gw.status.state is ConnectionState.AUTH_FAILED)
            assert "Authentication failed" in gw.status.detail
            r = await gw.pause("PJSIP/101", "x")
            assert r.outcome is Outcome.UNAVAILABLE and "login refused" in r.message
            assert [m["action"] for _, m in ami.received] == ["Login"]
            await gw.stop()

    asyncio.run(main())


def test_server_down_means_reconnecting_with_backoff_then_connected(tmp_path: Path) -> None:
    async def main() -> None:
        probe = FakeAmi()
        port = await probe.start()
        await probe.stop()
        gw = AmiGateway(settings_for(tmp_path, port), ManualClock(0))
        await gw.start()
        await eventually(lambda: gw.status.reconnects >= 2)
        st = gw.status
        assert st.state is ConnectionState.RECONNECTING and st.detail
        assert "AMI reconnecting" in st.line() or "AMI connecting" in st.line()
        r = await gw.hangup("PJSIP/101-00000011")
        assert r.outcome is Outcome.UNAVAILABLE
        ami = FakeAmi()
        await ami.start(port)
        try:
            assert await gw.wait_connected(10)
        finally:
            await gw.stop()
            await ami.stop()

    asyncio.run(main())


def test_ping_round_trip_is_measured(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        await eventually(lambda: gw.status.rtt_ms is not None)
        assert gw.status.rtt_ms is not None and gw.status.rtt_ms < 1000

    run(tmp_path, body, ping_interval_s=0.05)


def test_unanswered_pings_drop_the_connection_and_it_comes_back(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("ping", "delay", seconds=5, times=2)
        await eventually(lambda: len(ami.connections) >= 2 and gw.status.state is ConnectionState.CONNECTED, 15)

    run(tmp_path, body, ping_interval_s=0.05, action_timeout_s=0.2)


# -- push, not poll ----------------------------------------------------------------------


def test_a_burst_of_events_is_pushed_as_one_notification(tmp_path: Path) -> None:
    """The subscriber hears of every agent that changed, once per folded read, and never
    with nothing (an event that changes nothing is not pushed)."""

    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        heard: list[AmiChanges] = []
        gw.subscribe(heard.append)
        members = [f"PJSIP/{300 + i}" for i in range(200)]
        await ami.emit(*(queue_member_status("sales", m, m) for m in members))
        await eventually(lambda: set(members) <= {a for c in heard for a in c.agents})
        assert len(heard) < 20, f"{len(heard)} notifications for 200 events in one write"
        # nothing changed: nothing pushed; the next change is pushed alone
        heard.clear()
        events = gw.tracker.stats.events
        await ami.emit([("Event", "VarSet"), ("Variable", "X"), ("Value", "1")])
        await eventually(lambda: gw.tracker.stats.events > events)
        await ami.emit(queue_member_status("sales", "late", "PJSIP/999"))
        await eventually(lambda: heard)
        assert [c.agents for c in heard] == [frozenset({"PJSIP/999"})]

    run(tmp_path, body)


def test_connection_status_changes_are_pushed(tmp_path: Path) -> None:
    """Connected and synced, the round trip, a lost connection: each reaches the subscriber
    with `status` set, and the status it then reads says so."""

    async def main() -> None:
        async with FakeAmi() as ami:
            gw = AmiGateway(settings_for(tmp_path, ami.port, ping_interval_s=0.05), ManualClock(1_700_000_000.0))
            lines: list[str] = []
            gw.subscribe(lambda c: lines.append(gw.status.line()) if c.status else None)
            await gw.start()
            try:
                await eventually(lambda: any(line.startswith("AMI connected, ") for line in lines))
                assert "AMI connecting" in lines[0]
                ami.kick()
                await eventually(lambda: any("reconnecting" in line or "connection lost" in line for line in lines))
                await eventually(lambda: lines[-1].startswith("AMI connected"))
            finally:
                await gw.stop()
            await eventually(lambda: lines[-1] == "AMI stopped")

    asyncio.run(main())


# -- never act twice, never act late ------------------------------------------------------


def test_all_our_actions_are_forgettable_and_others_are_refused(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        assert gw._manager is not None
        assert tuple(gw._manager.forgetable_actions) == FORGETTABLE_ACTIONS
        for name in ("originate", "blindtransfer", "redirect", "queuepause", "queueremove", "queuelog", "hangup"):
            assert name in FORGETTABLE_ACTIONS
        with pytest.raises(ValueError, match="forgettable"):
            await gw._send({"Action": "Atxfer", "Channel": AGENT.channel}, 1.0)

    run(tmp_path, body)


def test_disconnect_mid_action_reports_it_failed_and_the_reconnect_does_not_resend(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("queuepause", "drop", times=1)
        r = await gw.pause("PJSIP/101", "meal")
        assert r.outcome is Outcome.CONNECTION_LOST and "not retried" in r.message and not r.ok
        await eventually(lambda: len(ami.live) == 1 and ami.live[0].number == 2)
        assert await gw.wait_connected(10)
        await asyncio.sleep(0.3)  # FullyBooted is where panoramisk would re-send
        pauses = ami.actions("QueuePause")
        assert [n for n, _ in pauses] == [1], pauses
        assert gw._manager is not None and not gw._manager.awaiting_actions
        # and the next action goes out on the new connection, once
        r2 = await gw.pause("PJSIP/101", "meal")
        assert r2.ok and [n for n, _ in ami.actions("QueuePause")] == [1, 2]

    run(tmp_path, body)


def test_half_a_response_then_a_drop_is_connection_lost(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("queueremove", "partial", times=1)
        r = await gw.queue_remove("sales", "PJSIP/101")
        assert r.outcome is Outcome.CONNECTION_LOST
        assert await gw.wait_connected(10)
        await asyncio.sleep(0.2)
        assert len(ami.actions("QueueRemove")) == 1

    run(tmp_path, body)


def test_plain_panoramisk_would_resend_which_is_why_we_list_every_action(tmp_path: Path) -> None:
    """The hazard the gateway guards against, shown with panoramisk's defaults."""

    async def main() -> None:
        async with FakeAmi() as ami:
            ami.fault("queuepause", "drop", times=1)
            m = Manager(
                loop=asyncio.get_running_loop(),
                host="127.0.0.1",
                port=ami.port,
                username="floor",
                secret="s3cret",
                reconnect_timeout=0,
                ping_delay=1000,
            )
            m.connect()
            await eventually(lambda: m.authenticated)
            m.send_action({"Action": "QueuePause", "Interface": "PJSIP/101", "Paused": "true"})
            await eventually(lambda: len(ami.actions("QueuePause")) >= 2, 10)
            assert [n for n, _ in ami.actions("QueuePause")] == [1, 2]  # sent again on connection 2
            m.close()

    asyncio.run(main())


def test_slow_answer_past_the_timeout_is_reported_and_the_late_answer_ignored(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("queuepause", "delay", seconds=0.6, times=1)
        t0 = time.monotonic()
        r = await gw.pause("PJSIP/101", "meal")
        assert r.outcome is Outcome.TIMEOUT and "not retried" in r.message
        assert time.monotonic() - t0 < 0.55
        await asyncio.sleep(0.5)  # the late Success arrives and must not be taken for anything
        r2 = await gw.unpause("PJSIP/101")
        assert r2.ok and r2.action_ids != r.action_ids
        assert len(ami.actions("QueuePause")) == 2
        assert gw.status.state is ConnectionState.CONNECTED

    run(tmp_path, body, action_timeout_s=0.3)


def test_permission_denied(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("queuepause", "deny")
        r = await gw.pause("PJSIP/101", "meal")
        assert r.outcome is Outcome.DENIED and "permission denied" in r.message

    run(tmp_path, body)


def test_hangup_of_a_channel_that_just_went_is_channel_gone(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("hangup", "error", message="No such channel")
        r = await gw.hangup(CALLER.channel, supervisor="alice")
        assert r.outcome is Outcome.CHANNEL_GONE and "already gone" in r.message
        assert ami.actions("Hangup")[0][1]["channel"] == CALLER.channel

    run(tmp_path, body, on_call=True)


def test_hangup_refuses_prefixes_regexes_and_unknown_channels(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        for bad in ("PJSIP/101", "/PJSIP.*/", "PJSIP/10"):
            r = await gw.hangup(bad)
            assert r.outcome is Outcome.UNAVAILABLE, bad
        r = await gw.hangup("PJSIP/101-000000ff")
        assert r.outcome is Outcome.CHANNEL_GONE
        assert ami.actions("Hangup") == []
        ok = await gw.hangup(AGENT.channel, supervisor="alice")
        assert (
            ok.ok and ok.audit_action == "ami.hangup" and AGENT.channel in ok.audit_detail
        ) or ok.target == AGENT.channel

    run(tmp_path, body, on_call=True)


# -- bad input ---------------------------------------------------------------------------


def test_garbage_is_counted_and_the_connection_kept(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        await ami.send_raw(b"this is not AMI\r\n\xff\xfe\x00 at all\r\n\r\n:::\r\n\r\n")
        await ami.emit(newchannel(Leg("PJSIP/7-00000001", "g1", "g1")))
        await eventually(lambda: "g1" in gw.tracker.channels)
        assert gw.status.garbage >= 1 and gw.status.state is ConnectionState.CONNECTED
        assert len(ami.connections) == 1

    run(tmp_path, body)


def test_a_one_megabyte_message_is_dropped_and_the_connection_kept(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        big = b"Event: UserEvent\r\nUserEvent: big\r\nBody: " + b"x" * (1024 * 1024) + b"\r\n\r\n"
        for i in range(0, len(big), 65536):  # as TCP would deliver it, in pieces
            await ami.send_raw(big[i : i + 65536])
        await ami.emit(newchannel(Leg("PJSIP/8-00000001", "after", "after")))
        await eventually(lambda: "after" in gw.tracker.channels)
        assert gw.status.oversized == 1 and len(ami.connections) == 1
        r = await gw.pause("PJSIP/101", "x")
        assert r.ok

    run(tmp_path, body)


def test_a_utf8_character_split_across_reads_survives(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        data = "Event: Newchannel\r\nChannel: PJSIP/9-00000001\r\nUniqueid: u9\r\nLinkedid: u9\r\nCallerIDNum: 李娜\r\n\r\n".encode()
        cut = data.index("李".encode()) + 1
        await ami.send_raw(data[:cut])
        await asyncio.sleep(0.05)
        await ami.send_raw(data[cut:])
        await eventually(lambda: "u9" in gw.tracker.channels)
        assert gw.tracker.channels["u9"].caller_num == "李娜"

    run(tmp_path, body)


# -- supervisor actions ------------------------------------------------------------------


def spy_handler(response: str, reason: str) -> Callable[[Any, dict[str, Any]], Any]:
    async def handle(conn: Any, msg: dict[str, Any]) -> list[Any]:
        async def later() -> None:
            await asyncio.sleep(0.05)
            await conn.send(
                [
                    ("Event", "OriginateResponse"),
                    ("ActionID", msg["actionid"]),
                    *originate_response(response, "PJSIP/2001-00000020", reason)[1:],
                ]
            )

        _BACKGROUND.add(asyncio.ensure_future(later()))  # keep a reference until it ran
        return [[("Response", "Success"), ("Message", "Originate successfully queued")]]

    return handle


@pytest.mark.parametrize("mode,flag", [(SpyMode.LISTEN, ""), (SpyMode.WHISPER, "w"), (SpyMode.BARGE, "B")])
def test_listen_whisper_barge_ring_my_phone_into_chanspy_of_the_exact_channel(
    tmp_path: Path, mode: SpyMode, flag: str
) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.on("originate", spy_handler("Success", "4"))
        r = await gw.spy("alice", "PJSIP/101", mode)
        assert r.ok, r.message
        _, sent = ami.actions("Originate")[0]
        assert sent["channel"] == "PJSIP/2001" and sent["application"] == "ChanSpy"
        assert sent["data"] == f"{AGENT.channel},qdEu{flag}"
        assert sent["async"] == "true" and sent["timeout"] == "2000"
        assert r.detail["agent_channel"] == AGENT.channel and r.action_ids == (sent["actionid"],)

    run(tmp_path, body, on_call=True)


def test_listen_when_my_phone_does_not_answer(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.on("originate", spy_handler("Failure", "3"))
        r = await gw.spy("alice", "PJSIP/101")
        assert r.outcome is Outcome.FAILED and "rang unanswered" in r.message

    run(tmp_path, body, on_call=True)


def test_listen_says_why_not(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        r = await gw.spy("bob", "PJSIP/101")
        assert r.outcome is Outcome.UNAVAILABLE and "no phone configured for bob" in r.message
        r = await gw.spy("alice", "PJSIP/555")
        assert r.outcome is Outcome.UNAVAILABLE and "no live call" in r.message
        assert ami.actions("Originate") == []

    run(tmp_path, body, on_call=True)


def test_without_u_option_the_full_channel_name_still_is_the_prefix(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.on("originate", spy_handler("Success", "4"))
        await gw.spy("alice", "PJSIP/101")
        assert ami.actions("Originate")[0][1]["data"] == f"{AGENT.channel},qdE"

    run(tmp_path, body, on_call=True, chanspy_u_option=False)


def takeover_handler(answered: bool) -> Callable[[Any, dict[str, Any]], Any]:
    """BlindTransfer as Asterisk does it: ack, BlindTransfer event, the agent leaves and
    hangs up, the caller runs the takeover extension and, if answered, is bridged with the
    supervisor's phone."""

    async def handle(conn: Any, msg: dict[str, Any]) -> list[Any]:
        async def later() -> None:
            await asyncio.sleep(0.02)
            await conn.send(
                blind_transfer("b1", AGENT, CALLER, msg["exten"], msg["context"]),
                bridge_leave("b1", AGENT, 1),
                bridge_leave("b1", CALLER, 0),
                hangup(AGENT),
                newchannel(SUP, "0"),
            )
            if answered:
                await asyncio.sleep(0.02)
                await conn.send(newstate(SUP, "6"), bridge_enter("b2", CALLER, 1), bridge_enter("b2", SUP, 2))

        _BACKGROUND.add(asyncio.ensure_future(later()))  # keep a reference until it ran
        return [[("Response", "Success"), ("Message", "Transfer succeeded")]]

    return handle


def test_take_over_succeeds_only_when_caller_and_supervisor_share_a_bridge(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        await ami.emit(agent_connect("sales", CALLER, AGENT, "PJSIP/101", "Li Na"))
        await eventually(lambda: "PJSIP/101" in gw.tracker.agent_calls)
        ami.on("blindtransfer", takeover_handler(answered=True))
        r = await gw.take_over("alice", "PJSIP/101", callid=CALLER.uniqueid)
        assert r.ok, r.message
        _, xfer = ami.actions("BlindTransfer")[0]
        assert (xfer["channel"], xfer["context"], xfer["exten"]) == (AGENT.channel, "floor-takeover", "2001")
        _, qlog = ami.actions("QueueLog")[0]
        assert (qlog["queue"], qlog["event"], qlog["uniqueid"], qlog["interface"]) == (
            "sales",
            "FLOORTAKEOVER",
            CALLER.uniqueid,
            "PJSIP/101",
        )
        assert qlog["message"] == "alice|bridged"
        assert r.detail["verdict"] == "bridged" and len(r.action_ids) == 2
        assert r.audit_action == "ami.take-over" and "ok:" in r.audit_detail

    run(tmp_path, body, on_call=True)


def test_take_over_unanswered_is_not_success(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.on("blindtransfer", takeover_handler(answered=False))
        r = await gw.take_over("alice", "PJSIP/101")
        assert r.outcome is Outcome.FAILED and "did not answer" in r.message
        assert ami.actions("QueueLog")[0][1]["message"] == "alice|timeout"

    run(tmp_path, body, on_call=True, takeover_answer_s=1)


def test_take_over_refused_leaves_the_call_with_the_agent(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("blindtransfer", "error", message="Transfer not permitted")
        r = await gw.take_over("alice", "PJSIP/101")
        assert r.outcome is Outcome.FAILED
        assert "Transfer not permitted" in r.message and "still with PJSIP/101" in r.message
        assert ami.actions("QueueLog") == []

    run(tmp_path, body, on_call=True)


def test_take_over_when_the_caller_hung_up_a_second_before(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        ami.fault("blindtransfer", "error", message="Channel not found")
        r = await gw.take_over("alice", "PJSIP/101")
        assert r.outcome is Outcome.CHANNEL_GONE

    run(tmp_path, body, on_call=True)


def test_take_over_refuses_a_stale_callid_and_a_conference(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        r = await gw.take_over("alice", "PJSIP/101", callid="1699999999.1")
        assert r.outcome is Outcome.UNAVAILABLE and "no longer on call" in r.message
        third = Leg("PJSIP/trunk-00000030", "t30", "t30")
        await ami.emit(newchannel(third, "6"), bridge_enter("b1", third, 3))
        await eventually(lambda: len(gw.tracker.bridges.get("b1", ())) == 3)
        r = await gw.take_over("alice", "PJSIP/101")
        assert r.outcome is Outcome.UNAVAILABLE and "wrong one" in r.message
        assert ami.actions("BlindTransfer") == []

    run(tmp_path, body, on_call=True)


def test_pause_with_reason_in_one_queue(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        r = await gw.pause("PJSIP/101", "training|room 2", queue="sales", supervisor="alice")
        assert r.ok and r.message == "PJSIP/101 paused in sales: training|room 2"
        _, sent = ami.actions("QueuePause")[0]
        assert (sent["interface"], sent["paused"], sent["queue"], sent["reason"]) == (
            "PJSIP/101",
            "true",
            "sales",
            "training room 2",
        )

    run(tmp_path, body)


def test_connection_drop_while_my_phone_rings_is_reported_not_retried(tmp_path: Path) -> None:
    async def body(ami: FakeAmi, gw: AmiGateway) -> None:
        async def ack_then_drop(conn: Any, msg: dict[str, Any]) -> list[Any]:
            asyncio.get_running_loop().call_later(0.05, conn.close)
            return [[("Response", "Success"), ("Message", "Originate successfully queued")]]

        ami.on("originate", ack_then_drop)
        r = await gw.spy("alice", "PJSIP/101")
        assert r.outcome is Outcome.CONNECTION_LOST
        assert await gw.wait_connected(10)
        await asyncio.sleep(0.2)
        assert len(ami.actions("Originate")) == 1

    run(tmp_path, body, on_call=True)
