"""Issue 10 "also found": every key typed before ctrl+s reaches the field before the form
reads it, and none of them leaks to the main screen as a shortcut (the log is append-only,
a cut entry cannot be fixed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fixed_floor import day_instant, make_app, settle
from support.waiting import until
from textual import events

from floorconsole.store import Store
from screens.forms import LogEntryForm

pytestmark = pytest.mark.anyio

T = day_instant()
TEXT = "Headset at A07 crackles abcdefghijklmnopqrstuvwxyz END"


def entries(app) -> list[str]:  # noqa: ANN001
    store = Store(app.config.db_path, clock=lambda: T)
    try:
        return [e.body for e in store.list_entries()]
    finally:
        store.close()


async def open_log_form(app, pilot) -> None:  # noqa: ANN001
    await settle(app, pilot)
    await pilot.press("h")
    await until(pilot, lambda: isinstance(app.screen, LogEntryForm) and app.screen.focused is not None)


def burst(app, keys: list[str]) -> None:  # noqa: ANN001
    """Keys as a terminal delivers a fast burst: all queued before the app handles any."""
    for key in keys:
        char = key if len(key) == 1 else None
        name = {" ": "space"}.get(key, key)
        app._driver.send_message(events.Key(name, char))


async def test_pilot_burst_then_ctrl_s_stores_everything(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_log_form(app, pilot)
        await pilot.press(*TEXT, "ctrl+s")
        await until(pilot, lambda: len(app.screen_stack) == 1, what="form closed")
        await pilot.pause()
        assert entries(app) == [TEXT]
        assert len(app.screen_stack) == 1 and app.query_one("#seat-views").current == "seat-table"


async def test_terminal_burst_then_ctrl_s_stores_everything(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_log_form(app, pilot)
        burst(app, [*TEXT, "ctrl+s"])
        await until(pilot, lambda: len(app.screen_stack) == 1, what="form closed")
        await pilot.pause(0.2)
        assert entries(app) == [TEXT]
        # none of the typed letters fired a main-screen key (m: map, s: sort, e/p/...: forms)
        assert len(app.screen_stack) == 1 and app.query_one("#seat-views").current == "seat-table"


async def test_ime_commit_and_paste_then_ctrl_s(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_log_form(app, pilot)
        burst(app, list("耳机有杂音"))  # an IME commits a whole string as key events at once
        app._driver.send_message(events.Paste(" 已报修 A07"))
        burst(app, ["ctrl+s"])
        await until(pilot, lambda: len(app.screen_stack) == 1, what="form closed")
        assert entries(app) == ["耳机有杂音 已报修 A07"]
