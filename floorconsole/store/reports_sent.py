"""Reports marked as sent upwards (m008): the monthly service-quality analysis report, due to
the department head by the 22nd (DOMAIN.md). Append-only like every record: a report sent
twice is two rows; "sent" means at least one row for that kind and period. Each mark is
also written to the audit trail, in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.store import audit, validate
from floorconsole.store.context import Ctx
from floorconsole.store.errors import ValidationError
from floorconsole.store.rows import SqlValue, append_row, dict_rows, who
from floorconsole.store.signers import require_signer

REPORT_KINDS: tuple[str, ...] = ("monthly",)
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")  # a month, 2026-10


@dataclass(frozen=True)
class ReportSent:
    """One report marked as sent: which (`kind`, `period` such as 2026-10), to whom, by whom."""

    id: int
    kind: str
    period: str
    sent_to: str
    format: str
    destination: str
    sent_by: str
    os_user: str
    time: float


def mark_sent(ctx: Ctx, kind: str, period: str, sent_to: str, fmt: str, destination: str, actor: Actor) -> ReportSent:
    """Record that report `kind` of `period` went to `sent_to` (inside write_tx), and audit it."""
    if kind not in REPORT_KINDS:
        raise ValidationError(
            _("report kind must be one of {kinds}, not {kind}").format(kinds=", ".join(REPORT_KINDS), kind=repr(kind))
        )
    period = validate.text("period", period, max_len=7)
    if not _PERIOD.match(period):
        raise ValidationError(_("period must be a month such as 2026-10, not {period}").format(period=repr(period)))
    sent_to = validate.text("sent to", sent_to, max_len=200)
    fmt = validate.text("format", fmt, required=False, max_len=10)
    destination = validate.text("destination", destination, required=False, max_len=500)
    actor = require_signer(ctx, actor, _("mark a report as sent"))
    t = float(ctx.clock())
    fields = {
        "kind": kind,
        "period": period,
        "sent_to": sent_to,
        "format": fmt,
        "destination": destination,
        **who(actor),
        "time": t,
    }
    rid = append_row(ctx.conn, "reports_sent", fields)
    audit.record(ctx, "report.sent", actor, f"{kind}:{period}", f"sent to {sent_to}" + (f" ({fmt})" if fmt else ""))
    return ReportSent(rid, kind, period, sent_to, fmt, destination, actor.name, actor.os_user, t)


def list_sent(ctx: Ctx, kind: str | None = None, period: str | None = None) -> list[ReportSent]:
    """Reports marked as sent, oldest first, optionally of one kind and period."""
    where, params = ["1=1"], list[SqlValue]()
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if period is not None:
        where.append("period = ?")
        params.append(period)
    rows = dict_rows(ctx.conn, f"SELECT * FROM reports_sent WHERE {' AND '.join(where)} ORDER BY id", params)
    return [
        ReportSent(
            r["id"],
            r["kind"],
            r["period"],
            r["sent_to"],
            r["format"],
            r["destination"],
            r["actor"],
            r["os_user"],
            r["time"],
        )
        for r in rows
    ]
