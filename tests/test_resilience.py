"""One odd value must not end the console (issue 9, item 1): a panel that cannot draw shows
a red note and the App says so once; every other panel keeps going. And an error the feed
engine survived is shown in the header, and in `f`, not kept in a field nobody reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fixed_floor import make_app, settle
from support.waiting import until

import floorconsole.rules
import screens.seat_table
from floorconsole.views import FeedStatus
from screens.header import FloorHeader
from screens.queues_panel import QueuesPanel
from screens.rejects_screen import RejectsScreen
from screens.seat_table import SeatTable

pytestmark = pytest.mark.anyio


async def test_a_seat_row_that_cannot_be_drawn_does_not_end_the_console(tmp_path: Path, monkeypatch) -> None:
    real = floorconsole.rules.alert_marks

    def broken(seat, now, th, patrolled):  # noqa: ANN001, ANN202 - a bug met on one seat's values
        if seat.agent == "SIP/1005":
            raise OverflowError("int too large to convert to float")
        return real(seat, now, th, patrolled)

    monkeypatch.setattr(screens.seat_table, "alert_marks", broken)
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        table = app.query_one(SeatTable)
        lines = [table.render_line(y).text for y in range(1, 9)]
        assert any("could not draw" in line for line in lines)
        assert any("Xu Jing" in line for line in lines)  # the other seats are drawn
        await until(pilot, lambda: any(n.title == "screen problem" for n in app._notifications), what="told once")
        await pilot.press("m", "m", "s")
        app._tick()
        assert app.is_running
        assert "sales" in app.query_one(QueuesPanel).render().plain


async def test_a_failing_alert_rule_is_reported_and_the_clock_goes_on(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)

        def broken(*args: object) -> list[str]:
            raise ValueError("cannot convert float infinity to integer")

        monkeypatch.setattr(app.alerts, "floor", broken)
        app._tick()
        await until(pilot, lambda: any(n.title == "screen problem" for n in app._notifications), what="reported")
        assert app.is_running


async def test_the_engines_last_error_is_in_the_header_and_in_f(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        status = FeedStatus(
            path="queue_log", state="live", live=True, rejected=1, last_error="line skipped: ValueError: bad block"
        )
        app.floor.status = status
        app.query_one(FloorHeader).set_health(status)
        assert "line skipped" in app.query_one(FloorHeader).render().plain
        await pilot.press("f")
        assert isinstance(app.screen, RejectsScreen)
        assert "line skipped: ValueError: bad block" in str(app.screen.query_one("#rejects-body").render())
