"""`a`: note an attendance flag as allowed (e.g. sent to recover after a hard call), with why.

An allowed flag stays on record but is not counted (DOMAIN.md: the supervisor may let an
agent step away). The flag is picked from this shift's flags not yet allowed; the one of the
selected seat's person comes first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from floorconsole import glyphs
from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.roster.model import AttendanceFlag
from floorconsole.store import Store
from screens.attendance_panel import KIND_LABELS
from screens.forms.base import FormScreen, Problems, StoreCall, field_row


def flag_label(flag: AttendanceFlag) -> Text:
    """The flag as the picker shows it, literally (a name from the feed is never markup)."""
    when = datetime.fromtimestamp(flag.started_at).strftime("%H:%M")
    sep = glyphs.current().separator
    minutes = _("{n} min").format(n=flag.minutes)
    return Text(f"{when} {printable(flag.person)} {sep} {_(KIND_LABELS[flag.kind])} {sep} {minutes}")


class AllowFlagForm(FormScreen[Any]):
    """Which flag and why it is allowed; dismisses with the updated `AttendanceFlag`."""

    FORM_TITLE = N_("Attendance flag allowed 出勤 · 准许")
    AUTO_FOCUS = "#note"

    def form_title(self) -> str:
        return _(self.FORM_TITLE)

    def __init__(self, service: Any, actor: Any, flags: list[AttendanceFlag], person: str = "") -> None:
        super().__init__(service, actor)
        first = [f for f in flags if f.person == person]
        self.flags = first + [f for f in flags if f.person != person]

    def compose_form(self) -> ComposeResult:
        yield field_row(
            _("Flag"),
            Select(
                [(flag_label(f), f.id) for f in self.flags],
                value=self.flags[0].id,
                allow_blank=False,
                id="flag",
                compact=True,
            ),
        )
        yield Static(_("Why is it allowed? (it is then not counted; the flag stays on record)"), classes="hint")
        yield Input(id="note", placeholder=_("e.g. sent to recover after a hard call"), compact=True)

    def collect(self, problems: Problems) -> dict[str, Any]:
        flag_id = self.query_one("#flag", Select).value
        note = self.query_one("#note", Input).value.strip()
        if len(note) < 3:
            problems.add("note", _("Say why it is allowed (at least 3 characters)."))
        return {"flag_id": flag_id, "note": note}

    def store_call(self, values: dict[str, Any]) -> StoreCall:
        return StoreCall(Store.allow_attendance_flag, (values["flag_id"], values["note"], self.actor))
