"""`K`: register a complaint that never came through an escalation (投诉登记表), and `D`:
send the day's complaint summary to management, recording to whom.

DOMAIN.md: a complaint can come in without any escalation and is registered all the same.
Apologise for the company only when it is at fault, and then decide whether to report it
upwards; every complaint record says so (`assessment_rows`, used by the take-over too).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from floorconsole.i18n import N_, _
from floorconsole.store import Store

from .base import FormScreen, Problems, StoreCall, field_row

# (ComplaintDraft field, label, input id) — DOMAIN.md's complaint record.
COMPLAINT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("customer_name", N_("Customer name"), "c-name"),
    ("phone", N_("Phone"), "c-phone"),
    ("address", N_("Address"), "c-address"),
    ("product", N_("Product"), "c-product"),
    ("batch_number", N_("Batch number"), "c-batch"),
    ("used_when", N_("When used"), "c-used"),
    ("problem", N_("What went wrong"), "c-problem"),
    ("wants", N_("Customer wants"), "c-wants"),
    ("agent", N_("Agent"), "c-agent"),
    ("complaint_time", N_("Time"), "c-time"),
)
YES_NO: list[tuple[str, bool]] = [(N_("yes 是"), True), (N_("no 否"), False)]


def yes_no_select(select_id: str) -> Select[bool]:
    """A yes/no choice that starts unanswered (the supervisor must say)."""
    return Select(
        [(_(label), value) for label, value in YES_NO],
        prompt=_("— choose —"),
        allow_blank=True,
        id=select_id,
        compact=True,
    )


def assessment_rows() -> list[Any]:
    """Company at fault? Apology given? Reported upwards to whom? (DOMAIN.md)."""
    return [
        field_row(_("Company at fault?"), yes_no_select("c-fault"), classes="-tight"),
        field_row(_("Apology given?"), yes_no_select("c-apology"), classes="-tight"),
        field_row(
            _("Reported to"),
            Input(placeholder=_("to whom upwards, or 'not reported'"), id="c-reported", compact=True),
            classes="-tight",
        ),
    ]


def read_assessment(screen: Any, problems: Problems) -> dict[str, Any]:
    """The three answers, with the rulebook's checks said in words (the store checks again)."""
    fault = screen.query_one("#c-fault", Select).value
    apology = screen.query_one("#c-apology", Select).value
    reported = screen.query_one("#c-reported", Input).value.strip()
    if fault is Select.NULL:
        problems.add("c-fault", _("Complaint: is the company at fault? Choose yes or no."))
    if apology is Select.NULL:
        problems.add("c-apology", _("Complaint: was an apology given? Choose yes or no."))
    if apology is True and fault is False:
        problems.add("c-apology", _("Apologise for the company only when it is at fault."))
    if fault is True and not reported:
        problems.add(
            "c-reported", _("The company is at fault: to whom was it reported upwards ('not reported' is an answer)?")
        )
    return {
        "company_at_fault": None if fault is Select.NULL else bool(fault),
        "apology_given": None if apology is Select.NULL else bool(apology),
        "reported_to": reported,
    }


class ComplaintForm(FormScreen[Any]):
    """A complaint with no escalation behind it. Dismisses with the stored `Complaint`."""

    FORM_TITLE = N_("Register a complaint 投诉登记")

    def __init__(self, service: Any, actor: Any, *, agent: str = "", clock: Callable[[], float]) -> None:
        super().__init__(service, actor)
        self.agent, self.clock = agent, clock

    def compose_form(self) -> ComposeResult:
        yield Static(_("A complaint that came in without an escalation is registered all the same."), classes="hint")
        for name, label, input_id in COMPLAINT_FIELDS:
            if name == "complaint_time":
                continue
            yield field_row(
                _(label), Input(self.agent if name == "agent" else "", id=input_id, compact=True), classes="-tight"
            )
        yield from assessment_rows()

    def collect(self, problems: Problems) -> dict[str, Any]:
        fields: dict[str, Any] = {
            name: self.query_one(f"#{input_id}", Input).value.strip()
            for name, _label, input_id in COMPLAINT_FIELDS
            if name != "complaint_time"
        }
        if not fields["problem"]:
            problems.add("c-problem", _("Say what went wrong."))
        if not fields["wants"]:
            problems.add("c-wants", _("Say what the customer wants."))
        fields.update(read_assessment(self, problems))
        fields["complaint_time"] = self.clock()
        return fields

    def store_call(self, values: dict[str, Any]) -> StoreCall:
        from floorconsole.store import ComplaintDraft

        return StoreCall(Store.record_complaint, (ComplaintDraft(**values), self.actor, None))


FORMATS = ((N_("HTML page"), "html"), ("Markdown", "md"), (N_("CSV (Excel)"), "csv"))


class ComplaintSummaryForm(FormScreen[Any]):
    """The day's complaints and resolved escalations to a file in `reports/`, recorded as
    sent to the person named. Dismisses with `(path, ComplaintSummarySent)`."""

    FORM_TITLE = N_("Daily complaint summary 当日投诉汇总")
    SAVE_LABEL = N_("Write and record")

    def __init__(
        self, service: Any, actor: Any, config: Any, *, clock: Callable[[], float], out_dir: Path, layout: Any = None
    ) -> None:
        super().__init__(service, actor)
        self.config, self.clock, self.out_dir, self.floor_layout = config, clock, out_dir, layout

    def compose_form(self) -> ComposeResult:
        yield Static(
            _(
                "Every complaint of the day and every escalation resolved today (console or CLI), "
                "sent to management before the shift ends."
            ),
            classes="hint",
        )
        yield field_row(
            _("Sent to"), Input(placeholder=_("who receives it (e.g. 客服部主任 Zhou)"), id="sent-to", compact=True)
        )
        yield field_row(
            _("Format"),
            Select(
                [(_(label), value) for label, value in FORMATS],
                value="html",
                allow_blank=False,
                id="format",
                compact=True,
            ),
        )

    def collect(self, problems: Problems) -> dict[str, str]:
        sent_to = self.query_one("#sent-to", Input).value.strip()
        if not sent_to:
            problems.add("sent-to", _("Say to whom the summary is sent: that is what is recorded."))
        return {"sent_to": sent_to, "format": str(self.query_one("#format", Select).value)}

    async def write(self, values: dict[str, str]) -> Any:
        from floorconsole.report import audit_export, build_report, record_sent
        from floorconsole.report_output import default_filename, render, write_report
        from floorconsole.shifts import shift_at_epoch

        now = self.clock()
        shift = shift_at_epoch(self.config.shifts, now)
        fmt, out_dir, config, actor, layout = values["format"], self.out_dir, self.config, self.actor, self.floor_layout

        def job(store: Any) -> Any:
            report = build_report(store, config, shift, now, layout=layout, complaints_only=True)
            out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = out_dir / default_filename(report, fmt, True)
            audit_export(store, actor, report, fmt, str(path), True)
            write_report(path, render(report, fmt, True))
            return path, record_sent(store, actor, report, values["sent_to"], fmt, str(path))

        return await self.call_store(job)
