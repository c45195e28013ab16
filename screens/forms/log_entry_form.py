"""`h`: a duty/handover log entry (值班日志). The log is append-only: entries are never
edited; `CorrectionForm` writes a new entry that points at the one it corrects."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Select, Static, TextArea

from floorconsole.i18n import N_, _
from floorconsole.log_kinds import LOG_KINDS as ALL_KINDS
from floorconsole.store import Store

from .base import FormScreen, Problems, StoreCall, field_row

# (stored value, label shown): the kinds a supervisor writes by hand (floorconsole/log_kinds.py).
LOG_KINDS: tuple[tuple[str, str], ...] = tuple((k.key, k.name) for k in ALL_KINDS if k.by_hand)
KIND_LABELS = {k.key: k.name for k in ALL_KINDS}
MIN_BODY_CHARS = 3


def kind_select(value: str = "general") -> Select[str]:
    return Select(
        [(label, kind) for kind, label in LOG_KINDS],
        value=value if value in dict(LOG_KINDS) else "general",
        allow_blank=False,
        id="kind",
        compact=True,
    )


def check_body(body: str, problems: Problems) -> None:
    if not body:
        problems.add("body", _("Write the entry: the log has nothing to hand over otherwise."))
    elif len(body) < MIN_BODY_CHARS:
        problems.add("body", _("Entry too short (at least {n} characters).").format(n=MIN_BODY_CHARS))


class LogEntryForm(FormScreen[Any]):
    """Kind and body. Dismisses with the store's result (the new entry) or `None`."""

    FORM_TITLE = N_("Duty log entry 值班日志")
    # `h` then typing goes straight into the entry; the kind is one shift+tab away.
    AUTO_FOCUS = "#body"

    def __init__(self, service: Any, actor: Any) -> None:
        super().__init__(service, actor)

    def compose_form(self) -> ComposeResult:
        yield field_row(_("Kind"), kind_select())
        yield Static(_("Entry (ctrl+s saves; entries cannot be edited later)"), classes="hint")
        yield TextArea(id="body", compact=True, show_line_numbers=False, soft_wrap=True)

    def collect(self, problems: Problems) -> dict[str, str]:
        kind = self.query_one("#kind", Select).value
        body = self.query_one("#body", TextArea).text.strip()
        check_body(body, problems)
        return {"kind": str(kind), "body": body}

    def store_call(self, values: dict[str, str]) -> StoreCall:
        return StoreCall(Store.add_entry, (values["kind"], values["body"], self.actor))
