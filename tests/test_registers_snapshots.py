"""What a supervisor sees on the register screen (`L`) and in a refused leave form
(pytest-textual-snapshot). Fixed data, a fixed clock at 2026-11-23 10:00 local time, so
nothing on screen depends on the wall clock or the zone. Update with
`pytest tests/test_registers_snapshots.py --snapshot-update` after checking the SVGs by eye."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from support.fixed_floor import day_instant
from support.waiting import until
from test_forms import Host, settle, type_into
from test_registers_console import AGENTS, PEOPLE, import_roster
from textual.pilot import Pilot

from floorconsole.clock import ManualClock
from floorconsole.config import DEFAULT_SHIFTS, Config
from floorconsole.identity import Actor
from floorconsole.store import Store, StoreService
from floorconsole.store.registers import RegisterSettings
from screens.forms.leave_form import LeaveForm
from screens.registers_screen import RegistersScreen

T = day_instant()
LI = Actor("Li Na", "tester", "pts/9")
WANG = Actor("Wang Fang", "wang", "pts/3")
ZHOU = Actor("Zhou Min", "zhou", "pts/4")


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StoreService]:
    clock = ManualClock(T)
    settings = RegisterSettings(AGENTS)
    with Store(tmp_path / "f.db", clock=clock, people=PEOPLE, registers=settings) as store:
        import_roster(store)
        leave = store.request_leave("Xu Jing", "ordinary", date(2026, 11, 29), "day", LI, reason="family")
        store.approve_leave(leave.id, ZHOU)
        store.request_leave("Ma Wei", "sick", date(2026, 11, 24), "day", LI, doctor_note=True)
        swap = store.request_swap("Xu Jing", date(2026, 11, 25), "day", "Ma Wei", date(2026, 11, 27), "day", LI)
        store.approve_swap(swap.id, LI)
        store.approve_swap(swap.id, WANG)
    svc = StoreService(tmp_path / "f.db", clock=clock, people=PEOPLE, registers=settings)
    yield svc
    svc.close()


def test_register_screen(snap_compare, service: StoreService) -> None:
    config = Config(shifts=DEFAULT_SHIFTS)

    async def loaded(pilot: Pilot) -> None:
        await settle(pilot, pilot.app)

    screen = lambda: RegistersScreen(service, LI, config, clock=lambda: T)  # noqa: E731
    assert snap_compare(Host(screen), terminal_size=(140, 24), run_before=loaded)


def test_leave_form_refused(snap_compare, service: StoreService) -> None:
    async def refused(pilot: Pilot) -> None:
        await settle(pilot, pilot.app)
        await type_into(pilot, "#l-person", "Xu Jing")
        await type_into(pilot, "#l-first", "2026-11-24")
        pilot.app.screen.query_one("#l-shift").value = "day"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "a day ahead" in str(pilot.app.screen.query_one("#form-error").render()))
        await settle(pilot, pilot.app)

    form = lambda: LeaveForm(service, LI, DEFAULT_SHIFTS)  # noqa: E731
    assert snap_compare(Host(form), terminal_size=(80, 24), run_before=refused)
