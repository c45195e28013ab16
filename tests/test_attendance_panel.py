"""The attendance panel: hidden with nothing to say; rostered-but-absent people, flags (allowed
ones with why) and a swap that leaves tomorrow's shift uncovered, naming both, before it starts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from textual.app import App, ComposeResult

from floorconsole.config import Config
from floorconsole.roster.expected import expected_floor, shift_window
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, AttendanceFlag, RosterEntry
from floorconsole.views import SeatView
from screens.attendance_panel import AttendancePanel, AttendanceWatch

D1, D2 = date(2026, 12, 1), date(2026, 12, 2)


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AttendancePanel()


def _watch(roster, leave=(), swaps=(), flags=()) -> AttendanceWatch:  # noqa: ANN001
    config = Config()
    watch = AttendanceWatch(None, config, None)
    watch.expected = expected_floor(roster, leave, swaps)
    watch.detector.set_expected(watch.expected)
    watch.shift = shift_window(config.shifts, D1, "day")
    watch._expected_now = set(watch.expected.slots.get((D1, "day"), {}))
    watch.flags = list(flags)
    watch.loaded = True
    return watch


@pytest.mark.anyio
async def test_hidden_without_a_roster_for_today() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(AttendancePanel)
        watch = _watch([RosterEntry(date(2026, 12, 9), "x", "day", "")])
        panel.show(watch, datetime(2026, 12, 1, 10).astimezone().timestamp())
        await pilot.pause()
        assert not panel.has_class("-shown") and not panel.display


@pytest.mark.anyio
async def test_absent_flags_and_swap_warning() -> None:
    roster = [
        RosterEntry(D1, "Li Na", "day", "g"),
        RosterEntry(D1, "[bold]Wang", "day", "g"),
        RosterEntry(D2, "Zhao Lei", "day", "g"),
        RosterEntry(D2, "Sun Yu", "evening", "g"),
    ]
    # Zhao swaps D2 day with Sun Yu, who is on leave then: D2 day is left uncovered
    watch = _watch(
        roster,
        leave=[ApprovedLeave("Sun Yu", D2, "day", "ordinary")],
        swaps=[ApprovedSwap("Zhao Lei", D2, "day", "Sun Yu", D2 + (D2 - D1) * 3, "evening")],
        flags=[
            AttendanceFlag(
                "[bold]Wang", "late", f"{D1} day", shift_window(Config().shifts, D1, "day").start.timestamp(), 20, id=1
            ),
            AttendanceFlag(
                "Li Na",
                "off_post",
                f"{D1} day",
                datetime(2026, 12, 1, 9).astimezone().timestamp(),
                25,
                allowed=True,
                allowed_by="Chen",
                allowed_note="sent to recover",
                id=2,
            ),
        ],
    )
    now = datetime(2026, 12, 1, 10).astimezone().timestamp()
    watch.detector.observe([SeatView("Li Na", "Li Na", "", (), "AVAILABLE", now - 60, None, "", 0, 0)], now)
    app = PanelApp()
    async with app.run_test(size=(120, 20)) as pilot:
        panel = app.query_one(AttendancePanel)
        panel.show(watch, now)
        await pilot.pause()
        text = str(panel.render())
        assert panel.has_class("-shown")
        assert "day: 2 rostered, 1 logged in" in text
        assert "Not logged in: [bold]Wang" in text  # a name is shown literally, never as markup
        assert "[bold]Wang late 20 min" in text
        assert "Li Na off post 25 min · allowed: sent to recover" in text
        assert "swap Zhao Lei ↔ Sun Yu leaves the shift uncovered (Sun Yu is on leave then)" in text
        assert [f.id for f in watch.open_flags()] == [1]
        # once the D2 day shift has started the warning is no longer "before the shift"
        later = shift_window(Config().shifts, D2, "day").start.timestamp() + 60
        panel.show(watch, later)
        await pilot.pause()
        assert "uncovered" not in str(panel.render())


@pytest.mark.anyio
async def test_on_leave_and_logged_in_shown_present_not_flagged() -> None:
    """Came in despite approved leave: the panel says so, the roll call marks them present
    with the leave in the note, and the detector raises no "not rostered" flag."""
    from floorconsole.roster.roll_call import RollCallLine

    roster = [RosterEntry(D1, "Li Na", "day", "g"), RosterEntry(D1, "Zhao Lei", "day", "g")]
    watch = _watch(roster, leave=[ApprovedLeave("Zhao Lei", D1, "day", "sick")])
    now = datetime(2026, 12, 1, 10).astimezone().timestamp()
    watch.detector.observe(
        [
            SeatView("Li Na", "Li Na", "", (), "AVAILABLE", now - 7200, None, "", 0, 0),
            SeatView("Zhao Lei", "Zhao Lei", "", (), "AVAILABLE", now - 3600, None, "", 0, 0),
        ],
        now,
    )
    assert [e for e in watch.detector.tick(now) if isinstance(e, AttendanceFlag)] == []
    assert watch.on_leave_here() == ["Zhao Lei"]
    assert watch.roll_call_lines() == [
        RollCallLine("Li Na", "g", "present"),
        RollCallLine("Zhao Lei", "", "present", "on sick leave, came in"),
    ]
    app = PanelApp()
    async with app.run_test(size=(120, 20)) as pilot:
        panel = app.query_one(AttendancePanel)
        panel.show(watch, now)
        await pilot.pause()
        text = str(panel.render())
        assert "day: 1 rostered, 1 logged in" in text
        assert "On leave, logged in anyway: Zhao Lei" in text
        assert "not rostered" not in text
