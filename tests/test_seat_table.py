"""The line-API seat table: sorting, filtering, cursor, alert marks, literal text, and
that a change repaints only its own line."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from floorconsole.config import Thresholds
from screens.messages import SeatHighlighted
from screens.seat_table import SORTS, SeatRow, SeatTable, alert_marks, matches

pytestmark = pytest.mark.anyio

NOW = 1_700_000_000.0
TH = Thresholds()


def row(i: int, state: str = "AVAILABLE", **kw) -> SeatRow:
    base = dict(
        agent=f"SIP/{1000 + i}",
        name=f"Agent {i:02d}",
        seat_id=f"A{i:02d}",
        queues=("sales",) if i % 2 else ("support",),
        state=state,
        since=NOW - 10 * i,
        call_start=None,
        pause_reason="",
        answered=i,
        ring_no_answer=0,
    )
    base.update(kw)
    return SeatRow(**base)


class TableApp(App):
    def __init__(self, rows: list[SeatRow]) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield SeatTable(TH, id="t")

    def on_mount(self) -> None:
        table = self.query_one(SeatTable)
        table.set_now(NOW)
        table.update_rows(self.rows)
        table.focus()

    def on_seat_highlighted(self, msg: SeatHighlighted) -> None:
        self.highlighted.append(msg.agent)


def _lines(app: App) -> str:
    table = app.query_one(SeatTable)
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def test_alert_marks() -> None:
    long_call = row(1, "ON_CALL", call_start=NOW - 1000)
    assert "L" in alert_marks(long_call, NOW, TH, None)
    long_pause = row(2, "PAUSED", since=NOW - 2000, pause_reason="meal")
    assert alert_marks(long_pause, NOW, TH, None) == "P"
    rna = row(3, ring_no_answer=2)
    assert alert_marks(rna, NOW, TH, frozenset({rna.agent})) == "R"
    assert alert_marks(rna, NOW, TH, frozenset()) == "RN"
    assert alert_marks(row(4, "LOGGED_OFF"), NOW, TH, frozenset()) == ""


def test_filter_tokens() -> None:
    r = row(1, "PAUSED", pause_reason="meal")
    assert matches(r, ["agent", "01"])
    assert matches(r, ["q:sales"]) and not matches(r, ["q:support"])
    assert matches(r, ["s:paused"]) and not matches(r, ["s:available"])
    assert matches(r, ["a01"]) and not matches(r, ["zzz"])


async def test_sorting_cycles_and_orders() -> None:
    rows = [row(i) for i in range(1, 6)]
    rows[2] = row(3, "ON_CALL", call_start=NOW - 50)
    app = TableApp(rows)
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(SeatTable)
        assert table.sort_column == "seat"
        assert table.order[0] == "SIP/1001"
        await pilot.press("s")
        assert table.sort_column == SORTS[1] == "name"
        await pilot.press("s")
        assert table.sort_column == "state"
        assert table.order[0] == "SIP/1003"  # on call sorts before available
        await pilot.press("s")  # time in state: the oldest change first
        assert table.sort_column == "in_state"
        assert table.order[0] == "SIP/1005"
        await pilot.press("S")
        assert table.sort_reverse and table.order[0] == "SIP/1001"
        await pilot.pause()
        assert "▼" in table.render_line(0).text


async def test_cursor_moves_and_follows_agent_across_resort() -> None:
    app = TableApp([row(i) for i in range(1, 30)])
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(SeatTable)
        await pilot.press("down", "down")
        assert table.selected_agent == "SIP/1003"
        assert app.highlighted[-1] == "SIP/1003"
        await pilot.press("end")
        assert table.selected_agent == "SIP/1029"
        assert table.scroll_y > 0  # cursor kept in view
        await pilot.press("home")
        assert table.selected_agent == "SIP/1001"
        table.select_agent("SIP/1010")
        await pilot.press("S")  # reverse: same agent stays selected
        assert table.selected_agent == "SIP/1010"


async def test_filter_narrows_rows() -> None:
    app = TableApp([row(i) for i in range(1, 11)])
    async with app.run_test(size=(120, 14)) as pilot:
        table = app.query_one(SeatTable)
        table.set_filter("q:sales")
        await pilot.pause()
        assert len(table.order) == 5
        table.set_filter("agent 07")
        assert table.order == ["SIP/1007"]
        table.set_filter("")
        assert len(table.order) == 10


async def test_text_is_literal_and_columns_fit_80() -> None:
    nasty = row(1, "PAUSED", name="[bold]Eve\x1b[31m", pause_reason="[red]x\n")
    app = TableApp([nasty])
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        text = _lines(app)
        assert "[bold]Eve\\x1b[31m" in text
        assert "\x1b" not in text
        table = app.query_one(SeatTable)
        assert sum(c.width + 1 for c in table._columns) <= 80
        assert {"name", "state", "in_state", "alerts"} <= {c.key for c in table._columns}


async def test_update_repaints_only_changed_line() -> None:
    rows = [row(i) for i in range(1, 20)]
    app = TableApp(rows)
    async with app.run_test(size=(120, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(SeatTable)
        calls: list[int] = []
        original = table.render_line

        def spy(y: int):
            calls.append(y)
            return original(y)

        table.render_line = spy  # type: ignore[method-assign]
        table.update_rows([row(3, "ON_CALL", call_start=NOW)])
        await pilot.pause()
        assert calls and set(calls) == {3}  # header is line 0; agent 3 is row index 2
        assert "on call" in original(3).text


async def test_ticking_time_in_state() -> None:
    app = TableApp([row(1, "PAUSED", since=NOW - 59, pause_reason="break")])
    async with app.run_test(size=(120, 6)) as pilot:
        table = app.query_one(SeatTable)
        await pilot.pause()
        assert "0:59" in table.render_line(1).text
        table.set_now(NOW + 1)
        await pilot.pause()
        assert "1:00" in table.render_line(1).text


def test_durations_stay_short_enough_for_their_column() -> None:
    from screens.theme import format_duration

    assert format_duration(None) == "—"
    assert format_duration(75) == "1:15"
    assert format_duration(3 * 3600 + 62) == "3:01:02"
    assert format_duration(3 * 86400 + 4 * 3600 + 5) == "3d 04h"
    assert format_duration(16 * 365 * 86400) == "5840d 00h"  # an old file replayed today
