"""Attendance flags from the live floor: late, off post, a long meal, logged in unrostered.

`AttendanceDetector` is pure and incremental: it is fed every changed seat (`observe`, from
the engine's `FloorUpdate`s) and the expected floor (`set_expected`), and asked once in a
while what time it is (`tick(now)`). It answers with the episodes that just crossed a
threshold (`AttendanceFlag`, once per episode) and those that just ended (`FlagEnded`, with
how long they lasted). It keeps one small record per seat and the episodes of the shifts in
progress, never the events themselves, so its memory is bounded by the floor's size.

The rules (DOMAIN.md, "Rosters, leave and swaps"; thresholds in `[attendance]`):
- late: expected on a shift (rostered, or covering by a swap; not on leave) and not logged in
  `late_min` (20) minutes or more after it started; the episode starts at the shift's start;
- off post: during a shift they are expected on and came to, logged off or paused with a
  reason that is neither allowed (training, meeting ...) nor a meal, `off_post_min` (20)
  minutes or more;
- long meal: a meal pause longer than `meal_max_min` (60) minutes (60 is allowed, 61 is not);
- unrostered: logged in during a shift of a day the roster covers without being expected on
  it, `unrostered_grace_min` (15) minutes or more (those finishing a call after their shift
  are not flagged).

Someone on approved leave from the shift who logs in anyway is not flagged: they are rostered
(the leave took them off the shift, not the roster), so it is no unrostered working; the panel
lists them as on leave and logged in, and the roll call marks them present.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from floorconsole.roster.expected import ExpectedFloor, shift_window
from floorconsole.roster.model import AttendanceFlag, AttendanceKind
from floorconsole.roster.settings import AttendanceSettings
from floorconsole.shifts import ShiftDef, ShiftWindow
from floorconsole.views import SeatView

LOGGED_OFF = "LOGGED_OFF"
PAUSED = "PAUSED"


@dataclass(frozen=True)
class FlagEnded:
    """A flagged episode is over: it lasted `minutes` (late: how late they came)."""

    person: str
    kind: AttendanceKind
    shift_key: str
    started_at: float
    minutes: int


@dataclass
class _Seat:
    """What the detector keeps per seat: its state now and when the logged-in spell began."""

    name: str
    state: str = LOGGED_OFF
    since: float | None = None
    reason: str = ""
    login_at: float | None = None  # start of the current logged-in spell
    last_present: float | None = None  # latest moment known logged in

    @property
    def logged_in(self) -> bool:
        return self.state != LOGGED_OFF


@dataclass
class _Episode:
    flag: AttendanceFlag
    window_end: float


@dataclass
class AttendanceDetector:
    """Incremental attendance rules over the floor's seats (see the module docstring)."""

    shifts: Sequence[ShiftDef]
    settings: AttendanceSettings = field(default_factory=AttendanceSettings)
    expected: ExpectedFloor = field(default_factory=ExpectedFloor)
    _seats: dict[str, _Seat] = field(default_factory=dict)  # by agent (feed identity)
    _people: set[str] = field(default_factory=set)  # every person the expected floor names
    _person: dict[str, str] = field(default_factory=dict)  # agent -> person, kept as seats come
    _by_person: dict[str, _Seat] = field(default_factory=dict)  # person -> their seat (logged in first)
    _open: dict[tuple[str, str, str, float], _Episode] = field(default_factory=dict)
    _done: dict[tuple[str, str, str, float], float] = field(default_factory=dict)  # key -> window end

    # ---- inputs -------------------------------------------------------------------

    def set_expected(self, expected: ExpectedFloor) -> None:
        """A new expected floor (the roster, leave or swaps changed)."""
        self.expected = expected
        people: set[str] = set()
        for slot in expected.slots.values():
            people.update(slot)
        for leave in expected.on_leave.values():
            people.update(leave)
        self._people = people
        self._person = {agent: self._resolve(agent, seat) for agent, seat in self._seats.items()}
        self._by_person = {}
        for agent, seat in self._seats.items():
            self._place(self._person[agent], seat)

    def observe(self, seats: Iterable[SeatView], now: float) -> None:
        """Take in changed seats (what a `FloorUpdate` carries)."""
        for view in seats:
            seat = self._seats.get(view.agent)
            if seat is None:
                seat = self._seats[view.agent] = _Seat(view.name or view.agent)
                was_in = False
            else:
                was_in = seat.logged_in
            if seat.name != (view.name or view.agent) or view.agent not in self._person:
                seat.name = view.name or view.agent
                self._person[view.agent] = self._resolve(view.agent, seat)
            seat.state, seat.since, seat.reason = view.state, view.since, view.pause_reason
            if seat.logged_in:
                if not was_in or seat.login_at is None:
                    seat.login_at = view.since if view.since is not None else now
                seat.last_present = now
            else:
                if was_in:
                    seat.last_present = view.since if view.since is not None else now
                elif view.since is not None:
                    # logged off at `since`: so logged in just before it
                    seat.last_present = max(seat.last_present or view.since, view.since)
                seat.login_at = None
            self._place(self._person[view.agent], seat)

    def _resolve(self, agent: str, seat: _Seat) -> str:
        if agent in self._people:
            return agent
        return seat.name if seat.name in self._people else (seat.name or agent)

    def _place(self, person: str, seat: _Seat) -> None:
        # two seats under one name: the one logged in counts
        held = self._by_person.get(person)
        if held is None or held is seat or seat.logged_in or not held.logged_in:
            self._by_person[person] = seat

    def person_of(self, agent: str) -> str:
        """The roster's name for a seat: its agent id, or its name, as the roster has it."""
        return self._person.get(agent, agent)

    # ---- the rules ------------------------------------------------------------------

    def active_windows(self, now: float) -> list[ShiftWindow]:
        """The configured shifts in progress at `now` (local time)."""
        today = datetime.fromtimestamp(now).date()
        out = []
        for day in (today - timedelta(days=1), today):
            for s in self.shifts:
                w = shift_window(self.shifts, day, s.name)
                if w.start.timestamp() <= now < w.end.timestamp():
                    out.append(w)
        return out

    def tick(self, now: float) -> list[AttendanceFlag | FlagEnded]:
        """What crossed a threshold or ended since the last tick."""
        out: list[AttendanceFlag | FlagEnded] = []
        by_person = self._by_person
        active: dict[tuple[str, str, str, float], None] = {}
        for w in self.active_windows(now):
            start, end = w.start.timestamp(), w.end.timestamp()
            day = w.start.date()
            expected = self.expected.slots.get((day, w.name), {})
            for person in expected:
                for kind, began in self._expected_rules(by_person.get(person), start, now):
                    active[self._raise(out, person, kind, w.key, began, now, end)] = None
            if day in self.expected.days:
                on_leave = self.expected.on_leave.get((day, w.name), {})
                for person, seat in by_person.items():
                    if not seat.logged_in or person in expected or seat.login_at is None:
                        continue
                    if person in on_leave:
                        continue  # came in despite approved leave: shown as such, not "unrostered"
                    began = max(seat.login_at, start)
                    if now - began >= self.settings.unrostered_grace_min * 60:
                        active[self._raise(out, person, "unrostered", w.key, began, now, end)] = None
        self._close(out, active, by_person, now)
        return out

    def _expected_rules(self, seat: _Seat | None, start: float, now: float) -> list[tuple[AttendanceKind, float]]:
        """The conditions holding now for someone expected on the shift that began at `start`."""
        s = self.settings
        came = seat is not None and (seat.logged_in or (seat.last_present is not None and seat.last_present >= start))
        if not came:
            return [("late", start)] if now - start >= s.late_min * 60 else []
        assert seat is not None
        began = max(seat.since if seat.since is not None else start, start)
        if seat.state == PAUSED and s.is_meal(seat.reason):
            meal_began = seat.since if seat.since is not None else start
            return [("long_meal", meal_began)] if now - meal_began > s.meal_max_min * 60 else []
        off = seat.state == LOGGED_OFF or (seat.state == PAUSED and not s.is_allowed_pause(seat.reason))
        if off and now - began >= s.off_post_min * 60:
            return [("off_post", began)]
        return []

    def _raise(
        self,
        out: list[AttendanceFlag | FlagEnded],
        person: str,
        kind: AttendanceKind,
        shift_key: str,
        began: float,
        now: float,
        window_end: float,
    ) -> tuple[str, str, str, float]:
        key = (person, kind, shift_key, began)
        if key not in self._open and key not in self._done:
            flag = AttendanceFlag(person, kind, shift_key, began, int((now - began) // 60))
            self._open[key] = _Episode(flag, window_end)
            out.append(flag)
        return key

    def _close(
        self,
        out: list[AttendanceFlag | FlagEnded],
        active: dict[tuple[str, str, str, float], None],
        by_person: dict[str, _Seat],
        now: float,
    ) -> None:
        for key in [k for k in self._open if k not in active]:
            ep = self._open.pop(key)
            person, shift_key, began = key[0], key[2], key[3]
            kind = ep.flag.kind
            end = min(now, ep.window_end)
            seat = by_person.get(person)
            if kind == "late" and seat is not None and seat.login_at is not None:
                end = min(end, max(seat.login_at, began))
            elif kind != "late" and seat is not None and seat.since is not None and seat.since > began:
                end = min(end, seat.since)  # the state that ended it began then
            out.append(FlagEnded(person, kind, shift_key, began, int(max(0.0, end - began) // 60)))
            self._done[key] = ep.window_end
        # forget finished episodes once their shift is over: memory stays per shift in progress
        for key in [k for k, w_end in self._done.items() if w_end <= now]:
            del self._done[key]

    def open_flags(self) -> list[AttendanceFlag]:
        """Episodes flagged and still going on."""
        return [ep.flag for ep in self._open.values()]

    def logged_in_people(self) -> set[str]:
        """The people (roster names) logged in now."""
        return {p for p, s in self._by_person.items() if s.logged_in}
