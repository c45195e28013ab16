"""Attendance on the main screen: who is rostered now against who is logged in.

`AttendanceWatch` is the console's display of attendance. The recording is the domain's
`AttendanceRecorder` (floorconsole/roster/attendance_recorder.py, the same one `floorconsole
watch` runs headless): the App hands it every changed seat (no polling) and the time once a
second, and it records each flag once through the store service and reloads the expected
floor when the records change or the shift does. The watch keeps only what the screens show:
the seat marks, who is absent, the roll call prefill. `AttendancePanel` lists this shift's
flags (allowed ones marked), the people rostered now who are not logged in, those on leave
who came in anyway, and swap warnings for shifts about to start. It stays hidden while there
is no roster for today and nothing to say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.widgets import Static

from floorconsole import glyphs
from floorconsole.config import Config
from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.roster.attendance import AttendanceDetector
from floorconsole.roster.attendance_recorder import DETECT_EVERY_S, AttendanceRecorder
from floorconsole.roster.expected import ExpectedFloor, SwapWarning, warnings_due
from floorconsole.roster.model import AttendanceFlag
from floorconsole.roster.roll_call import RollCallLine, prefill
from floorconsole.shifts import ShiftWindow
from floorconsole.store import Store
from floorconsole.views import SeatView

__all__ = ["DETECT_EVERY_S", "KIND_LABELS", "AttendancePanel", "AttendanceWatch"]

KIND_LABELS = {
    "late": N_("late"),
    "off_post": N_("off post"),
    "long_meal": N_("long meal"),
    "unrostered": N_("not rostered"),
}
MARK_ROSTERED, MARK_UNROSTERED, MARK_FLAGGED = "✓", "·", "⚑"


class AttendanceWatch:
    """The console's attendance: the recorder (detector, expected floor, this shift's recorded
    flags) and what the screens show of it."""

    def __init__(self, service: Any, config: Config, actor: Any) -> None:
        self.service = service
        self.config = config
        self.actor = actor
        self.recorder = AttendanceRecorder(service, config, actor)
        self.roll_call_taken = False  # this shift's roll call is in the duty log
        self._expected_now: set[str] = set()
        self._flagged_now: set[str] = set()

    # The recorder's state, read and set through the watch as before.
    @property
    def detector(self) -> AttendanceDetector:
        return self.recorder.detector

    @property
    def expected(self) -> ExpectedFloor:
        return self.recorder.expected

    @expected.setter
    def expected(self, value: ExpectedFloor) -> None:
        self.recorder.expected = value

    @property
    def flags(self) -> list[AttendanceFlag]:
        """Recorded flags of the shift in progress."""
        return self.recorder.flags

    @flags.setter
    def flags(self, value: list[AttendanceFlag]) -> None:
        self.recorder.flags = value

    @property
    def shift(self) -> ShiftWindow | None:
        return self.recorder.shift

    @shift.setter
    def shift(self, value: ShiftWindow | None) -> None:
        self.recorder.shift = value

    @property
    def loaded(self) -> bool:
        return self.recorder.loaded

    @loaded.setter
    def loaded(self, value: bool) -> None:
        self.recorder.loaded = value

    @property
    def pending(self) -> list[Any]:
        """Futures of writes not yet done (tests wait on these)."""
        return self.recorder.pending

    # ---- from the floor -----------------------------------------------------------

    def observe(self, seats: Iterable[SeatView], now: float) -> None:
        self.recorder.observe(seats, now)

    def tick(self, now: float, live: bool = True) -> bool:
        """Run the rules and record what they found, once the feed is caught up (`live`: a
        backfill half read would show people as absent). True when the shift changed."""
        return self.recorder.tick(now, live)

    # ---- from the records -----------------------------------------------------------

    async def reload(self, now: float) -> None:
        """Read the expected floor (yesterday to tomorrow: a night shift, the warnings), this
        shift's recorded flags and whether its roll call is taken."""
        await self.recorder.reload(now)
        shift = self.recorder.shift
        assert shift is not None
        calls = await asyncio.wrap_future(self.service.submit(Store.list_roll_calls, shift.key))
        self.roll_call_taken = bool(calls)
        self._expected_now = set(self.expected.slots.get((shift.start.date(), shift.name), {}))
        self._flagged_now = {f.person for f in self.flags if not f.allowed}

    # ---- what the screens show --------------------------------------------------------

    @property
    def has_roster_today(self) -> bool:
        return self.shift is not None and self.shift.start.date() in self.expected.days

    def mark_for(self, agent: str) -> str:
        """The seat table's mark: rostered now, not rostered, or flagged this shift."""
        person = self.detector.person_of(agent)
        if person in self._flagged_now:
            return glyphs.current().flag
        return glyphs.current().check if person in self._expected_now else glyphs.current().dot

    @property
    def expected_count(self) -> int:
        """How many people are expected on the shift in progress."""
        return len(self._expected_now)

    def absent_now(self) -> list[str]:
        """Rostered on the shift in progress and not logged in."""
        here = self.detector.logged_in_people()
        return sorted(p for p in self._expected_now if p not in here)

    def on_leave_here(self) -> list[str]:
        """On approved leave from the shift in progress and logged in anyway (not flagged)."""
        if self.shift is None:
            return []
        leave = self.expected.on_leave.get((self.shift.start.date(), self.shift.name), {})
        here = self.detector.logged_in_people()
        return sorted(p for p in leave if p in here)

    def warnings(self, now: float) -> list[SwapWarning]:
        return warnings_due(self.expected, self.config.shifts, now, self.config.roster.attendance.warn_ahead_h)

    def roll_call_lines(self) -> list[RollCallLine]:
        """The roll call of the shift in progress, prefilled from the floor and the leave register."""
        if self.shift is None:
            return []
        late = {f.person for f in self.flags if f.kind == "late"}
        return prefill(self.expected, self.shift.start.date(), self.shift.name, self.detector.logged_in_people(), late)

    def open_flags(self) -> list[AttendanceFlag]:
        """This shift's recorded flags not noted as allowed, newest first."""
        return sorted((f for f in self.flags if not f.allowed and f.id), key=lambda f: -f.started_at)


class AttendancePanel(Static):
    """This shift's attendance: flags, rostered people not logged in, swap warnings."""

    DEFAULT_CSS = """
    AttendancePanel {
        height: auto;
        max-height: 12;
        border: round $secondary;
        border-title-color: $text;
        padding: 0 1;
        display: none;
    }
    AttendancePanel.-shown { display: block; }
    """

    def on_mount(self) -> None:
        self.border_title = _("Attendance 出勤")

    def show(self, watch: AttendanceWatch, now: float) -> None:
        """Redraw from the watch (after a reload, a new flag, the minute moving)."""
        warnings = watch.warnings(now)
        shown = watch.has_roster_today or bool(watch.flags) or bool(warnings)
        self.set_class(shown, "-shown")
        if not shown:
            return
        text = Text()
        if watch.shift is not None:
            expected = watch.expected_count
            absent = watch.absent_now()
            text.append(
                _("{shift}: {n} rostered, {here} logged in").format(
                    shift=watch.shift.name, n=expected, here=expected - len(absent)
                )
            )
            if expected and not watch.roll_call_taken:
                text.append("\n" + _("Roll call 点名 not taken yet (C)"), style="bold cyan")
            if absent:
                text.append("\n" + _("Not logged in: "), style="bold")
                text.append(
                    printable(", ".join(absent[:20])) + (" " + glyphs.current().ellipsis if len(absent) > 20 else "")
                )
            came = watch.on_leave_here()
            if came:
                text.append("\n" + _("On leave, logged in anyway: "), style="bold")
                text.append(
                    printable(", ".join(came[:20])) + (" " + glyphs.current().ellipsis if len(came) > 20 else "")
                )
        for f in sorted(watch.flags, key=lambda f: f.started_at):
            text.append("\n")
            when = datetime.fromtimestamp(f.started_at).strftime("%H:%M")
            line = f"{when} {printable(f.person)} {_(KIND_LABELS[f.kind])} {f.minutes} min"
            if f.allowed:
                text.append(
                    f"{glyphs.current().check} "
                    + line
                    + f" {glyphs.current().separator} "
                    + _("allowed")
                    + f": {printable(f.allowed_note)}",
                    style="dim",
                )
            else:
                text.append(glyphs.current().flag + " " + line, style="bold yellow")
        for w in warnings:
            text.append("\n! " + printable(w.text()), style="bold red")
        self.update(text)
