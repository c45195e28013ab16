"""The console says on start what the shift lead owes (floorconsole/reminders.py): on the
fixed floor's day, 23 November, last month's report is overdue until marked as sent and
December's roster is due."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fixed_floor import ACTOR, day_instant, make_app
from support.waiting import until

from floorconsole.clock import ManualClock
from floorconsole.store import Store

pytestmark = pytest.mark.anyio


def owed(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications if n.title == "Reports due"]


async def test_the_console_reminds_on_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: owed(app), what="the reports-due notice")
        (text,) = owed(app)
        assert "report for 2026-10 is overdue" in text and "2026-11-22" in text
        assert "roster for 2026-12" in text and "2026-11-25" in text
        app._tick()
        await pilot.pause(0.3)
        assert len(owed(app)) == 1  # once a day, not every tick


async def test_a_sent_report_is_not_reminded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path / "floor.db", clock=ManualClock(day_instant())) as store:
        store.mark_report_sent("monthly", "2026-10", "Director Zhou", ACTOR)
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: owed(app), what="the reports-due notice")
        (text,) = owed(app)
        assert "2026-10" not in text and "roster for 2026-12" in text
