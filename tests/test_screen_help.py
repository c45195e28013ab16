"""`?` and the palette on a screen over the main one list that screen's own keys
(issue 10: on the review `q` is Question, not Quit, and `S` signs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fixed_floor import day_instant, make_app, settle
from support.waiting import until

from screens.forms import HelpScreen
from screens.forms.help_screen import key_rows
from screens.review_screen import ReviewScreen

pytestmark = pytest.mark.anyio

T = day_instant()


def help_rows(app) -> list[str]:  # noqa: ANN001
    return [strip.text.strip() for strip in app.screen._compositor.render_strips()]


async def test_review_help_and_palette_show_the_review_keys(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.action_review()
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        titles = [c.title for c in app.get_system_commands(review)]
        assert "Sign receipt (S)" in titles and "Question (q)" in titles
        assert "Acknowledge (space)" in titles or any(t.startswith("Acknowledge (") for t in titles)
        assert not any(t.startswith("Patrol") or t == "Quit (q)" for t in titles)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = "\n".join(help_rows(app))
        assert "Sign receipt" in text and "Question" in text and "Ack all" in text
        rows = dict(key_rows(app.screen.bindings_shown))
        assert rows["q"] == "Question" and rows["S"] == "Sign receipt" and rows["space"] == "Acknowledge"
        assert "Quit" not in rows.values() or rows.get("ctrl+q") == "Quit"
        assert "Patrol" not in text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is review)
