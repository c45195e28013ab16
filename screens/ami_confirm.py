"""The AMI keys' dialogs: a yes/no confirmation (take over, remove from a queue, hang up)
and the pause reason. Both are modal; neither touches AMI or the records: they answer the
question and `screens/ami_actions.py` acts on the answer."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from floorconsole.i18n import _
from screens.forms.base import FORMS_CSS, literal

# Reasons offered as a hint (the agent's own breaks are the feed's; these are a supervisor's).
PAUSE_HINT = "e.g. coaching, meeting, system problem, after a difficult call"
MAX_REASON = 60


class AmiConfirm(ModalScreen[bool]):
    """`y`/Enter does it (True); `n`/Escape leaves the call as it is (False)."""

    CSS_PATH = str(FORMS_CSS)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", priority=True),
        Binding("n,escape", "answer(False)", "No", priority=True),
    ]

    def __init__(self, title: str, lines: list[str], confirm: str) -> None:
        super().__init__(classes="form-screen")
        self.title_text, self.lines, self.confirm = title, lines, confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(literal(self.title_text), id="form-title")
            for line in self.lines:
                yield Static(literal(line), classes="info")
            yield Static(
                literal(_("y / enter: {confirm} · n / esc: leave it").format(confirm=self.confirm)), classes="hint"
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PauseReason(ModalScreen["str | None"]):
    """The reason for pausing an agent: required, at most 60 characters, one line.
    Enter pauses; Escape cancels. A refused reason says why and keeps what was typed."""

    CSS_PATH = str(FORMS_CSS)
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", priority=True)]

    def __init__(self, who: str) -> None:
        super().__init__(classes="form-screen")
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(literal(_("Pause {who}").format(who=self.who)), id="form-title")
            yield Static(literal(_("Reason (written to queue_log and the audit):")), classes="info")
            yield Input(placeholder=_(PAUSE_HINT), id="reason")
            yield Static("", id="reason-error", classes="error")
            yield Static(literal(_("enter: pause in all of the agent's queues · esc: cancel")), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        error = self.query_one("#reason-error", Static)
        if not reason:
            error.update(literal(_("Give a reason: the agent and the queue log will show it.")))
            return
        if len(reason) > MAX_REASON or "|" in reason or any(ord(c) < 32 for c in reason):
            error.update(
                literal(_("The reason must be one line of at most {n} characters, without '|'.").format(n=MAX_REASON))
            )
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
