"""`g`: praise for the selected seat. DOMAIN.md: who, what they did, and why — vague
praise is worse than none, so the form refuses it and says why."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Static

from floorconsole.i18n import N_, _
from floorconsole.store import Store

from .base import FormScreen, Problems, SeatRef, StoreCall, as_seat, field_row, seat_text

MIN_CHARS = 12
MIN_WORDS = 3

# Phrases that say nothing on their own. Compared after lower-casing and dropping
# punctuation, so "Good job!!" is caught as well.
VAGUE = frozenset(
    {
        "good job",
        "great job",
        "nice job",
        "well done",
        "good work",
        "great work",
        "nice work",
        "good",
        "great",
        "nice",
        "excellent",
        "awesome",
        "thanks",
        "thank you",
        "good service",
        "great service",
        "did well",
        "did a good job",
        "did great",
        "very good",
        "keep it up",
        "good call",
        "great call",
        "nice call",
        "ok",
        "fine",
        "表现好",
        "很好",
        "不错",
        "好",
        "辛苦了",
    }
)


def vague_reason(text: str, what: str) -> str | None:
    """Why `text` is too vague to be praise, or None when it is specific enough."""
    cleaned = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    if not cleaned:
        return _("{what} is required.").format(what=what)
    if cleaned in VAGUE:
        return _('{what}: "{text}" is too vague — say exactly what happened.').format(what=what, text=text.strip())
    has_cjk = re.search(r"[\u3400-\u9fff]", cleaned) is not None
    if has_cjk:
        if len(cleaned.replace(" ", "")) < 6:
            return _("{what} is too short — name the call, the customer's problem, the result.").format(what=what)
    elif len(cleaned) < MIN_CHARS or len(cleaned.split()) < MIN_WORDS:
        return _(
            "{what} is too short (at least {n} words) — name the call, the customer's problem, the result."
        ).format(what=what, n=MIN_WORDS)
    return None


class PraiseForm(FormScreen[Any]):
    """Praise naming who, what and why (all three required).

    Dismisses with the store's result, or `None` on Escape.
    """

    FORM_TITLE = N_("Praise 表扬")

    def __init__(
        self,
        service: Any,
        actor: Any,
        seat: SeatRef | tuple[str, str, str | None],
    ) -> None:
        super().__init__(service, actor)
        self.seat = as_seat(seat)

    def compose_form(self) -> ComposeResult:
        yield Static(seat_text(self.seat), classes="info", id="who")
        yield field_row(
            _("What they did"),
            Input(placeholder=_("e.g. calmed a caller whose refund was refused twice"), id="what", compact=True),
        )
        yield field_row(
            _("Why it matters"),
            Input(placeholder=_("e.g. kept the customer, no escalation, followed the script"), id="why", compact=True),
        )
        yield Static(_("Be specific: who, what they did, and why it deserves praise."), classes="hint")

    def collect(self, problems: Problems) -> dict[str, str]:
        what = self.query_one("#what", Input).value.strip()
        why = self.query_one("#why", Input).value.strip()
        for field_id, label, value in (("what", _("What"), what), ("why", _("Why"), why)):
            reason = vague_reason(value, label)
            if reason:
                problems.add(field_id, reason)
        if what and why and what.casefold() == why.casefold():
            problems.add("why", _("Why must say more than What."))
        return {"what": what, "why": why}

    def store_call(self, values: dict[str, str]) -> StoreCall:
        return StoreCall(
            Store.add_praise,
            (self.seat.agent, values["what"], values["why"], self.actor),
            {"seat": self.seat.seat_id},
        )
