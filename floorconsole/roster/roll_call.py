"""The roll call at shift start (点名): who is present, late, absent or on leave.

`prefill` marks everyone expected on the shift from the floor (logged in: present, or late
when the late flag is already up) and the leave register (on leave); the supervisor may change
a mark before it is recorded. `summary` is the duty-log line it becomes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date

from floorconsole.i18n import N_, _
from floorconsole.roster.expected import ExpectedFloor
from floorconsole.roster.model import RollCallMark

# The roll call's note for someone who came in on a day of approved leave, by leave kind.
CAME_IN_ON_LEAVE: dict[str, str] = {
    "ordinary": N_("on ordinary leave, came in"),
    "urgent": N_("on urgent leave, came in"),
    "sick": N_("on sick leave, came in"),
    "night": N_("on night-shift leave, came in"),
    "holiday": N_("on holiday leave, came in"),
}

MARKS: tuple[RollCallMark, ...] = ("present", "late", "absent", "on_leave")
MARK_LABELS: dict[str, str] = {"present": "present", "late": "late", "absent": "absent", "on_leave": "on leave"}


@dataclass(frozen=True)
class RollCallLine:
    """One person's mark at the roll call."""

    person: str
    group: str
    mark: RollCallMark
    note: str = ""  # "covers Li Na" (a swap), "sick" (the leave's kind)

    def with_mark(self, mark: RollCallMark) -> RollCallLine:
        return replace(self, mark=mark)


def next_mark(mark: RollCallMark) -> RollCallMark:
    """The mark after `mark` in the order a key cycles through them."""
    return MARKS[(MARKS.index(mark) + 1) % len(MARKS)]


def prefill(
    expected: ExpectedFloor, day: date, shift: str, logged_in: Collection[str], late: Collection[str] = ()
) -> list[RollCallLine]:
    """Everyone expected on (day, shift), and everyone on leave from it, marked from the floor
    (someone on leave who is logged in anyway is present, the note saying so)."""
    lines = []
    for e in expected.expected(day, shift):
        if e.person in logged_in:
            mark: RollCallMark = "late" if e.person in late else "present"
        else:
            mark = "absent"
        note = _("covers {person}").format(person=e.covers) if e.covers else ""
        lines.append(RollCallLine(e.person, e.group, mark, note))
    for person, leave in sorted(expected.on_leave.get((day, shift), {}).items()):
        if person in logged_in:
            # came in despite approved leave: here, so present, with the leave said
            note = _(CAME_IN_ON_LEAVE.get(leave.kind, CAME_IN_ON_LEAVE["ordinary"]))
            lines.append(RollCallLine(person, "", "present", note))
        else:
            lines.append(RollCallLine(person, "", "on_leave", leave.kind))
    return lines


def counts(lines: Sequence[RollCallLine]) -> dict[str, int]:
    """Marks counted, every mark present (0 when nobody has it)."""
    out: dict[str, int] = dict.fromkeys(MARKS, 0)
    for line in lines:
        out[line.mark] += 1
    return out


def summary(shift_key: str, lines: Sequence[RollCallLine]) -> str:
    """The duty-log entry of a roll call: the counts, then who was late, absent, on leave."""
    c = counts(lines)
    head = _(
        "Roll call 点名 {shift}: {n} expected; present {present}, late {late}, absent {absent}, on leave {leave}."
    ).format(
        shift=shift_key,
        n=len(lines),
        present=c["present"],
        late=c["late"],
        absent=c["absent"],
        leave=c["on_leave"],
    )
    parts = [head]
    for mark, label in (("late", _("Late")), ("absent", _("Absent")), ("on_leave", _("On leave"))):
        names = [
            f"{ln.person} ({ln.note})" if ln.note and mark == "on_leave" else ln.person
            for ln in lines
            if ln.mark == mark
        ]
        if names:
            parts.append(f"{label}: {', '.join(names)}.")
    return " ".join(parts)
