"""The console at 80x24 (issue 10 "also found"): the duty log and carried items are
reachable (`l`, and `c` shows them), and the footer is not cut mid-word."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fixed_floor import ACTOR, day_instant, make_app, settle
from support.waiting import until

from floorconsole.store import Store
from screens.forms import CorrectionForm
from screens.handover_log_panel import HandoverLogPanel

pytestmark = pytest.mark.anyio

T = day_instant()


def screen_lines(app) -> list[str]:  # noqa: ANN001
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_footer_at_80_columns_keeps_the_main_keys_whole(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        footer = screen_lines(app)[-1]
        for shown in ("p Patrol", "t Take over", "h New entry", "l Log", "r Review", "? Help", "q Quit"):
            assert shown in footer, footer
        assert "…" not in footer


async def test_c_at_80x24_shows_the_log_then_corrects(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.service.submit(Store.add_entry, "equipment", "Headset at A07 crackles", ACTOR).result()
        app.refresh_store()
        log = app.query_one(HandoverLogPanel)
        await until(pilot, lambda: log.items, what="entry loaded")
        assert log.region.height == 0  # hidden at 80x24 until asked for
        await pilot.press("c")
        await pilot.pause()
        assert log.region.height > 0 and log.has_focus
        text = "\n".join(screen_lines(app))
        assert "Headset at A07 crackles" in text
        assert not any("Tab to the log panel" in n.message for n in app._notifications)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CorrectionForm), what="correction form")
        assert app.screen.entry.body == "Headset at A07 crackles"
        await pilot.press("escape")
        await until(pilot, lambda: len(app.screen_stack) == 1)
        await pilot.press("l")  # back to the escalations
        await pilot.pause()
        assert log.region.height == 0 and "Escalations" in "\n".join(screen_lines(app))


@pytest.mark.parametrize(
    ("size", "shown"), [((80, 24), "apol≥30s"), ((160, 40), "apology after 6 rings (30 s, hotline rule)")]
)
async def test_queue_panel_says_which_apology_rule_is_in_force(tmp_path: Path, monkeypatch, size, shown) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert shown in screen_lines(app)[1]


async def test_h_and_l_work_on_the_floor_map(tmp_path: Path, monkeypatch) -> None:
    """The map used h/l as vim arrows, so `h` (log entry) and `l` (duty log) did nothing there."""
    from screens.forms import LogEntryForm

    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.query_one(HandoverLogPanel).region.height > 0
        await pilot.press("l", "m", "h")
        await until(pilot, lambda: isinstance(app.screen, LogEntryForm))
