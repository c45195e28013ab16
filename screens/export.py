"""`x`: export the current shift's report to a file, with a progress indicator.

The store part of the report is read on the store thread; the feed is folded in a
thread worker that reports progress; the export is audited before the file is written.
The dialog then says where the file went.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static

from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.report import audit_export, build_report, feed_files, summarize_feed
from floorconsole.report_output import default_filename, render, write_report
from floorconsole.shifts import shift_at_epoch
from screens.forms.base import FORMS_CSS, ascii_chrome
from screens.review_screen import REVIEW_CSS


def reports_dir(config: Any) -> Path:
    """Where console exports go: `reports/` beside the records database (owner only)."""
    return Path(config.db_path).parent / "reports"


class ExportScreen(ModalScreen[Path | None]):
    """Runs the export and shows its progress; dismisses with the file written (or None)."""

    CSS_PATH: ClassVar[list[str]] = [str(FORMS_CSS), str(REVIEW_CSS)]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", N_("Close"))]

    def __init__(
        self,
        service: Any,
        actor: Any,
        config: Any,
        feed_path: Path | None,
        *,
        clock: Callable[[], float],
        fmt: str = "html",
        out_dir: Path | None = None,
        layout: Any = None,
    ) -> None:
        super().__init__(classes="form-screen export-screen")
        self.service, self.actor, self.config = service, actor, config
        self.feed_path, self.clock, self.fmt, self.floor_layout = feed_path, clock, fmt, layout
        self.out_dir = out_dir or reports_dir(config)
        self.path: Path | None = None
        self.finished = False
        self._last = 0.0

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(_("Export shift report"), id="form-title")
            yield Static(Text(_("Reading the records…")), id="export-status", classes="info")
            yield ProgressBar(total=100, show_eta=False, id="export-progress")
            yield Static(_("esc close"), classes="hint")

    def on_mount(self) -> None:
        ascii_chrome(self)
        self.export()

    def _status(self, text: Text | str) -> None:
        self.query_one("#export-status", Static).update(text if isinstance(text, Text) else Text(text))

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return  # a few updates a second are enough
        self._last = now
        self.app.call_from_thread(self.query_one(ProgressBar).update, total=total, progress=done)

    @work(thread=True, exit_on_error=False, group="export")
    def export(self) -> None:
        call = self.app.call_from_thread
        try:
            now = self.clock()
            shift = shift_at_epoch(self.config.shifts, now)
            report = self.service.submit(
                lambda store: build_report(store, self.config, shift, now, feed_paths=None, layout=self.floor_layout)
            ).result(timeout=60)
            if self.feed_path is not None:
                call(self._status, _("Folding the feed for {shift}…").format(shift=shift.label))
                summary = summarize_feed(
                    feed_files(Path(self.feed_path)),
                    self.config.thresholds,
                    report.start,
                    report.end,
                    layout=self.floor_layout,
                    feed_format=self.config.feed_format,
                    progress=self._progress,
                )
                report = replace(report, feed=summary, feed_problem="")
            text = render(report, self.fmt)
            self.out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.out_dir / default_filename(report, self.fmt)
            self.service.submit(audit_export, self.actor, report, self.fmt, str(path), False).result(timeout=60)
            write_report(path, text)
        except Exception as exc:  # noqa: BLE001 - said in the dialog; nothing half-written is kept
            call(self._done, None, _("Export failed: {error}").format(error=f"{type(exc).__name__}: {exc}"))
            return
        call(self._done, path, "")

    def _done(self, path: Path | None, problem: str) -> None:
        self.finished = True
        self.path = path
        bar = self.query_one(ProgressBar)
        if path is None:
            self._status(Text(printable(problem), style="bold red"))
            return
        bar.update(total=100, progress=100)
        msg = Text(_("Report saved to") + "\n")
        msg.append(printable(str(path)), style="bold")
        self._status(msg)
        self.app.notify(_("Shift report saved to {path}").format(path=printable(str(path))), timeout=8, markup=False)

    def action_close(self) -> None:
        if not self.finished:
            self.app.notify(_("Still exporting: the dialog closes when the file is written."), timeout=3)
            return
        self.dismiss(self.path)


__all__ = ["ExportScreen", "reports_dir"]
