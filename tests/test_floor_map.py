"""The floor map: seats by row/position from the layout, colour by state, unplaced agents
kept, arrows move between seats, filter dims, alert marks."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from floorconsole.config import Thresholds
from floorconsole.layout import FloorLayout, SeatPlace
from screens import theme
from screens.floor_map import FloorMap
from screens.seat_table import SeatRow

pytestmark = pytest.mark.anyio

NOW = 1_700_000_000.0
TH = Thresholds()

LAYOUT = FloorLayout(
    (
        SeatPlace("A01", "A", 1, "SIP/1", "One"),
        SeatPlace("A02", "A", 2, "SIP/2", "Two"),
        SeatPlace("A04", "A", 4, "SIP/4", "Four"),  # position 3 is an aisle
        SeatPlace("B01", "B", 1, "SIP/5", "Five"),
    )
)


def seat(agent: str, seat_id: str, state: str = "AVAILABLE", **kw) -> SeatRow:
    base = dict(agent=agent, name=agent, seat_id=seat_id, queues=("sales",), state=state, since=NOW - 5,
                call_start=None, pause_reason="", answered=0, ring_no_answer=0)
    base.update(kw)
    return SeatRow(**base)


class MapApp(App):
    def compose(self) -> ComposeResult:
        yield FloorMap(LAYOUT, TH)

    def on_mount(self) -> None:
        m = self.query_one(FloorMap)
        m.set_now(NOW)
        m.update_rows([seat("SIP/1", "A01", "ON_CALL", call_start=NOW - 1000), seat("SIP/2", "A02"),
                       seat("SIP/4", "A04", "PAUSED", pause_reason="meal"), seat("SIP/5", "B01")])
        m.focus()


async def test_rows_positions_and_colours() -> None:
    app = MapApp()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        m = app.query_one(FloorMap)
        line_a = m.render_line(1)
        text = line_a.text
        assert text.startswith("A")
        # A01, A02, (aisle), A04 in that order, aisle kept as blank space
        assert text.index("A01") < text.index("A02") < text.index("A04")
        assert text.index("A04") - text.index("A02") == 2 * m._tile
        assert "A01!" in text  # long call alert mark
        styles = {seg.text.strip(): seg.style for seg in line_a if seg.text.strip()}
        assert styles["A02"].bgcolor == theme.state_tile("AVAILABLE").bgcolor
        assert styles["A04"].bgcolor == theme.state_tile("PAUSED").bgcolor
        assert m.render_line(2).text.startswith("B")


async def test_arrows_skip_aisles_and_move_rows() -> None:
    app = MapApp()
    async with app.run_test(size=(60, 8)) as pilot:
        m = app.query_one(FloorMap)
        assert m.selected_agent == "SIP/1"
        await pilot.press("right", "right")
        assert m.selected_agent == "SIP/4"  # skipped the aisle at position 3
        await pilot.press("down")
        assert m.selected_agent == "SIP/5"
        await pilot.press("up")  # row B has one seat, so the column clamped to 1
        assert m.selected_agent == "SIP/1"
        await pilot.press("right")
        assert m.selected_agent == "SIP/2"


async def test_unplaced_agents_are_kept() -> None:
    app = MapApp()
    async with app.run_test(size=(60, 8)) as pilot:
        m = app.query_one(FloorMap)
        m.update_rows([seat("Local/ghost@x", "", "ON_CALL", call_start=NOW)])
        await pilot.pause()
        assert m.render_line(3).text.startswith("?")
        assert m.select_agent("Local/ghost@x")


async def test_filter_dims_non_matching_seats() -> None:
    app = MapApp()
    async with app.run_test(size=(60, 8)) as pilot:
        m = app.query_one(FloorMap)
        m.set_filter("s:paused")
        await pilot.pause()
        styles = {seg.text.strip(): seg.style for seg in m.render_line(1) if seg.text.strip()}
        assert styles["A04"].bgcolor == theme.state_tile("PAUSED").bgcolor
        assert styles["A02"].bgcolor != theme.state_tile("AVAILABLE").bgcolor
