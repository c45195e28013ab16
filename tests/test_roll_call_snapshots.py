"""What a supervisor sees in the roll call (点名) at 80x24, one mark changed with `3`.

Update with `pytest tests/test_roll_call_snapshots.py --snapshot-update` after checking the SVG by eye.
"""

from __future__ import annotations

from test_forms import ME, Host, clock, db, service, settle  # noqa: F401 - the same fixtures: a real SQLite file
from textual.pilot import Pilot

from floorconsole.roster.roll_call import RollCallLine
from screens.forms.roll_call import RollCallScreen

LINES = [
    RollCallLine("Gao Wei", "support", "present"),
    RollCallLine("Ma Wei", "sales", "late"),
    RollCallLine("Xu Jing", "sales", "present", "covers Liu Qiang"),
    RollCallLine("Zhang Ting", "sales", "present"),
    RollCallLine("[bold]He Jun", "support", "on_leave", "sick"),
]


def test_roll_call_screen(snap_compare, service) -> None:  # noqa: F811 - db/service are test_forms' fixtures
    async def mark(pilot: Pilot) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("down", "down", "down", "3")
        await settle(pilot, pilot.app)

    form = lambda: RollCallScreen(service, ME, "2026-11-23 day", LINES)  # noqa: E731
    assert snap_compare(Host(form), terminal_size=(80, 24), run_before=mark)
