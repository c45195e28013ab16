"""The console with the Pilot: a real feed file, a real engine, a real SQLite store, and a
fixed clock. Every key the App owns is driven here; the forms' own behaviour is tested
with the forms (screens/forms), here only that each key opens the right one.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from support.fixed_floor import ACTOR, day_instant, make_floor, settle
from support.fixed_floor import make_app as _make_app
from support.waiting import until

from floorconsole.clock import ManualClock
from floorconsole.identity import Actor
from floorconsole.store import Store, StoreService
from floorconsole.wiring import build_parts
from screens.app import FloorApp
from screens.escalations_panel import EscalationsPanel
from screens.filter_bar import FilterBar
from screens.floor_map import FloorMap
from screens.handover_log_panel import HandoverLogPanel
from screens.header import FloorHeader
from screens.queues_panel import QueuesPanel
from screens.rejects_screen import RejectsScreen
from screens.seat_table import SeatTable

pytestmark = pytest.mark.anyio

T = day_instant()  # local time: the day shift in whatever zone the suite runs in


def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FloorApp:
    return _make_app(tmp_path, monkeypatch, T)


async def test_main_screen_shows_the_floor(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        table = app.query_one(SeatTable)
        assert table.rows["SIP/1003"].state == "PAUSED" and table.rows["SIP/1003"].pause_reason == "Meal"
        assert table.rows["SIP/1005"].state == "ON_CALL"
        assert table.rows["SIP/1006"].ring_no_answer == 1
        queues = app.query_one(QueuesPanel).queues
        assert queues["sales"].waiting_now == 1
        assert queues["sales"].oldest_entered == T - 100
        header = app.query_one(FloorHeader)
        assert "day" in header.render().plain and "rejected 1" in header.render().plain
        (esc,) = app.query_one(EscalationsPanel).items
        assert esc.agent == "SIP/1005" and esc.reason == "customer [red]insists on a supervisor"
        panel = app.query_one(EscalationsPanel)
        first, second = panel.render_line(1).text, panel.render_line(2).text
        assert "Gao Wei" in first and "support" in first and "not taken" in first and "P1" in first
        assert "customer [red]insists on a supervisor" in second  # literal, not markup
        assert "13600136000" not in second and "6000" in second  # caller masked
        # the seat name with markup is shown literally
        assert any("[bold]Li Na" in table.render_line(y).text for y in range(1, 9))


async def test_alerts_fire_once(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        app._tick()
        app._flush_alerts()
        await pilot.pause()
        texts = "\n".join(n.message for n in app._notifications)
        assert "waited past 30 s" in texts
        assert "service level below 80%" in texts
        assert "Long call" in texts and "Gao Wei" in texts
        before = len(app._notifications)
        for _ in range(3):
            app._tick()
        app._flush_alerts()
        await pilot.pause()
        assert len(app._notifications) == before  # once per episode, not every tick


async def test_m_toggles_map_keeping_the_seat(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        table = app.query_one(SeatTable)
        await pilot.press("down", "down")
        assert table.selected_agent == "SIP/1003"
        await pilot.press("m")
        fmap = app.query_one(FloorMap)
        assert fmap.display and not table.display and fmap.has_focus
        assert fmap.selected_agent == "SIP/1003"
        await pilot.press("down")  # row B, same column
        assert fmap.selected_agent == "SIP/1007"
        await pilot.press("m")
        assert table.has_focus and table.selected_agent == "SIP/1007"


async def test_slash_filters_and_escape_clears(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        table = app.query_one(SeatTable)
        await pilot.press("slash")
        bar = app.query_one(FilterBar)
        assert bar.has_focus and bar.is_open
        await pilot.press(*"q:support")
        await pilot.pause()
        assert set(table.order) == {"SIP/1005", "SIP/1006", "SIP/1007"}
        await pilot.press("enter")  # keep the filter, back to the seats
        assert table.has_focus and len(table.order) == 3 and bar.is_open
        await pilot.press("slash", *"q:support s:on", "enter")  # focus selects: typing replaces
        assert table.order == ["SIP/1005"]
        await pilot.press("slash", "escape")
        assert len(table.order) == 7 and not bar.is_open and table.has_focus


async def test_s_cycles_sort_from_anywhere(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        table = app.query_one(SeatTable)
        await pilot.press("m", "s")  # from the map: back to the table, sorted by name
        assert table.display and table.sort_column == "name"
        assert table.order[0] == "SIP/1007"  # "[bold]Li Na" sorts first
        await pilot.press("s", "s")
        assert table.sort_column == "in_state"
        assert table.order[0] == "SIP/1004"  # logged in for 6000 s, longest in state


async def test_f_opens_the_rejected_lines_literally(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        assert isinstance(app.screen, RejectsScreen)
        body = app.screen.query_one("#rejects-body").render()
        text = str(body)
        assert "1 rejected line" in text
        assert "[bold]not\\x1b[31m" in text  # escaped, not styled
        await pilot.press("escape")
        assert not isinstance(app.screen, RejectsScreen)
        # clicking the header's feed-health part opens it too
        header = app.query_one(FloorHeader)
        start, _ = header._feed_span
        await pilot.click(FloorHeader, offset=(start + 2, 0))
        assert isinstance(app.screen, RejectsScreen)


async def test_q_quits(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_palette_has_every_action(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for key in ("p", "g", "i", "t", "e", "h", "c", "m", "/", "s", "f", "r", "H", "x", "?"):
            assert any(t.endswith(f"({key})") for t in titles), key
        await pilot.press("ctrl+p")
        await pilot.press(*"Map/table")
        await until(
            pilot, lambda: app.screen.query("CommandList Option") or app.screen.query("OptionList"), what="palette hits"
        )
        await pilot.press("enter")
        await until(pilot, lambda: app.query_one(FloorMap).display, what="the map shown")


async def test_footer_lists_the_keys(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        shown = {b.key for b in app.BINDINGS if b.show}
        active = {binding.key for (_, binding, _, _) in app.screen.active_bindings.values() if binding.show}
        assert shown <= active


@pytest.mark.parametrize(
    ("key", "form"),
    [
        ("p", "PatrolForm"),
        ("g", "PraiseForm"),
        ("i", "InspectionForm"),
        ("t", "TakeoverScreen"),
        ("e", "EscalationForm"),
        ("h", "LogEntryForm"),
        ("question_mark", "HelpScreen"),
    ],
)
async def test_each_form_key_opens_its_form_and_escape_cancels(tmp_path, monkeypatch, key, form) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await until(pilot, lambda: type(app.screen).__name__ == form, what=f"{form} opened")
        if form == "TakeoverScreen":  # the claim fills the form in; Escape then leaves without asking
            await until(pilot, lambda: app.screen.claimed, what="the claim")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.screen_stack[0], what=f"{form} closed")


async def test_updates_while_a_form_is_open_do_not_close_the_console(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("h")  # open a form at once, before the backfill is shown
        with open("queue_log", "a") as feed:
            feed.write(f"{int(T) - 10}|NONE|support|SIP/1006|PAUSE|Training\n")
        deadline = time.monotonic() + 10
        table = app.screen_stack[0].query_one(SeatTable)
        while time.monotonic() < deadline and getattr(table.rows.get("SIP/1006"), "state", "") != "PAUSED":
            await pilot.pause(0.05)
        app._tick()
        assert app.is_running and type(app.screen).__name__ == "LogEntryForm"
        assert table.rows["SIP/1006"].pause_reason == "Training"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_h_saves_a_log_entry_and_c_corrects_it(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        log = app.query_one(HandoverLogPanel)
        await pilot.press("c")  # nothing selected yet: says so, opens nothing
        assert app.screen is app.screen_stack[0]
        await pilot.press("h")
        await pilot.pause()
        app.screen.query_one("#body").insert("Printer on row B is jammed [again]")
        await pilot.press("ctrl+s")
        await settle(app, pilot, lambda: bool(log.items))
        assert "Printer on row B is jammed [again]" in log.render_line(1).text
        await pilot.press("c")
        await pilot.pause()
        assert type(app.screen).__name__ == "CorrectionForm"
        await pilot.press("escape")


async def test_another_console_shows_within_two_seconds(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        (esc,) = app.query_one(EscalationsPanel).items
        assert esc.claimed_by is None
        other = StoreService.from_config(app.config, clock=app.clock)
        try:
            someone = Actor("Wang Fang", "other", "pts/3")
            await asyncio.wrap_future(other.submit(Store.add_entry, "notice", "Queue 2 closed at 14:00", someone))
            await asyncio.wrap_future(other.submit(Store.claim_escalation, esc.id, someone))
            await asyncio.wrap_future(other.submit(Store.add_patrol_note, "SIP/1001", someone, text="all fine"))
            t0 = time.monotonic()
            log = app.query_one(HandoverLogPanel)
            panel = app.query_one(EscalationsPanel)
            await settle(
                app,
                pilot,
                lambda: bool(log.items) and panel.items and panel.items[0].claimed_by == "Wang Fang",
                timeout=5,
            )
            assert time.monotonic() - t0 < 2.5
            assert "Wang Fang" in panel.render_line(1).text
            assert "Queue 2 closed at 14:00" in log.render_line(1).text
            table = app.query_one(SeatTable)
            assert "SIP/1001" in table.patrolled
            assert "N" not in table.render_line(1).text.split()[-1:]  # A01 no longer marked
        finally:
            other.close()


@pytest.mark.parametrize(("key", "screen"), [("r", "ReviewScreen"), ("H", "HandoverScreen"), ("x", "ExportScreen")])
async def test_review_handover_and_export_keys_open_their_screens(tmp_path, monkeypatch, key, screen) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await until(pilot, lambda: type(app.screen).__name__ == screen, what=f"{screen} opened")
        if screen == "ExportScreen":  # it closes once the file is written, by design
            await until(pilot, lambda: app.screen.finished, timeout=30, what="the export written")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.screen_stack[0], what=f"{screen} closed")


async def test_80x24_collapses_the_side_panels(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.has_class("-narrow")
        assert not app.query_one(HandoverLogPanel).display
        table = app.query_one(SeatTable)
        assert table.size.height >= 6 and table.size.width == 80
        assert app.query_one(EscalationsPanel).size.height >= 3


async def test_missing_feed_keeps_the_console_open(tmp_path, monkeypatch) -> None:
    config, _ = make_floor(tmp_path, monkeypatch, T)
    app = FloorApp(build_parts(config, Path("no_such_feed"), clock=ManualClock(T), actor=ACTOR), store_poll_s=0.2)
    async with app.run_test(size=(160, 50)) as pilot:
        deadline = time.monotonic() + 5
        header = app.query_one(FloorHeader)
        while time.monotonic() < deadline and "missing" not in header.render().plain:
            await pilot.pause(0.05)
        assert "missing file" in header.render().plain
        await pilot.press("s", "m", "f", "escape")
        assert app.is_running


async def test_resizing_moves_the_side_panels(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert not app.screen.has_class("-narrow") and app.query_one(HandoverLogPanel).display


async def test_a_failing_store_is_reported_not_fatal(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        app.service.close()  # every store call fails from now on
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(n.title == "store problem" for n in app._notifications):
            await pilot.pause(0.05)
        assert any(n.title == "store problem" for n in app._notifications)
        await pilot.press("s", "m")
        assert app.is_running and app.query_one(FloorMap).display


async def test_main_screen_keys_are_off_while_another_screen_is_on_top(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        assert isinstance(app.screen, RejectsScreen)
        for key in ("p", "t", "h", "H"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, RejectsScreen), f"{key} acted behind the open screen"
        assert app.check_action("patrol", ()) is False and app.check_action("help", ()) is True
        await pilot.press("escape")
        assert app.check_action("patrol", ()) is True


async def test_escalations_panel_puts_the_most_urgent_first_then_the_oldest(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        someone = Actor("Wang Fang", "other", "pts/3")
        for callid, priority, age in (("p3-old", 3, 900), ("p2-new", 2, 60), ("p1-new", 1, 30), ("p2-old", 2, 600)):
            await asyncio.wrap_future(
                app.service.submit(
                    Store.raise_escalation,
                    callid,
                    "SIP/1002",
                    "sales",
                    f"reason {callid}",
                    someone,
                    priority=priority,
                    raised_at=T - age,
                )
            )
        app.refresh_store()
        panel = app.query_one(EscalationsPanel)
        await settle(app, pilot, lambda: len(panel.items) == 5)
        # c4 (the feed escalation of the fixed floor) is P1 and older than p1-new
        assert [e.callid for e in panel.items] == ["c4", "p1-new", "p2-old", "p2-new", "p3-old"]
