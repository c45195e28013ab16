"""The shift report as rows and sections, the same for every format (Markdown, CSV, HTML)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from floorconsole.i18n import N_, _, format_day, is_chinese
from floorconsole.measures import QueueMeasures
from floorconsole.report import (
    HOUR,
    ComplaintRow,
    HourRow,
    ShiftReport,
    fmt_time,
)
from floorconsole.store import Escalation, Handover, PatrolNote, Praise
from floorconsole.store.models import SCORE_DIMENSIONS, SCORE_LABELS, Inspection, LogEntry

# ----------------------------------------------------------------------------- formatting


def fmt_hm(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%H:%M")


def fmt_pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def fmt_s(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f}s"


KPI_COLUMNS = (
    N_("queue"),
    N_("offered"),
    N_("answered"),
    N_("abandoned"),
    N_("exited"),
    N_("SL"),
    N_("abandon rate"),
    N_("ASA"),
    N_("AHT"),
    N_("peak wait"),
    N_("needing apology"),
)


def kpi_cells(m: QueueMeasures, name: str | None = None) -> list[str]:
    """One KPI table row (same columns as `KPI_COLUMNS`)."""
    return [
        name if name is not None else m.queue,
        str(m.offered),
        str(m.answered),
        str(m.abandoned),
        str(m.exited),
        fmt_pct(m.service_level),
        fmt_pct(m.abandon_rate),
        fmt_s(m.asa_s),
        fmt_s(m.aht_s),
        fmt_s(m.max_wait_s),
        str(m.answered_past_apology),
    ]


HOUR_COLUMNS = (
    "hour",
    N_("offered"),
    N_("answered"),
    N_("abandoned"),
    N_("SL"),
    N_("abandon rate"),
    N_("ASA"),
    N_("peak waiting"),
)


def hour_cells(h: HourRow) -> list[str]:
    m = h.measures
    return [
        f"{fmt_hm(h.start)}–{fmt_hm(h.start + HOUR)}",
        str(m.offered),
        str(m.answered),
        str(m.abandoned),
        fmt_pct(m.service_level),
        fmt_pct(m.abandon_rate),
        fmt_s(m.asa_s),
        str(h.peak_waiting),
    ]


ESC_COLUMNS = (
    "#",
    N_("raised"),
    N_("agent"),
    N_("queue"),
    N_("caller"),
    N_("reason"),
    N_("status"),
    N_("by"),
    N_("outcome note"),
)


def escalation_cells(e: Escalation, agent: Callable[[str], str] = str) -> list[str]:
    by = e.outcome_by or e.claimed_by or ""
    note = e.note
    if e.due:
        note = _("callback due {time}").format(time=fmt_time(e.due)) + (f"; {note}" if note else "")
    if e.department:
        note = _("referred to {department}").format(department=e.department) + (f"; {note}" if note else "")
    return [
        str(e.id),
        fmt_time(e.raised_at),
        agent(e.agent),
        e.queue,
        e.caller_masked or "-",
        e.reason,
        e.status,
        by,
        note,
    ]


COMPLAINT_COLUMNS = (
    "#",
    N_("time"),
    N_("customer"),
    N_("phone"),
    N_("product"),
    N_("batch"),
    N_("problem"),
    N_("wants"),
    N_("agent"),
    N_("outcome"),
    N_("company at fault"),
    N_("apology"),
    N_("reported to"),
)


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else (_("yes") if value else _("no"))


def complaint_cells(r: ComplaintRow) -> list[str]:
    c = r.complaint
    return [
        str(c.id),
        fmt_time(c.complaint_time or c.time),
        c.customer_name or "-",
        c.phone_masked or "-",
        c.product or "-",
        c.batch_number or "-",
        c.problem,
        c.wants,
        c.agent or "-",
        r.outcome,
        _yes_no(c.company_at_fault),
        _yes_no(c.apology_given),
        c.reported_to or "-",
    ]


RESOLVED_COLUMNS = (
    "#",
    N_("raised"),
    N_("resolved"),
    N_("agent"),
    N_("queue"),
    N_("caller"),
    N_("reason"),
    N_("outcome"),
    N_("by"),
    N_("note"),
)


def resolved_cells(e: Escalation, agent: Callable[[str], str] = str) -> list[str]:
    """An escalation given its outcome today (the daily summary lists every one)."""
    cells = escalation_cells(e, agent)
    return [
        cells[0],
        cells[1],
        fmt_time(e.outcome_at),
        cells[2],
        cells[3],
        cells[4],
        cells[5],
        e.outcome or "",
        e.outcome_by or "",
        cells[8],
    ]


def sent_note(report: ShiftReport) -> str:
    """To whom this shift's complaint summary has been sent so far."""
    if not report.summaries_sent:
        return _("Not yet sent to management this shift")
    return _("Sent to ") + "; ".join(
        _("{to} ({time}, by {by})").format(to=s.sent_to, time=fmt_hm(s.time), by=s.sent_by)
        for s in report.summaries_sent
    )


PATROL_COLUMNS = (
    "agent",
    N_("time"),
    N_("seat"),
    N_("findings"),
    N_("deduction"),
    N_("follow-up"),
    N_("note"),
    N_("by"),
)


def patrol_cells(n: PatrolNote, agent: Callable[[str], str] = str) -> list[str]:
    findings = ", ".join(i.label for i in n.items) or "-"
    return [
        agent(n.agent),
        fmt_time(n.time),
        n.seat or "-",
        findings,
        str(n.deduction_total),
        "yes" if n.follow_up else "",
        n.text,
        n.author,
    ]


PRAISE_COLUMNS = ("agent", N_("time"), N_("what"), N_("why"), N_("by"))


def praise_cells(p: Praise, agent: Callable[[str], str] = str) -> list[str]:
    return [agent(p.agent), fmt_time(p.time), p.what, p.why, p.author]


LOG_COLUMNS = ("#", N_("time"), N_("kind"), N_("corrects"), N_("entry"), N_("by"))


def log_cells(e: LogEntry) -> list[str]:
    """One duty-log entry: a correction names the entry it corrects (nothing is edited)."""
    return [str(e.seq), fmt_time(e.time), e.kind, f"#{e.refers_to}" if e.refers_to else "", e.body, e.author]


INSPECTION_COLUMNS = (
    "agent",
    N_("time"),
    N_("call"),
    *(SCORE_LABELS[d] for d in SCORE_DIMENSIONS),
    N_("total"),
    N_("comment"),
    N_("by"),
)


def inspection_cells(i: Inspection, agent: Callable[[str], str] = str) -> list[str]:
    """One quality inspection: the five scores (1–5) in the rulebook's order, their total."""
    return [
        agent(i.agent),
        fmt_time(i.time),
        i.call_id,
        *(str(i.scores.get(d, "")) for d in SCORE_DIMENSIONS),
        str(i.total),
        i.comment,
        i.author,
    ]


HANDOVER_COLUMNS = (
    "#",
    N_("from"),
    N_("to"),
    N_("handed by"),
    N_("handed at"),
    N_("items"),
    N_("acknowledged"),
    N_("questioned"),
    N_("received"),
)


def handover_cells(h: Handover) -> list[str]:
    acked = sum(1 for i in h.items if i.acknowledged is not None)
    questioned = sum(1 for i in h.items if i.questions)
    received = f"{h.received.name} {fmt_time(h.received.time)}" if h.received else _("NOT RECEIVED")
    return [
        str(h.id),
        h.from_shift,
        h.to_shift,
        h.handed.name,
        fmt_time(h.handed.time),
        str(len(h.items)),
        str(acked),
        str(questioned),
        received,
    ]


def sections(
    report: ShiftReport, complaints_only: bool = False
) -> list[tuple[str, tuple[str, ...], list[list[str]], str]]:
    """The report as (title, columns, rows, note) tables, in reading order (every format uses this)."""
    out: list[tuple[str, tuple[str, ...], list[list[str]], str]] = []
    c_note = _("Complaints recorded {start} – {end}").format(
        start=fmt_time(report.complaints_start), end=fmt_time(report.complaints_end)
    )
    complaints = [complaint_cells(r) for r in report.complaints]
    resolved = (
        N_("Escalations resolved today"),
        RESOLVED_COLUMNS,
        [resolved_cells(e, report.agent) for e in report.resolved],
        sent_note(report),
    )
    if complaints_only:
        return _translated([(N_("Daily complaint summary"), COMPLAINT_COLUMNS, complaints, c_note), resolved])
    f = report.feed
    if f is not None:
        rows = [kpi_cells(m) for m in f.queues] + [kpi_cells(f.total, _("All queues"))]
        note = _(
            "SL = answered within {threshold} s ÷ (answered + abandoned + exited); "
            "needing apology = calls answered after the rule in force: {rule}; "
            "{lines} feed lines read, {rejected} rejected"
        ).format(threshold=f"{report.sl_threshold_s:.0f}", rule=report.apology_text, lines=f.lines, rejected=f.rejected)
        out.append((N_("Queue KPIs"), KPI_COLUMNS, rows, note))
        out.append(
            (
                N_("By hour"),
                HOUR_COLUMNS,
                [hour_cells(h) for h in f.hours],
                _("All queues; peak waiting = most callers waiting at once in the hour"),
            )
        )
    else:
        out.append((N_("Queue KPIs"), (N_("note"),), [[report.feed_problem]], ""))
    out.append(
        (
            N_("Duty log"),
            LOG_COLUMNS,
            [log_cells(e) for e in report.log_entries],
            "" if report.log_entries else _("No duty-log entry this shift"),
        )
    )
    out.append(
        (
            N_("Escalations"),
            ESC_COLUMNS,
            [escalation_cells(e, report.agent) for e in report.escalations],
            _("Caller numbers masked"),
        )
    )
    out.append((N_("Daily complaint summary"), COMPLAINT_COLUMNS, complaints, c_note))
    out.append(resolved)
    out.append(
        (
            N_("Patrol findings by agent"),
            PATROL_COLUMNS,
            [patrol_cells(n, report.agent) for notes in report.patrol.values() for n in notes],
            ""
            if report.findings_included
            else _(
                "{n} finding(s) recorded, kept out of this shared report: praise in public, "
                "correct in private. A supervisor or manager adds them with --findings."
            ).format(n=report.findings_count),
        )
    )
    out.append(
        (
            N_("Quality inspections"),
            INSPECTION_COLUMNS,
            [inspection_cells(i, report.agent) for i in report.inspections],
            _("Scores 1–5"),
        )
    )
    out.append(
        (
            N_("Praise by agent"),
            PRAISE_COLUMNS,
            [praise_cells(p, report.agent) for ps in report.praise.values() for p in ps],
            "",
        )
    )
    out.append(
        (
            N_("Handover"),
            HANDOVER_COLUMNS,
            [handover_cells(h) for h in report.handovers],
            "" if report.handovers else _("No handover recorded for this shift"),
        )
    )
    return _translated(out)


def _translated(
    out: list[tuple[str, tuple[str, ...], list[list[str]], str]],
) -> list[tuple[str, tuple[str, ...], list[list[str]], str]]:
    """Titles and column names (marked N_ above) in the report's language."""
    return [(_(title), tuple(_(c) for c in cols), rows, note) for title, cols, rows, note in out]


def title_line(report: ShiftReport, complaints_only: bool = False) -> str:
    what = _("Daily complaint summary") if complaints_only else _("Shift report")
    who = _(", supervisor {name}").format(name=report.supervisor) if report.supervisor else ""
    shift = report.shift_key
    if is_chinese():  # 11月23日 早班 (the key's English name is the records')
        shift = f"{format_day(datetime.fromtimestamp(report.start))} {_(report.shift_name)}"
    return f"{what}: {shift} ({fmt_time(report.start)} – {fmt_hm(report.end)}){who}"


def footer_line(report: ShiftReport) -> str:
    head = report.head
    chain = f"seq {head.seq}, sha256 {head.hash}" if head else "-"
    return _("Duty log chain head: {chain}. Generated {time}. Internal and confidential.").format(
        chain=chain, time=fmt_time(report.generated_at)
    )


def chain_line(report: ShiftReport) -> str:
    """`Chain head: R<links>-<seq>:HASH[:HMAC]`, what `floorconsole verify --head` checks every table against."""
    return f"Chain head: {report.chain.text if report.chain else '-'}"
