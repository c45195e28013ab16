"""The AMI keys in the console, from the key to the audit row, against the fake AMI server
over real TCP, a real feed, engine and SQLite store (tests/support/fixed_floor.py).

The fixed floor has SIP/1005 on call c4 (escalated) and SIP/1001 on call c5; the fake
server reports the same two calls live (caller channel Uniqueid = the queue_log callid)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from support.fake_ami import (
    FakeAmi,
    Leg,
    bridge_enter,
    bridge_leave,
    core_show_channel,
    hangup,
    newchannel,
    originate_response,
    queue_member_item,
    queue_member_pause,
)
from support.fixed_floor import ACTOR, day_instant, make_floor, settle
from support.waiting import until

from floorconsole.ami.commands import Outcome
from floorconsole.ami.gateway import AmiChanges
from floorconsole.ami.live import LiveCell
from floorconsole.ami.settings import parse_ami_settings
from floorconsole.clock import ManualClock
from floorconsole.config import Person
from floorconsole.layout import load_layout
from floorconsole.store import Store
from floorconsole.wiring import build_parts
from screens.ami_actions import AmiUpdated
from screens.ami_confirm import AmiConfirm, PauseReason
from screens.app import FloorApp
from screens.escalations_panel import EscalationsPanel
from screens.header import FloorHeader
from screens.seat_table import SeatTable

pytestmark = pytest.mark.anyio

T = day_instant()
CALLER4 = Leg("SIP/trunk-00000004", "c4", "c4", "13600136000")
AGENT4 = Leg("SIP/1005-00000014", "u4", "c4", "1005")
CALLER5 = Leg("SIP/trunk-00000005", "c5", "c5", "13500135000")
AGENT5 = Leg("SIP/1001-00000015", "u5", "c5", "1001")
SUP = Leg("PJSIP/2001-00000020", "sup1", "c4", "2001")


def floor_state(ami: FakeAmi) -> None:
    ami.queue_status = [{"Event": "QueueParams", "Queue": "sales"}, {"Event": "QueueParams", "Queue": "support"}]
    for q, n in [("sales", 1001), ("sales", 1002), ("sales", 1003), ("sales", 1004)]:
        ami.queue_status.append(queue_member_item(q, f"agent {n}", f"SIP/{n}", status="2" if n == 1001 else "1"))
    for q, n in [("support", 1005), ("support", 1006), ("support", 1007)]:
        ami.queue_status.append(queue_member_item(q, f"agent {n}", f"SIP/{n}", status="2" if n == 1005 else "1"))
    ami.channels = [
        core_show_channel(CALLER4, "00:20:00", bridge="b4"),
        core_show_channel(AGENT4, "00:19:40", bridge="b4"),
        core_show_channel(CALLER5, "00:01:30", bridge="b5"),
        core_show_channel(AGENT5, "00:01:25", bridge="b5"),
    ]


def ami_app(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    port: int | None,
    role: str | None = "supervisor",
    **over: Any,
) -> FloorApp:
    config, feed = make_floor(tmp_path, monkeypatch, T)
    if port is not None:
        secret = tmp_path / "ami.secret"
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
            "originate_ring_s": 2,
            "takeover_answer_s": 3,
            "people": {"tester": {"endpoint": "PJSIP/2001", "extension": "2001"}},
        }
        raw.update(over)
        config = config.with_overrides(ami=parse_ami_settings(raw, tmp_path))
    if role is not None:
        config = config.with_overrides(people=(Person("tester", "Li Na", role),))
    parts = build_parts(config, feed, clock=ManualClock(T), actor=ACTOR, layout=load_layout(config.layout_path))
    return FloorApp(parts, store_poll_s=0.2)


def audit(app: FloorApp, action: str) -> list[Any]:
    store = Store(app.config.db_path, clock=ManualClock(T))
    try:
        return store.list_audit(action=action)
    finally:
        store.close()


def notes(app: FloorApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def ready(app: FloorApp, pilot: Any, agent: str = "SIP/1005") -> None:
    await settle(app, pilot)
    if app.ami is not None:
        await until(pilot, lambda: app.ami is not None and app.ami.status.usable and app.ami.tracker.synced)
    app.query_one(SeatTable).select_agent(agent)
    app.query_one(SeatTable).focus()
    await pilot.pause()


async def result_of(pilot: Any, app: FloorApp, action: str, n: int = 1) -> Any:
    await until(pilot, lambda: sum(r.action == action for r in app.ami_results) >= n, what=f"{action} result")
    return [r for r in app.ami_results if r.action == action][n - 1]


async def audited(pilot: Any, app: FloorApp, action: str) -> Any:
    rows: list[Any] = []

    def have() -> bool:
        rows[:] = audit(app, f"ami.{action}")
        return bool(rows)

    await until(pilot, have, what=f"the audit row of {action}")
    return rows[-1]


# -- live state --------------------------------------------------------------------------


async def test_header_live_column_and_escalation_liveness(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(200, 50)) as pilot:
            await ready(app, pilot)
            header = app.query_one(FloorHeader)
            await until(pilot, lambda: "AMI connected" in header.render().plain)
            table = app.query_one(SeatTable)
            await until(pilot, lambda: "SIP/1005" in table.live)
            cell = table.live["SIP/1005"].render(T)  # type: ignore[attr-defined]
            assert cell.startswith("talking to") and "6000" in cell and "13600136000" not in cell
            shown = "\n".join(table.render_line(y).text for y in range(0, 9))
            assert "Live (AMI)" in shown and "talking to" in shown
            panel = app.query_one(EscalationsPanel)
            await until(pilot, lambda: "live for 20:00" in panel.render_line(2).text)
            # the caller hangs up: the escalation says when the call ended
            await ami.emit(hangup(CALLER4), hangup(AGENT4))
            await until(pilot, lambda: "ended" in panel.render_line(2).text)
            # a device going unavailable shows on its seat
            await ami.emit(
                [
                    ("Event", "DeviceStateChange"),
                    ("Privilege", "call,all"),
                    ("Device", "SIP/1006"),
                    ("State", "UNAVAILABLE"),
                ]
            )
            await until(pilot, lambda: "unreachable" in table.live.get("SIP/1006", "").render(T))  # type: ignore[union-attr]


async def test_live_state_is_pushed_not_polled(tmp_path, monkeypatch) -> None:
    """With the App's once-a-second tick out of the way, the header's AMI line, a call that
    is not from a queue on an agent's phone and the escalation's call ending still show: the
    gateway pushes them (no AMI timer runs)."""
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        app.tick_s = 3600.0  # the tick runs once, at mount
        async with app.run_test(size=(200, 50)) as pilot:
            await ready(app, pilot)
            header, table = app.query_one(FloorHeader), app.query_one(SeatTable)
            panel = app.query_one(EscalationsPanel)
            await until(pilot, lambda: "AMI connected" in header.render().plain, what="the AMI line")
            await until(pilot, lambda: "live for" in panel.render_line(2).text, what="the call's liveness")
            assert [t._interval for t in app._timers if t._interval < 1] == [], "a timer polls"
            outbound = Leg("SIP/1006-00000030", "o30", "o30", "1006")
            await ami.emit(newchannel(outbound, state="6"))
            await until(
                pilot,
                lambda: "not from a queue" in (table.live.get("SIP/1006") or LiveCell("")).text,  # type: ignore[attr-defined]
                what="the outbound call on SIP/1006",
            )
            await ami.emit(hangup(CALLER4), hangup(AGENT4))
            await until(pilot, lambda: "ended" in panel.render_line(2).text, what="the escalation's call ended")
            ami.kick()
            await until(pilot, lambda: "AMI connected" not in header.render().plain, what="the lost connection")
            await until(pilot, lambda: "AMI connected" in header.render().plain, what="the reconnect")


@pytest.mark.parametrize("width", [80, 110, 150, 230])
async def test_with_ami_the_footer_shows_take_call_and_pause_and_still_fits(tmp_path, monkeypatch, width) -> None:
    app = ami_app(tmp_path, monkeypatch, 9)  # nothing listens there: AMI reconnecting
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(app, pilot)
        footer = [strip.text for strip in app.screen._compositor.render_strips()][-1]
        for shown in ("T Take call", "P Pause", "p Patrol", "t Take over", "h New entry", "l Log", "? Help", "q Quit"):
            assert shown in footer, footer
        assert "…" not in footer and footer.rstrip().endswith("Quit" if width < 110 else "palette"), footer
        await pilot.press("P")  # the footer's key is the AMI key: it says why not now
        await until(pilot, lambda: any(r.action == "pause" for r in app.ami_results), what="the pause refusal")


def test_a_newer_ami_update_absorbs_an_older_one() -> None:
    older = AmiUpdated(AmiChanges(frozenset({"SIP/1"}), frozenset({"c1"}), True))
    newer = AmiUpdated(AmiChanges(frozenset({"SIP/2"}), frozenset(), False))
    assert older.can_replace(newer)
    assert newer.agents == {"SIP/1", "SIP/2"} and newer.calls == {"c1"} and newer.status


async def test_without_ami_the_keys_say_why_and_nothing_is_shown(tmp_path, monkeypatch) -> None:
    app = ami_app(tmp_path, monkeypatch, None)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        assert app.query_one(FloorHeader).ami is None
        assert "Live (AMI)" not in app.query_one(SeatTable).render_line(0).text
        await pilot.press("L")
        await until(pilot, lambda: "AMI is not configured" in notes(app))


# -- listen / whisper / barge ------------------------------------------------------------


def answer_originate(ami: FakeAmi, response: str = "Success", reason: str = "4") -> None:
    async def handler(conn: Any, msg: dict[str, Any]) -> list[Any]:
        aid = msg.get("actionid", "")

        async def later() -> None:
            ev = originate_response(response, msg["channel"], reason)
            ev.insert(1, ("ActionID", aid))
            await conn.send(ev)

        import asyncio

        asyncio.get_running_loop().call_later(0.05, lambda: asyncio.ensure_future(later()))
        return [[("Response", "Success"), ("Message", "Originate successfully queued")]]

    ami.on("Originate", handler)


@pytest.mark.parametrize(
    ("key", "action", "options"), [("L", "listen", "qdEu"), ("W", "whisper", "qdEuw"), ("B", "barge", "qdEuB")]
)
async def test_spy_keys_ring_my_phone_into_the_exact_channel(tmp_path, monkeypatch, key, action, options) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        answer_originate(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            await pilot.press(key)
            result = await result_of(pilot, app, action)
            assert result.outcome is Outcome.OK, result.message
            ((_, sent),) = ami.actions("Originate")
            assert sent["channel"] == "PJSIP/2001" and sent["application"] == "ChanSpy"
            assert sent["data"] == f"{AGENT4.channel},{options}"
            row = await audited(pilot, app, action)
            assert row.target == "SIP/1005" and row.detail.startswith("ok:") and row.os_user == "tester"


async def test_spy_on_the_selected_escalation(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        answer_originate(ami, "Failure", "5")
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot, agent="SIP/1001")
            app.query_one(EscalationsPanel).focus()
            await pilot.pause()
            await pilot.press("L")
            result = await result_of(pilot, app, "listen")
            assert result.target == "SIP/1005"  # the escalation's agent, not the selected seat
            assert result.outcome is Outcome.FAILED and "busy" in result.message
            assert "failed:" in (await audited(pilot, app, "listen")).detail


# -- refusals ----------------------------------------------------------------------------


async def test_viewer_cannot_act_and_the_refusal_is_audited(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port, role="viewer")
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            for key in ("L", "T", "P", "R", "X"):
                await pilot.press(key)
            await until(pilot, lambda: len(app.ami_results) == 5)
            assert all(r.outcome is Outcome.UNAVAILABLE and "viewer" in r.message for r in app.ami_results)
            assert not isinstance(app.screen, (AmiConfirm, PauseReason))
            assert [
                a
                for a in (m["action"] for _, m in ami.received)
                if a not in ("Login", "QueueStatus", "CoreShowChannels", "Ping")
            ] == []
            row = await audited(pilot, app, "hangup")
            assert row.detail.startswith("unavailable:") and "viewer" in row.detail


async def test_ami_down_says_why(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        port = ami.port
    app = ami_app(tmp_path, monkeypatch, port)  # nobody listens there any more
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        header = app.query_one(FloorHeader)
        await until(
            pilot, lambda: "AMI reconnecting" in header.render().plain or "AMI connecting" in header.render().plain
        )
        app.query_one(SeatTable).select_agent("SIP/1005")
        await pilot.press("P")
        result = await result_of(pilot, app, "pause")
        assert result.outcome is Outcome.UNAVAILABLE and result.message.startswith("AMI")
        assert not isinstance(app.screen, PauseReason)
        assert (await audited(pilot, app, "pause")).detail.startswith("unavailable: AMI")


# -- take-over ---------------------------------------------------------------------------


async def test_take_over_is_done_only_after_the_bridge_event(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            await pilot.press("T")
            await until(pilot, lambda: isinstance(app.screen, AmiConfirm))
            shown = "\n".join(str(w.render()) for w in app.screen.query("Static"))
            assert "SIP/1005" in shown and "support" in shown and "•••••••6000" in shown
            assert "13600136000" not in shown
            await pilot.press("y")
            await until(pilot, lambda: ami.actions("BlindTransfer"))
            ((_, sent),) = ami.actions("BlindTransfer")
            assert sent["channel"] == AGENT4.channel and sent["exten"] == "2001"
            await pilot.pause(0.3)
            assert not [r for r in app.ami_results if r.action == "take-over"]  # the ack is not enough
            assert not ami.actions("QueueLog")
            await ami.emit(
                bridge_leave("b4", AGENT4, 1),
                hangup(AGENT4),
                newchannel(SUP, state="6"),
                bridge_enter("b9", CALLER4, 1),
                bridge_enter("b9", SUP, 2),
            )
            result = await result_of(pilot, app, "take-over")
            assert result.outcome is Outcome.OK and "bridged" in result.message
            ((_, qlog),) = ami.actions("QueueLog")
            assert qlog["event"] == "FLOORTAKEOVER" and qlog["uniqueid"] == "c4" and qlog["message"] == "tester|bridged"
            row = await audited(pilot, app, "take-over")
            assert row.detail.startswith("ok:") and "verdict=bridged" in row.detail


async def test_take_over_refused_leaves_the_call_with_the_agent(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        ami.fault("BlindTransfer", "error", "Channel not found")
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            await pilot.press("T")
            await until(pilot, lambda: isinstance(app.screen, AmiConfirm))
            await pilot.press("enter")
            result = await result_of(pilot, app, "take-over")
            assert result.outcome is Outcome.CHANNEL_GONE
            assert "the call is still with SIP/1005" in result.message
            assert "still with" in notes(app)
            assert not ami.actions("QueueLog")
            assert (await audited(pilot, app, "take-over")).detail.startswith("channel-gone:")


async def test_take_over_cancelled_sends_nothing(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            await pilot.press("T")
            await until(pilot, lambda: isinstance(app.screen, AmiConfirm))
            await pilot.press("n")
            await until(pilot, lambda: "cancelled" in notes(app))
            assert not ami.actions("BlindTransfer") and not app.ami_results


# -- pause / remove / hang up ------------------------------------------------------------


async def test_pause_with_a_reason_then_unpause(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot, agent="SIP/1002")
            await pilot.press("P")
            await until(pilot, lambda: isinstance(app.screen, PauseReason))
            await pilot.press("enter")  # no reason: refused, says why, stays open
            await pilot.pause()
            assert isinstance(app.screen, PauseReason)
            assert "Give a reason" in str(app.screen.query_one("#reason-error").render())
            for ch in "coaching":
                await pilot.press(ch)
            await pilot.press("enter")
            result = await result_of(pilot, app, "pause")
            assert result.outcome is Outcome.OK
            ((_, sent),) = ami.actions("QueuePause")
            assert sent["interface"] == "SIP/1002" and sent["paused"] == "true" and sent["reason"] == "coaching"
            assert "queue" not in sent
            await ami.emit(queue_member_pause("sales", "agent 1002", "SIP/1002", True, "coaching"))
            table = app.query_one(SeatTable)
            await until(
                pilot, lambda: table.live.get("SIP/1002") is not None and "paused" in table.live["SIP/1002"].render(T)
            )  # type: ignore[attr-defined]
            assert table.live["SIP/1002"].render(T + 75) == "paused 1:15 coaching"  # type: ignore[attr-defined]
            await pilot.press("P")  # paused: P unpauses at once
            result = await result_of(pilot, app, "unpause")
            assert result.outcome is Outcome.OK and ami.actions("QueuePause")[-1][1]["paused"] == "false"
            assert (await audited(pilot, app, "pause")).detail.startswith("ok:")
            assert (await audited(pilot, app, "unpause")).detail.startswith("ok:")


async def test_remove_from_queue_only_after_confirmation(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot, agent="SIP/1002")
            await pilot.press("R")
            await until(pilot, lambda: isinstance(app.screen, AmiConfirm))
            await pilot.press("escape")
            await pilot.pause(0.1)
            assert not ami.actions("QueueRemove")
            await pilot.press("R")
            await until(pilot, lambda: isinstance(app.screen, AmiConfirm))
            await pilot.press("y")
            result = await result_of(pilot, app, "queue-remove")
            assert result.ok
            ((_, sent),) = ami.actions("QueueRemove")
            assert sent["queue"] == "sales" and sent["interface"] == "SIP/1002"
            assert (await audited(pilot, app, "queue-remove")).detail.startswith("ok:")


async def test_hangup_is_for_allowed_roles_and_exact_channels(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        app = ami_app(tmp_path, monkeypatch, ami.port, hangup_roles=["manager"])
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            await pilot.press("X")
            result = await result_of(pilot, app, "hangup")
            assert result.outcome is Outcome.UNAVAILABLE and "may not hang up" in result.message
            assert not ami.actions("Hangup")
    async with FakeAmi() as ami:
        floor_state(ami)
        (tmp_path / "m").mkdir()
        app = ami_app(tmp_path / "m", monkeypatch, ami.port, role="manager")
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            await pilot.press("X")
            await until(pilot, lambda: isinstance(app.screen, AmiConfirm))
            await pilot.press("y")
            result = await result_of(pilot, app, "hangup")
            assert result.ok
            ((_, sent),) = ami.actions("Hangup")
            assert sent["channel"] == AGENT4.channel  # the exact channel, never a device prefix
            row = await audited(pilot, app, "hangup")
            assert row.target == AGENT4.channel and row.detail.startswith("ok:")


# -- never act twice, never act late -----------------------------------------------------


async def test_timeout_is_reported_and_not_retried(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        ami.fault("QueuePause", "delay", seconds=2.0, times=1)
        app = ami_app(tmp_path, monkeypatch, ami.port, action_timeout_s=0.3)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot, agent="SIP/1002")
            await pilot.press("P")
            await until(pilot, lambda: isinstance(app.screen, PauseReason))
            for ch in "meeting":
                await pilot.press(ch)
            await pilot.press("enter")
            result = await result_of(pilot, app, "pause")
            assert result.outcome is Outcome.TIMEOUT and "not retried" in result.message
            await pilot.pause(0.3)
            assert len(ami.actions("QueuePause")) == 1
            assert (await audited(pilot, app, "pause")).detail.startswith("timeout:")


async def test_disconnect_mid_action_fails_and_is_not_resent(tmp_path, monkeypatch) -> None:
    async with FakeAmi() as ami:
        floor_state(ami)
        ami.fault("QueuePause", "drop", times=1)
        app = ami_app(tmp_path, monkeypatch, ami.port)
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot, agent="SIP/1002")
            await pilot.press("P")
            await until(pilot, lambda: isinstance(app.screen, PauseReason))
            for ch in "coaching":
                await pilot.press(ch)
            await pilot.press("enter")
            result = await result_of(pilot, app, "pause")
            assert result.outcome is Outcome.CONNECTION_LOST and "not retried" in result.message
            assert (await audited(pilot, app, "pause")).detail.startswith("connection-lost:")
            # it comes back, re-syncs, and the pause was not sent again
            await until(pilot, lambda: len([c for c in ami.connections if c.logged_in]) >= 2 and app.ami.status.usable)
            await until(pilot, lambda: len(ami.actions("CoreShowChannels")) >= 2)
            await pilot.pause(0.2)
            assert len(ami.actions("QueuePause")) == 1
