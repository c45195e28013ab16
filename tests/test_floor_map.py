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
    base = dict(
        agent=agent,
        name=agent,
        seat_id=seat_id,
        queues=("sales",),
        state=state,
        since=NOW - 5,
        call_start=None,
        pause_reason="",
        answered=0,
        ring_no_answer=0,
    )
    base.update(kw)
    return SeatRow(**base)


class MapApp(App):
    def compose(self) -> ComposeResult:
        yield FloorMap(LAYOUT, TH)

    def on_mount(self) -> None:
        m = self.query_one(FloorMap)
        m.set_now(NOW)
        m.update_rows(
            [
                seat("SIP/1", "A01", "ON_CALL", call_start=NOW - 1000),
                seat("SIP/2", "A02"),
                seat("SIP/4", "A04", "PAUSED", pause_reason="meal"),
                seat("SIP/5", "B01"),
            ]
        )
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
        assert "!" in text[text.index("A01") : text.index("A02")]  # long call alert mark
        styles = {seg.text.split()[0]: seg.style for seg in line_a if seg.text.strip()}
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
        styles = {seg.text.split()[0]: seg.style for seg in m.render_line(1) if seg.text.strip()}
        assert styles["A04"].bgcolor == theme.state_tile("PAUSED").bgcolor
        assert styles["A02"].bgcolor != theme.state_tile("AVAILABLE").bgcolor


async def test_tiles_name_seats_and_agents_and_the_top_line_the_selected_seat() -> None:
    """Issue 10: a seat nobody is logged into shows its seat id (not `SIP`), wide tiles
    show the agent's name, and the top line names the selected seat's agent and state."""
    layout = FloorLayout((*LAYOUT.seats, SeatPlace("B02", "B", 2, "SIP/6", "Zhang Ting")))

    class App2(MapApp):
        def compose(self) -> ComposeResult:
            yield FloorMap(layout, TH)

    app = App2()
    async with app.run_test(size=(120, 8)) as pilot:
        await pilot.pause()
        m = app.query_one(FloorMap)
        row_b = m.render_line(2).text
        assert "B02 Zhang Ting" in row_b and "SIP" not in row_b  # SIP/6 never logged in
        assert "A01 One" in m.render_line(1).text
        top = m.render_line(0).text
        assert "A01 One (SIP/1)" in top and "on call" in top
        await pilot.press("down", "right")
        assert "B02 Zhang Ting (SIP/6)" in m.render_line(0).text
        assert "logged off" in m.render_line(0).text
    app = App2()
    async with app.run_test(size=(40, 8)) as pilot:  # narrow: seat ids only, never a cut name
        await pilot.pause()
        m = app.query_one(FloorMap)
        assert "B02" in m.render_line(2).text and "Zh" not in m.render_line(2).text


async def test_freepbx_local_channels_show_their_extension() -> None:
    """A FreePBX log names agents `Local/2001@from-internal/n`: tiles show `2001`, not `Lo`."""
    from pathlib import Path

    from floorconsole.replay import fold_files

    feed = Path(__file__).parent / "fixtures" / "feeds" / "freepbx-asterisk14-2010.queue_log"
    floor = fold_files([feed], TH)

    class App3(App):
        def compose(self) -> ComposeResult:
            yield FloorMap(FloorLayout(()), TH)

        def on_mount(self) -> None:
            m = self.query_one(FloorMap)
            m.update_rows([seat(a, "", "AVAILABLE") for a in sorted(floor.seats)])
            m.focus()

    app = App3()
    async with app.run_test(size=(100, 8)) as pilot:
        await pilot.pause()
        m = app.query_one(FloorMap)
        line = m.render_line(1).text
        assert "Lo" not in line
        for ext in ("2001", "2002", "2010"):
            assert ext in line
        assert "2001 Local/2001@from-internal/n" in m.render_line(0).text


def test_agent_label() -> None:
    from screens.floor_map import agent_label

    assert agent_label("SIP/1001") == "1001"
    assert agent_label("Local/2001@from-internal/n") == "2001"
    assert agent_label("PJSIP/a-07") == "a-07"
    assert agent_label("Xu Jing") == "Xu Jing"
