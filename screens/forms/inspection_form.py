"""`i`: a quality inspection (质检) of one listened call for the selected seat's agent."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Static

from floorconsole.i18n import N_, _
from floorconsole.store import Store
from floorconsole.store.models import SCORE_DIMENSIONS

from .base import FormScreen, Problems, SeatRef, StoreCall, as_seat, field_row, seat_text

# Labels for the store's five dimensions (DOMAIN.md), in the rulebook's order. The fifth is
# adaptability in handling the customer (接待客户应变能力; stored as `composure`).
# Short labels fit the form's label column; the report uses SCORE_LABELS (with Chinese).
DIMENSION_LABELS = {
    "service_language": N_("Service language"),
    "attitude": N_("Attitude"),
    "tone": N_("Tone"),
    "needs": N_("Grasp of need"),
    "composure": N_("Adaptability 应变"),
}
# (field id == store key, label)
DIMENSIONS: tuple[tuple[str, str], ...] = tuple(
    (key, DIMENSION_LABELS.get(key, key.replace("_", " ").capitalize())) for key in SCORE_DIMENSIONS
)


class InspectionForm(FormScreen[Any]):
    """Call id, five scores 1–5, comment. Dismisses with the store's result or `None`."""

    FORM_TITLE = N_("Quality inspection 质检")

    def __init__(
        self,
        service: Any,
        actor: Any,
        seat: SeatRef | tuple[str, str, str | None],
        call_id: str = "",
    ) -> None:
        super().__init__(service, actor)
        self.seat = as_seat(seat)
        self.call_id = call_id

    def compose_form(self) -> ComposeResult:
        yield Static(seat_text(self.seat), classes="info")
        yield field_row(_("Call id"), Input(self.call_id, id="call-id", compact=True))
        for field_id, label in DIMENSIONS:
            yield field_row(
                _(label),
                Input(
                    placeholder=_("1–5"), id=field_id, restrict=r"[1-5]?", max_length=1, compact=True, classes="score"
                ),
                classes="-tight",
            )
        yield field_row(_("Comment"), Input(placeholder=_("what you heard"), id="comment", compact=True))

    def collect(self, problems: Problems) -> dict[str, Any]:
        call_id = self.query_one("#call-id", Input).value.strip()
        if not call_id:
            problems.add("call-id", _("Call id is required: which call did you listen to?"))
        scores: dict[str, int | None] = {}
        missing = []
        for field_id, label in DIMENSIONS:
            raw = self.query_one(f"#{field_id}", Input).value.strip()
            if raw in {"1", "2", "3", "4", "5"}:
                scores[field_id] = int(raw)
            else:
                scores[field_id] = None
                missing.append((field_id, label))
        if missing:
            names = _(", ").join(_(label) for _field, label in missing)
            problems.add(missing[0][0], _("Score 1–5 needed for: {names}.").format(names=names))
            for field_id, _label in missing[1:]:
                problems.items.append((field_id, ""))
        comment = self.query_one("#comment", Input).value.strip()
        return {"call_id": call_id, "scores": scores, "comment": comment}

    def store_call(self, values: dict[str, Any]) -> StoreCall:
        return StoreCall(
            Store.add_inspection,
            (self.seat.agent, values["call_id"], values["scores"], values["comment"], self.actor),
        )
