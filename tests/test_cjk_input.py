"""Chinese input methods: an IME commits a whole string at once (as a burst of key events,
or as a paste in some terminals); the fields must take it whole, put the terminal cursor
(where the IME draws its window) after it counted in cells, and a fast burst then ctrl+s
must lose nothing. In zh_CN, on the fixed floor."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from support.fixed_floor import day_instant, make_app, settle
from support.waiting import until
from textual import events
from textual.widgets import Input, TextArea

from floorconsole.store import Store
from screens.forms import LogEntryForm, PatrolForm

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("zh_cn")]

T = day_instant()
FINDING = "巡台发现耳机故障"


def stored(app, what: str) -> list[str]:  # noqa: ANN001
    store = Store(app.config.db_path, clock=lambda: T)
    try:
        if what == "log":
            return [e.body for e in store.list_entries()]
        return [n.text for n in store.list_patrol_notes()]
    finally:
        store.close()


def burst(app, text: str) -> None:  # noqa: ANN001
    """Characters as a terminal delivers an IME commit: all queued before any is handled."""
    for char in text:
        app._driver.send_message(events.Key(char, char))


async def open_form(app, pilot, key: str, form: type) -> None:  # noqa: ANN001
    await settle(app, pilot)
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, form) and app.screen.focused is not None, what="form open")


async def save_and_wait(app, pilot) -> None:  # noqa: ANN001
    app._driver.send_message(events.Key("ctrl+s", None))
    await until(pilot, lambda: len(app.screen_stack) == 1, what="form closed")
    await pilot.pause()


async def test_a_whole_string_committed_at_once_equals_typing_it(tmp_path: Path, monkeypatch) -> None:
    """pilot.press of each character and a Paste of the whole string give the same field."""
    app = make_app(tmp_path, monkeypatch, T)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot, "h", LogEntryForm)
        body = app.screen.query_one("#body", TextArea)
        await pilot.press(*FINDING)
        typed = body.text
        body.text = ""
        app._driver.send_message(events.Paste(FINDING))
        await until(pilot, lambda: body.text == FINDING, what="paste in the field")
        assert typed == FINDING == body.text


async def test_ime_burst_paste_burst_then_save_loses_nothing(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot, "h", LogEntryForm)
        burst(app, FINDING)
        app._driver.send_message(events.Paste("，已报修"))
        burst(app, "，A07 换新耳机")
        await save_and_wait(app, pilot)
        assert stored(app, "log") == [FINDING + "，已报修，A07 换新耳机"]
        # no typed character reached the main screen as a key (m map, s sort, ...)
        assert app.query_one("#seat-views").current == "seat-table"


async def test_input_field_takes_a_commit_whole_and_the_cursor_sits_after_it_in_cells(
    tmp_path: Path, monkeypatch
) -> None:
    """The IME draws its window at the terminal cursor: after 8 Chinese characters it must be
    16 cells along, not 8."""
    app = make_app(tmp_path, monkeypatch, T)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_form(app, pilot, "p", PatrolForm)
        note = app.screen.query_one("#note", Input)
        note.focus()
        await pilot.pause()
        app._driver.send_message(events.Paste(FINDING))
        await until(pilot, lambda: note.value == FINDING, what="paste in the note")
        assert note.cursor_position == len(FINDING)
        start = note.content_region.x
        # at the end Textual parks the cursor one cell past the text; what matters is cells
        assert note.cursor_screen_offset.x - start == cell_len(FINDING) + 1 == 2 * len(FINDING) + 1
        await pilot.press("home", "right", "right")
        assert note.cursor_screen_offset.x - start == cell_len(FINDING[:2]) == 4
        await pilot.press("end")
        burst(app, "，已报修")
        await save_and_wait(app, pilot)
        assert stored(app, "patrol") == [FINDING + "，已报修"]
