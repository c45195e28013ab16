"""`c` on a log entry: shows the original read-only and writes a new entry (kind
"correction") that refers to it. The original is never touched (不得涂改)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static, TextArea

from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.store import Store

from .base import FormScreen, Problems, StoreCall
from .log_entry_form import KIND_LABELS, check_body


def original_text(entry: Any) -> Text:
    """The original entry, literally, under a header line (seq, kind, author, time)."""
    kind = str(getattr(entry, "kind", ""))
    out = Text(f"#{entry.seq}  ", style="bold")
    out.append(KIND_LABELS.get(kind, printable(kind)))
    author = getattr(entry, "author", "")
    if author:
        out.append("  " + _("by {author}").format(author=printable(str(author), 30)))
    when = getattr(entry, "time", None)
    if isinstance(when, (int, float)):
        out.append(f"  {datetime.fromtimestamp(when):%Y-%m-%d %H:%M}")
    refers_to = getattr(entry, "refers_to", None)
    if refers_to is not None:
        out.append("  " + _("(corrects #{seq})").format(seq=refers_to), style="dim")
    for line in str(getattr(entry, "body", "")).splitlines() or [""]:
        out.append("\n")
        out.append(printable(line))
    return out


class CorrectionForm(FormScreen[Any]):
    """A correction to `entry` (a `LogEntry`): `store.correct_entry(entry.seq, body, actor)`.

    Dismisses with the new `LogEntry`, or `None` on Escape.
    """

    AUTO_FOCUS = "#body"  # `c` then typing goes straight into the correction

    FORM_TITLE = N_("Correct a log entry — the original stays as it is")

    def __init__(self, service: Any, actor: Any, entry: Any) -> None:
        super().__init__(service, actor)
        self.entry = entry

    def compose_form(self) -> ComposeResult:
        yield Static(original_text(self.entry), classes="record", id="original")
        yield Static(_("Correction (ctrl+s saves; it is added as a new entry)"), classes="hint")
        yield TextArea(id="body", compact=True, show_line_numbers=False, soft_wrap=True)

    def collect(self, problems: Problems) -> dict[str, str]:
        body = self.query_one("#body", TextArea).text.strip()
        check_body(body, problems)
        original = str(getattr(self.entry, "body", "")).strip()
        if body and body == original:
            problems.add("body", _("The correction is the same as the original: change something."))
        return {"body": body}

    def store_call(self, values: dict[str, str]) -> StoreCall:
        return StoreCall(Store.correct_entry, (self.entry.seq, values["body"], self.actor))
