"""The shift report out of the program: rendered by format, written privately."""

from __future__ import annotations

from pathlib import Path

from floorconsole.i18n import _
from floorconsole.report import FORMATS, ShiftReport
from floorconsole.report_html import render_html
from floorconsole.report_text import render_csv, render_md
from floorconsole.safe_write import write_private


def render(report: ShiftReport, fmt: str, complaints_only: bool = False) -> str:
    """The report in `fmt` (md, csv or html)."""
    if fmt == "md":
        return render_md(report, complaints_only)
    if fmt == "csv":
        return render_csv(report, complaints_only)
    if fmt == "html":
        return render_html(report, complaints_only)
    raise ValueError(
        _("unknown report format {fmt}; use one of {formats}").format(fmt=repr(fmt), formats=", ".join(FORMATS))
    )


def default_filename(report: ShiftReport, fmt: str, complaints_only: bool = False) -> str:
    """`shift-report-2026-11-23-day.md` / `complaints-2026-11-23-day.html`."""
    stem = "complaints" if complaints_only else "shift-report"
    return f"{stem}-{report.shift_key.replace(' ', '-')}.{fmt}"


def write_report(path: Path, text: str) -> None:
    """Write atomically and readable by the owner only (the report is confidential):
    an unpredictable 0600 temporary file in the target folder, synced, then renamed; on
    failure nothing is left behind (`safe_write.write_private`)."""
    write_private(Path(path), text)
