"""The demo floor shows issue 13: `floorconsole demo` imports a roster for yesterday, today
and tomorrow (once a day), the console on the demo config shows the Rst column and a
non-empty roll call on `C`, and the demo's user may enter leave on `V` with the rules checked
(and approve it: the demo makes its OS user the department head)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from support.waiting import until
from textual.widgets import DataTable, Input

from floorconsole import demo
from floorconsole.clock import ManualClock
from floorconsole.identity import Actor, current_actor, effective_os_user
from floorconsole.layout import load_layout
from floorconsole.simulator import Simulator
from floorconsole.store import Store
from floorconsole.store.registers import RegisterRefused
from floorconsole.wiring import build_parts
from screens.app import FloorApp
from screens.forms.leave_form import LeaveForm, RegisterActionForm
from screens.forms.roll_call import RollCallScreen
from screens.registers_screen import RegistersScreen
from screens.seat_table import SeatTable

DAY = date(2026, 11, 23)


def instant() -> float:
    """2026-11-23 10:00 on the floor (the process's zone): two hours into the day shift."""
    return datetime(2026, 11, 23, 10, 0).astimezone().timestamp()


def _demo(tmp_path: Path):  # noqa: ANN202
    config = demo.demo_config(demo.prepare_demo_dir(tmp_path / "demo"))
    return config


def test_the_demo_roster_is_imported_once_a_day(tmp_path: Path) -> None:
    config = _demo(tmp_path)
    clock = ManualClock(instant())
    ahead = demo.ROSTER_DAYS_AHEAD
    assert demo.prepare_demo_roster(config, clock) == [DAY + timedelta(days=i) for i in range(-1, ahead + 1)]
    assert demo.prepare_demo_roster(config, clock) == []  # a second start the same day
    clock.t += 86400.0  # the next day adds the day after it
    assert demo.prepare_demo_roster(config, clock) == [DAY + timedelta(days=ahead + 1)]
    with Store.from_config(config) as store:
        assert len(store.roster_imports()) == 2
        today = [e for e in store.roster_between(DAY, DAY) if e.shift == "day"]
    layout = load_layout(config.layout_path)
    sim = Simulator(layout, config.thresholds, seed=0, profile="daily")
    crew = demo.shift_crews(sim, config.shifts)["day"]
    names = {s.agent: s.name for s in layout.seats}
    order = [names[a.name] for a in sim._roster_order]  # noqa: SLF001
    rostered = {e.person for e in today}
    assert order[crew - 1] not in rostered  # logged in, not rostered
    assert {order[crew], order[crew + 1]} <= rostered  # rostered, kept logged off
    off = {name for name, k in demo.DAYS_OFF.items() if DAY.toordinal() % 7 == k}
    assert off and not off & rostered  # He Jun or Li Na has the day off
    assert len(rostered) == crew + 1 - len(off)
    # the demo user is the department head; the second lead is another account
    me = config.person(effective_os_user())
    assert me is not None and me.role == "manager"
    assert config.person("demo-lead") is not None
    assert {a.job for a in config.agents} == {"sales", "service"} and {a.level for a in config.agents} == {1, 2}
    assert config.holidays


def test_a_demo_swap_is_refused_or_fully_approved_by_the_two_leads(tmp_path: Path) -> None:
    config = _demo(tmp_path)
    clock = ManualClock(instant())
    demo.prepare_demo_roster(config, clock)
    me = current_actor(config)
    lead = Actor("Wang Lei", "demo-lead", "pts/2")  # the other lead, on their own account
    first, second = demo.demo_swap_days(DAY)
    with Store.from_config(config, clock=clock) as store:
        with pytest.raises(RegisterRefused, match="same skill level"):
            store.request_swap("Xu Jing", first, "day", "Li Na", second, "day", me)
        swap = store.request_swap("Li Na", first, "day", "He Jun", second, "day", me)
        store.approve_swap(swap.id, me)
        assert store.approved_swaps(first, second) == []  # one approval of two
        with pytest.raises(RegisterRefused, match="already approved"):
            store.approve_swap(swap.id, me)
        store.approve_swap(swap.id, lead)
        assert [(s.person, s.cover) for s in store.approved_swaps(first, second)] == [("Li Na", "He Jun")]


def _console(tmp_path: Path) -> tuple[FloorApp, Path]:
    config = _demo(tmp_path)
    now = instant()
    demo.prepare_demo_roster(config, ManualClock(now))
    # the demo floor's feed: the shift-crew simulator's last half hour
    sim_class = demo.shift_crew_simulator(Simulator, config.shifts)
    layout = load_layout(config.layout_path)
    sim = sim_class(layout, config.thresholds, seed=7, profile="daily")
    feed = config.feed_path
    assert feed is not None
    feed.write_text("".join(line + "\n" for line in sim.lines_between(now - 1800, now)))
    parts = build_parts(config, feed, clock=ManualClock(now), actor=current_actor(config), layout=layout)
    return FloorApp(parts, store_poll_s=0.2, alert_toasts=False), config.db_path


def _error(app: FloorApp) -> str:
    return str(app.screen.query_one("#form-error").render())


@pytest.mark.anyio
async def test_the_demo_console_shows_the_roster_roll_call_and_registers(tmp_path: Path) -> None:
    app, db = _console(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: app.engine.progress.finished and app.attendance.loaded, what="backfill + roster")
        table = app.query_one(SeatTable)
        await until(pilot, lambda: table.roster_mark is not None, what="the Rst column")
        assert any(c.key == "roster" for c in table._columns)  # noqa: SLF001
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, RollCallScreen), what="roll call open")
        marks = {ln.person: ln.mark for ln in app.screen.lines}  # type: ignore[attr-defined]
        assert len(marks) > 40
        assert marks["Lin Tao"] == "absent" and marks["Zhou Xia"] == "absent"  # rostered, logged off
        assert "Gao Ping" not in marks  # logged in, not rostered
        await pilot.press("escape")
        await until(pilot, lambda: len(app.screen_stack) == 1)

        await pilot.press("V")
        await until(pilot, lambda: isinstance(app.screen, RegistersScreen), what="register screen")
        registers = app.screen
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeaveForm), what="leave form")
        app.screen.query_one("#l-person", Input).value = "Xu Jing"
        app.screen.query_one("#l-shift").value = "day"  # type: ignore[attr-defined]
        first = app.screen.query_one("#l-first", Input)
        first.value = (DAY + timedelta(days=1)).isoformat()  # tomorrow 08:00: not a day ahead
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "a day ahead" in _error(app), what="the rule's refusal")
        assert app.screen.query_one("#l-person", Input).value == "Xu Jing"  # kept
        first.value = (DAY + timedelta(days=2)).isoformat()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is registers, what="saved")
        leave = registers.query_one("#leave-table", DataTable)
        await until(pilot, lambda: leave.row_count == 1, what="the register shows it")
        # the demo's user is the department head: one day of leave is theirs to approve
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RegisterActionForm), what="approve form")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is registers, what="approved")
        await until(pilot, lambda: "approved" in " ".join(str(c) for c in leave.get_row_at(0)), what="approved")
    with Store(db, clock=ManualClock(instant()), read_only=True) as store:
        assert [(x.person, x.day) for x in store.approved_leave(DAY, DAY + timedelta(days=3))] == [
            ("Xu Jing", DAY + timedelta(days=2))
        ]
