"""The header's "patrol due" follows the rulebook's fixed checks (before 9:30 and at each
shift change), not a made-up 60-minute rhythm (issue 10)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from support.fixed_floor import make_app, settle

from screens.header import FloorHeader

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("hour", "minute", "due"), [(9, 0, True), (10, 0, False), (16, 10, True), (17, 0, False)])
async def test_patrol_due_in_the_header(tmp_path: Path, monkeypatch, hour: int, minute: int, due: bool) -> None:
    now = datetime(2026, 11, 23, hour, minute).astimezone().timestamp()
    app = make_app(tmp_path, monkeypatch, now, alert_toasts=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app._tick()
        await pilot.pause()
        assert ("patrol due" in app.query_one(FloorHeader).render().plain) is due
