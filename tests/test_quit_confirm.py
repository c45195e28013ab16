"""Quitting, or Escape on a form, with typed text not saved asks first (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fixed_floor import day_instant, make_app, settle
from support.waiting import until

from screens.forms import LogEntryForm
from screens.forms.base import ConfirmLeave

pytestmark = pytest.mark.anyio

T = day_instant()


async def open_form_with_text(app, pilot, text: str = "half an entry") -> None:  # noqa: ANN001
    await settle(app, pilot)
    await pilot.press("h")
    await until(pilot, lambda: isinstance(app.screen, LogEntryForm) and app.screen.focused is not None)
    await pilot.press(*text)


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c"])
async def test_quit_keys_with_typed_text_ask_first(tmp_path: Path, monkeypatch, key: str) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form_with_text(app, pilot)
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave), what="confirm shown")
        assert app.is_running
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LogEntryForm))
        assert app.screen.query_one("#body").text == "half an entry"
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, what="quit")


async def test_q_on_a_form_never_quits(tmp_path: Path, monkeypatch) -> None:
    """A form is modal: `q` there is text, or nothing; it never quits behind the form."""
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form_with_text(app, pilot)
        app.screen.query_one("#form-cancel").focus()
        await pilot.press("q")
        await pilot.pause(0.1)
        assert app.is_running and isinstance(app.screen, LogEntryForm)


async def test_ctrl_c_with_a_selection_copies(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form_with_text(app, pilot)
        app.screen.query_one("#body").select_all()
        await pilot.press("ctrl+c")
        await pilot.pause(0.1)
        assert isinstance(app.screen, LogEntryForm) and app.clipboard == "half an entry"


async def test_quit_with_an_empty_form_quits(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form_with_text(app, pilot, "")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, what="quit")


async def test_escape_on_a_form_with_text_asks(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form_with_text(app, pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("escape")  # keep editing
        await until(pilot, lambda: isinstance(app.screen, LogEntryForm))
        assert app.screen.query_one("#body").text == "half an entry"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("y")
        await until(pilot, lambda: len(app.screen_stack) == 1)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, LogEntryForm) and app.screen.focused is not None)
        await pilot.press("escape")  # nothing typed: closes at once
        await until(pilot, lambda: len(app.screen_stack) == 1)
