"""The one clock: the only module that reads the wall clock.

Time is an input. The composition root (`floorconsole.wiring`) hands one `Clock` to every
component (engine, store, console, reports); a test hands them a `ManualClock` instead.
`tests/test_clock_discipline.py` fails if any other module of `floorconsole/` or
`screens/` reads the time of day on its own (`time.time`, `datetime.now`, `date.today`,
`time.localtime()` ...). Intervals (timeouts, frame pacing) use `time.monotonic`, which
says nothing about the time of day and may be read anywhere.

Local times (shifts, the header clock, report dates) are in the process's time zone;
`apply_time_zone` sets it once at start-up from the config's `floor.timezone`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from floorconsole.i18n import _

Clock = Callable[[], float]
"""A clock is a callable returning Unix seconds."""


def system_clock() -> float:
    """The wall clock, in Unix seconds. Only the composition root hands this out."""
    return time.time()


class ManualClock:
    """A clock that moves only when told to (tests, replays, screenshots)."""

    def __init__(self, t: float) -> None:
        self.t = float(t)

    def __call__(self) -> float:
        return self.t

    def set(self, t: float) -> None:
        """Jump to `t` (Unix seconds)."""
        self.t = float(t)

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds`; returns the new time."""
        self.t += seconds
        return self.t

    def __repr__(self) -> str:
        return f"ManualClock({self.t!r})"


class TickingClock:
    """A clock that starts at a chosen instant and runs at real speed from there
    (a live demo or test "at 10:00 on a Monday", whatever the wall clock says)."""

    def __init__(self, start: float) -> None:
        self.start = float(start)
        self._origin = time.monotonic()

    def __call__(self) -> float:
        return self.start + (time.monotonic() - self._origin)

    def __repr__(self) -> str:
        return f"TickingClock(start={self.start!r})"


def wall_clock(timezone: str | None = None) -> Clock:
    """The wall clock in the floor's zone (`timezone`, an IANA name; None keeps the
    machine's): what a running program uses. ValueError for an unknown zone."""
    apply_time_zone(timezone)
    return system_clock


def apply_time_zone(name: str | None) -> None:
    """Make `name` (an IANA zone such as `Asia/Shanghai`) the process's local zone.

    Called once by the composition root before anything computes a shift; None keeps the
    machine's zone. Raises ValueError for a zone the system does not know."""
    if not name:
        return
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            _("unknown time zone {name} (an IANA name such as Asia/Shanghai)").format(name=repr(name))
        ) from None
    os.environ["TZ"] = name
    time.tzset()
