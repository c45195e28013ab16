"""Shared fixtures and the suite's determinism switches.

Time is an input. The product reads the wall clock only through the clock the composition
root hands out; tests hand a fixed `ManualClock` instead. To prove that nothing depends on
the hour the suite happens to run at, CI runs the time-sensitive tests (marked
`timesensitive` by module below) again at chosen instants and zones:

    TZ=Europe/Berlin pytest -m timesensitive --instant 2026-03-29T01:59:50

`--instant` (local time in the process's zone) moves the wall clock of the whole session
with time-machine, from before collection, so module-level constants see it too; it keeps
ticking. The zone is the process's own (`TZ=`), as on a machine set up that way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from floorconsole import i18n
from floorconsole.clock import ManualClock

# English unless a test asks for another language, whatever the machine's LANG: the
# snapshots and the messages tests look for are English. LANGUAGE (gettext's first choice)
# reaches the `floorconsole` subprocesses the tests start, too.
os.environ["LANGUAGE"] = "en"
i18n.set_language("en")

# Modules whose behaviour depends on the time of day, the date or the zone. CI runs them
# again at fixed instants (.ci/run): the rules at every instant (cheap, no screen), the
# consoles and commands at the instants that cross the most at once (midnight at a month's
# end, which is also a shift boundary, and the repeated hour of a DST change).
# - `clockrules`: shift windows, boundaries and deadlines, computed without a screen.
CLOCK_RULE_MODULES = frozenset(
    {
        "test_alerts",
        "test_handover_gather",
        "test_handover_window",
        "test_reports_month",
        "test_reminders",
        "test_store_records",
        "test_leave_rules",
        "test_swap_rules",
        "test_registers_store",
        "test_attendance",
        "test_roster_expected",
    }
)
# - `timesensitive`: those, and the consoles, demos and commands built on them.
TIME_SENSITIVE_MODULES = CLOCK_RULE_MODULES | frozenset(
    {
        "test_app",
        "test_ami_console",
        "test_demo",
        "test_handover_flow",
        "test_report",
        "test_review_snapshots",
        "test_stats",
        "test_cli_records",
        "test_watch",
        "test_registers_cli",
        "test_registers_console",
        "test_attendance_panel",
        "test_roster_cli",
        "test_roll_call",
    }
)

_traveller = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--instant",
        default=os.environ.get("FLOORCONSOLE_TEST_INSTANT"),
        help="run the session at this local time (ISO 8601, e.g. 2026-11-30T03:00:00); the clock ticks on",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "timesensitive: depends on the time of day, date or zone (run at several instants in CI)"
    )
    config.addinivalue_line("markers", "clockrules: time-dependent rules without a screen (run at every CI instant)")
    instant = config.getoption("--instant")
    if instant:
        import time_machine

        global _traveller
        moment = datetime.fromisoformat(instant)
        if moment.tzinfo is None:
            moment = moment.astimezone()  # local time in the process's zone (TZ=...)
        _traveller = time_machine.travel(moment, tick=True)
        _traveller.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config: pytest.Config) -> str:
    instant = config.getoption("--instant")
    zone = os.environ.get("TZ") or "machine default"
    return f"floorconsole: instant {instant or 'now (wall clock)'}, zone {zone}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        name = item.module.__name__.rpartition(".")[2] if item.module is not None else ""
        if name in TIME_SENSITIVE_MODULES:
            item.add_marker(pytest.mark.timesensitive)
        if name in CLOCK_RULE_MODULES:
            item.add_marker(pytest.mark.clockrules)


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that switches to zh_CN does not leave the next one in Chinese."""
    yield
    if i18n.current_language() != "en":
        i18n.set_language("en")


@pytest.fixture
def zh_cn() -> Iterator[None]:
    """The console in Chinese for one test (back to English after it)."""
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (Textual's loop)."""
    return "asyncio"


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock at 2026-11-23 10:00 local time (a day shift), moved only by the test."""
    return ManualClock(datetime(2026, 11, 23, 10, 0).astimezone().timestamp())


@pytest.fixture
def utc_zone() -> Iterator[None]:
    """Pin the process's local zone to UTC for one test (pictures that show local times).

    Uses time-machine's zone switch and restores the zone afterwards; the wall clock keeps
    ticking from the session's instant, which these tests do not read anyway."""
    import time

    import time_machine

    here = datetime.fromtimestamp(time.time(), ZoneInfo("UTC"))
    with time_machine.travel(here, tick=True):
        yield
