"""What a supervisor sees, as SVG snapshots: the main screen at 80x24 and 160x50, the floor
map, a filtered table and the rejected-lines screen. Driven from the fixed feed and the
fixed clock of test_app.py (no wall-clock time on screen); alert toasts are off because
they are timed in real time (test_app.py tests them). Update with `--snapshot-update` after
looking at the new pictures.
"""

from __future__ import annotations

import pytest
from support.fixed_floor import make_app as _make_app
from support.fixed_floor import settle  # the same fixed floor, feed and clock as test_app

# The header shows local times: the pictures are taken in UTC whatever zone the suite runs in.
pytestmark = pytest.mark.usefixtures("utc_zone")


def make_app(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    # alerts are toasts timed in real time: not in the pictures
    return _make_app(tmp_path, monkeypatch, alert_toasts=False)


def _settled(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
        app._tick()  # what the once-a-second tick shows, whether or not one has run yet
        await pilot.pause()

    return run_before


def test_main_screen_80x24(snap_compare, tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled())


def test_main_screen_160x50(snap_compare, tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=(160, 50), run_before=_settled())


def test_floor_map_160x50(snap_compare, tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=(160, 50), run_before=_settled("m", "right", "down"))


def test_filtered_and_sorted_80x24(snap_compare, tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    keys = ("slash", *"q:support", "enter", "s", "s", "s")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled(*keys))


def test_rejected_lines_80x24(snap_compare, tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled("f"))
