"""The leave register and the swap register (换班登记表) as rows and as printed text.

The rows are shared by the CLI printout and the console's register screen; the text pads
by display width, so Chinese names line up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from floorconsole.i18n import N_, _
from floorconsole.printable import printable

if TYPE_CHECKING:
    from floorconsole.store.registers import Approval, LeaveRecord, SwapRecord

LEAVE_COLUMNS: tuple[str, ...] = (
    N_("No."),
    N_("Status"),
    N_("Person 姓名"),
    N_("Kind 假别"),
    N_("From 自"),
    N_("To 至"),
    N_("Shift 班次"),
    N_("Days"),
    N_("Approved by 批准"),
    N_("Entered by 登记"),
)
SWAP_COLUMNS: tuple[str, ...] = (
    N_("No."),
    N_("Status"),
    N_("Swap day 换班日期"),
    N_("Shift 班次"),
    N_("Swaps 换班人"),
    N_("Covers 顶班人"),
    N_("Pay-back day 还班日期"),
    N_("Shift 班次"),
    N_("Shift leads 双方班长"),
    N_("Entered by 登记"),
)
STATUS_LABELS: dict[str, str] = {
    "waiting": N_("waiting 待批"),
    "approved": N_("approved 已批"),
    "withdrawn": N_("withdrawn 撤销"),
}
KIND_LABELS: dict[str, str] = {
    "ordinary": N_("ordinary 事假"),
    "urgent": N_("urgent 特殊事假"),
    "sick": N_("sick 病假"),
    "night": N_("night 夜班"),
    "holiday": N_("holiday 节假日"),
}


def _hhmm(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%m-%d %H:%M")


def approvals_text(approvals: Sequence[Approval], times: bool = True) -> str:
    """Who approved (and when, for the printout)."""
    return ", ".join(printable(a.name) + (f" {_hhmm(a.time)}" if times else "") for a in approvals) or "-"


def status_text(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def leave_rows(records: Sequence[LeaveRecord], times: bool = True) -> list[tuple[str, ...]]:
    """One row per leave request, in LEAVE_COLUMNS order."""
    rows: list[tuple[str, ...]] = []
    for r in records:
        kind = _(KIND_LABELS.get(r.leave_type, r.leave_type))
        if r.leave_type != r.kind:
            kind += f" ({_(KIND_LABELS.get(r.kind, r.kind))})"
        rows.append(
            (
                str(r.id),
                status_text(r.status),
                printable(r.person),
                kind,
                r.first_day.isoformat(),
                r.last_day.isoformat(),
                printable(r.shift),
                str(r.days),
                approvals_text(r.approvals, times),
                printable(r.entered_by),
            )
        )
    return rows


def swap_rows(records: Sequence[SwapRecord], times: bool = True) -> list[tuple[str, ...]]:
    """One row per swap, in SWAP_COLUMNS order."""
    return [
        (
            str(r.id),
            status_text(r.status),
            r.day.isoformat(),
            printable(r.shift),
            printable(r.person),
            printable(r.cover),
            r.payback_day.isoformat(),
            printable(r.payback_shift),
            approvals_text(r.approvals, times),
            printable(r.entered_by),
        )
        for r in records
    ]


def width(text: str) -> int:
    """Display width: wide (CJK) characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell, two spaces apart."""
    head = [_(c) for c in columns]
    widths = [max([width(h), *(width(r[i]) for r in rows)]) for i, h in enumerate(head)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths)).rstrip()

    return [line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def swap_register(records: Sequence[SwapRecord], title_range: str) -> str:
    """The swap register printout (换班登记表)."""
    lines = [_("Swap register 换班登记表") + (f"  {title_range}" if title_range else ""), ""]
    lines += table(SWAP_COLUMNS, swap_rows(records)) if records else [_("no swaps")]
    lines += [
        "",
        _(
            "Both shift leads approve each swap (换班必须经双方班长同意); at most 2 a month per person; "
            "no consecutive swaps; no back-to-back shifts; same job and skill level."
        ),
    ]
    return "\n".join(lines)


def leave_register(records: Sequence[LeaveRecord], title_range: str) -> str:
    """The leave register printout (请假登记)."""
    lines = [_("Leave register 请假登记") + (f"  {title_range}" if title_range else ""), ""]
    lines += table(LEAVE_COLUMNS, leave_rows(records)) if records else [_("no leave")]
    return "\n".join(lines)
