"""The floor console: one main screen of header, queues, seats, escalations and duty log.

The `FloorApp` class only composes, binds keys and routes messages. The work lives
elsewhere: the engine pushes a `FloorUpdate` after each batch (posted as `FloorUpdated`);
the App keeps one `FloorModel` that the seat table, the floor map, the queue panel and
the alerts read. `screens.pollers.StorePoller` watches the records' change marker in a
thread worker; `floorconsole.alerts` decides which alerts to raise, each once per episode.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher
from textual.worker import get_current_worker

from floorconsole import glyphs, i18n
from floorconsole.alerts import (
    AlertTracker,
    complaint_summary_reminder_due,
    morning_check_by,
    patrol_due,
)
from floorconsole.clock import Clock
from floorconsole.config import Config
from floorconsole.handover_gather import open_items_text
from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.reminders import due_reminders, floor_today, state_from
from floorconsole.shifts import shift_at_epoch
from floorconsole.store import Store
from floorconsole.views import FloorModel, FloorUpdate
from floorconsole.wiring import ConsoleParts, build_parts
from screens.ami_actions import AMI_ACTION_HELP, AMI_BINDINGS, AmiKeys
from screens.attendance_panel import AttendancePanel, AttendanceWatch
from screens.escalations_panel import EscalationsPanel
from screens.filter_bar import FilterBar
from screens.floor_map import FloorMap
from screens.footer import FloorFooter
from screens.forms.base import ascii_chrome
from screens.handover_log_panel import HandoverLogPanel
from screens.header import FloorHeader
from screens.messages import (
    FilterChanged,
    FilterClosed,
    FloorUpdated,
    RejectsRequested,
    SeatHighlighted,
    StoreSnapshot,
    WorkerProblem,
)
from screens.pollers import StorePoller
from screens.queues_panel import QueuesPanel
from screens.rejects_screen import RejectsScreen
from screens.resilience import guarded_call
from screens.seat_table import SeatTable

W = TypeVar("W", bound=Widget)

STORE_POLL_S = 1.0
ALERT_EVERY_S = 5.0  # at most one alert toast this often; alerts in between are batched


# --------------------------------------------------------------------------------- app


class FloorApp(AmiKeys, App[int]):
    """The main screen and its keys; routes messages between workers and panels."""

    CSS_PATH = "app.tcss"
    TITLE = "floorconsole"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "patrol", N_("Patrol")),
        Binding("g", "praise", N_("Praise")),
        Binding("i", "inspect", N_("Inspect")),
        Binding("t", "take_over", N_("Take over")),
        Binding("e", "escalate", N_("Escalate")),
        Binding("h", "log_entry", N_("New entry")),
        Binding("l", "toggle_log", N_("Log")),
        Binding("c", "correct", N_("Correct")),
        Binding("m", "toggle_map", N_("Map/table")),
        Binding("slash", "filter", N_("Filter"), key_display="/"),
        Binding("s", "sort", N_("Sort")),
        Binding("f", "rejects", N_("Rejects")),
        Binding("r", "review", N_("Review")),
        Binding("H", "hand_over", N_("Hand over")),
        Binding("x", "export", N_("Export")),
        Binding("K", "complaint", N_("Complaint")),
        Binding("D", "complaint_summary", N_("Complaint summary")),
        *AMI_BINDINGS,  # L W B T P R X: listen, whisper, barge, take the call, pause, remove, hang up
        Binding("V", "registers", N_("Leave/swaps"), show=False),  # L is listen (AMI), S reverse sort
        Binding("C", "roll_call", N_("Roll call"), show=False),  # R is remove from queue (AMI)
        Binding("a", "allow_flag", N_("Allow flag"), show=False),
        Binding("question_mark", "help", N_("Help"), key_display="?"),
        Binding("q", "quit", N_("Quit")),
        # ctrl+c copies a selection in a text field, else asks before losing typed text
        Binding("ctrl+c", "help_quit", N_("Quit?"), show=False, priority=True),
    ]
    # Everything but help and quit acts on the main screen's selection; while another
    # screen (the review, the hand-over, a list) is on top these keys are off and hidden,
    # so its footer shows its own keys and `p` there cannot patrol a seat nobody sees.
    MAIN_SCREEN_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        b.action for b in BINDINGS if isinstance(b, Binding) and b.action not in ("help", "quit", "help_quit")
    )

    def __init__(
        self,
        parts: ConsoleParts,
        *,
        tick_s: float = 1.0,
        store_poll_s: float = STORE_POLL_S,
        alert_toasts: bool = True,
    ) -> None:
        """`parts` come from the composition root (`floorconsole.wiring.build_parts`):
        the engine, the store service and this app share its one clock."""
        super().__init__()
        self.parts = parts
        self.config = parts.config
        self.feed_path = parts.feed_path
        self.clock = parts.clock
        self.actor = parts.actor
        self.floor_layout = parts.layout
        self.engine = parts.engine
        self.service = parts.service
        self.floor = FloorModel()  # the one copy of the floor every panel reads
        self.store = StorePoller(self.service, self.config, self.clock, actor=self.actor)
        self._store_wake = threading.Event()
        self.alerts = AlertTracker()
        self.tick_s = tick_s
        self.store_poll_s = store_poll_s
        self.alert_toasts = alert_toasts  # False: alerts are tracked but not toasted (screenshots)
        self.names = {p.agent: p.name for p in self.floor_layout.seats}
        self._problems: dict[str, str] = {}
        self._backfilled = False
        self._panels: dict[type, Any] = {}
        self._last_patrol: float | None = None
        self._patrol_counts: tuple[int, int] | None = None  # (patrolled, logged in), kept until seats change
        self._pending_alerts: list[str] = []
        self._summary_checked: set[str] = set()  # shifts whose complaint-summary reminder was considered
        self._owed_checked_on: object = None  # the floor day the owed-reports reminders were last looked at
        self._last_alert = -ALERT_EVERY_S
        self.ami_init()
        self.attendance = AttendanceWatch(self.service, self.config, self.actor)  # issue 13

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Main-screen keys work only on the main screen (see MAIN_SCREEN_ACTIONS)."""
        return not (action in self.MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1)

    def compose(self) -> ComposeResult:
        th = self.config.thresholds
        yield FloorHeader(self.actor.name, id="header")  # who is signed in, as the records name them
        yield QueuesPanel(th, id="queues")
        with Horizontal(id="body"):
            with Vertical(id="seats"):
                with ContentSwitcher(initial="seat-table", id="seat-views"):
                    yield SeatTable(th, id="seat-table")
                    yield FloorMap(self.floor_layout, th, id="floor-map")
                yield FilterBar(id="filter")
            with Vertical(id="side"):
                yield AttendancePanel(id="attendance")
                yield EscalationsPanel(id="escalations")
                yield HandoverLogPanel(id="log")
        yield FloorFooter()

    # ---- lifecycle -----------------------------------------------------------------

    def _panel(self, cls: type[W]) -> W:
        """A widget of the main screen, whichever screen is on top (a form, the review).

        App.query_one searches the *current* screen, so a feed update arriving while a
        form is open would not find the panels; they are looked up on the main screen.
        """
        widget = self._panels.get(cls)
        if widget is None:
            widget = self._panels[cls] = self.screen_stack[0].query_one(cls)
        return widget  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.set_class(glyphs.cjk_safe(), "-cjk-safe")  # ASCII lines in app.tcss (floorconsole/glyphs.py)
        ascii_chrome(self.screen)  # and Textual's own marks (scrollbars, toggles): screens/forms/base.py
        self._panel(HandoverLogPanel).sees_findings = self.config.sees_findings(self.actor.os_user)
        table, fmap = self._panel(SeatTable), self._panel(FloorMap)
        table.share_rows(self.floor.seats)
        fmap.share_rows(self.floor.seats)
        table.focus()
        self._tick()
        self.set_interval(self.tick_s, self._tick)
        # push: the engine posts what changed after each batch (post_message is thread-safe)
        self.engine.subscribe(lambda update: self.post_message(FloorUpdated(update)))
        self.engine.start()
        self.run_worker(self._store_loop, thread=True, exit_on_error=False, name="store", group="store")
        self.run_worker(self.ami_start(), exit_on_error=False, name="ami", group="ami-start")

    def _store_loop(self) -> None:
        """Reload the records' panels when their change marker moves (another console
        wrote), checked every `store_poll_s`, and at once when this console wrote."""
        worker = get_current_worker()
        while not worker.is_cancelled:
            self._store_wake.clear()
            try:
                if self.store.changed():
                    self.post_message(self.store.load())
                self.post_message(WorkerProblem("store", ""))  # clears a past problem
            except Exception as exc:  # noqa: BLE001 - a locked database must never end the console
                self.post_message(WorkerProblem("store", f"{type(exc).__name__}: {exc}"))
            self._store_wake.wait(self.store_poll_s)

    async def on_unmount(self) -> None:
        await self.ami_stop()
        self._store_wake.set()
        self.workers.cancel_all()
        self.parts.close()

    def on_resize(self, event: events.Resize) -> None:
        # 80x24 and the like: side panels go under the seats, the duty log hides
        main = self.screen_stack[0]
        main.set_class(event.size.width < 110, "-narrow")
        main.set_class(110 <= event.size.width < 150, "-medium")
        main.set_class(event.size.width >= 230, "-huge")  # room for every key in the footer

    # ---- routing -------------------------------------------------------------------

    def _tick(self) -> None:
        """Once a second; a failing step is reported, never fatal (screens/resilience.py)."""
        guarded_call(self, N_("the once-a-second update"), self._tick_once)

    def _tick_once(self) -> None:
        """Once a second: the clock, and what only time changes (ages, timers, alerts).

        Touches what ticks, not every seat: agent counts and patrol coverage are kept
        when the rows change; the long-call rule looks at the seats on a call only."""
        now = self.clock()
        shift = shift_at_epoch(self.config.shifts, now)
        span = _("{start}–{end}").format(start=f"{shift.start:%H:%M}", end=f"{shift.end:%H:%M}")
        table = self._panel(SeatTable)
        header = self._panel(FloorHeader)
        if self._patrol_counts is None:
            self._patrol_counts = self.floor.patrol_coverage(table.patrolled)
        due = patrol_due(
            self._last_patrol, shift.start.timestamp(), now, self.config.thresholds, morning_check_by(shift)
        )
        header.set_patrol(*self._patrol_counts, due)
        header.set_now(now, shift.name, span)
        for widget in (table, self._panel(FloorMap), self._panel(EscalationsPanel)):
            widget.set_now(now)
        queues = self._panel(QueuesPanel)
        queues.set_counts(self.floor.counts)
        queues.set_now(now)
        self.ami_tick()  # the AMI line's countdown while reconnecting; the rest is pushed
        self._alert(
            self.alerts.floor(self.floor.queues.values(), self.floor.on_call.values(), now, self.config.thresholds)
        )
        end = shift.end.timestamp()
        if shift.key not in self._summary_checked and complaint_summary_reminder_due(now, end, sent=False):
            self._summary_checked.add(shift.key)  # asked once per shift
            self.run_worker(self._remind_complaint_summary(shift.key, end), group="summary-check", exit_on_error=False)
        if self._pending_alerts and time.monotonic() - self._last_alert >= ALERT_EVERY_S:
            self._flush_alerts()
        today = floor_today(self.clock)
        if today != self._owed_checked_on:  # on start, then once a day
            self._owed_checked_on = today
            self.run_worker(self._remind_owed(today), group="owed-check", exit_on_error=False)
        if self.attendance.tick(now, live=self._backfilled):
            self._reload_attendance()
        elif int(now) % 30 == 0 and self.attendance.loaded:
            self._panel(AttendancePanel).show(self.attendance, now)

    async def _remind_owed(self, today: Any) -> None:
        """What the shift lead owes by a date (floorconsole/reminders.py): last month's report
        from the 15th until marked as sent, next month's roster from the 20th until imported."""
        import asyncio

        sent = await asyncio.wrap_future(self.service.submit(Store.list_reports_sent, "monthly"))
        rosters = await asyncio.wrap_future(self.service.submit(Store.roster_months))
        due = due_reminders(today, state_from({s.period for s in sent}, rosters))
        if due and self.alert_toasts:
            self.notify(
                "\n".join(r.text for r in due),
                title=i18n._("Reports due"),
                severity="warning",
                timeout=20,
                markup=False,
            )

    def _reload_attendance(self) -> None:
        """Read the expected floor and this shift's flags again (records or shift changed)."""

        async def reload() -> None:
            now = self.clock()
            await self.attendance.reload(now)
            self._panel(AttendancePanel).show(self.attendance, now)
            table = self._panel(SeatTable)
            table.set_roster(self.attendance.mark_for if self.attendance.has_roster_today else None)

        self.run_worker(reload, group="attendance", exclusive=True, exit_on_error=False)

    async def _remind_complaint_summary(self, shift_key: str, end: float) -> None:
        """30 minutes before the shift ends: remind when the day's complaint summary has not
        been recorded as sent to management (DOMAIN.md: before the shift ends)."""
        import asyncio
        from datetime import datetime

        sent = await asyncio.wrap_future(self.service.submit(Store.list_summaries_sent, shift_key))
        if complaint_summary_reminder_due(self.clock(), end, sent=bool(sent)):
            self._alert(
                [
                    _(
                        "Daily complaint summary not sent yet: the shift ends at {time} (D writes it and records to whom)"
                    ).format(time=f"{datetime.fromtimestamp(end):%H:%M}")
                ]
            )

    @on(FloorUpdated)
    def _floor_updated(self, msg: FloorUpdated) -> None:
        guarded_call(self, N_("showing a floor update"), lambda: self.apply_update(msg.update))

    def apply_update(self, update: FloorUpdate) -> None:
        """Show what the engine pushed: the model takes it, the panels repaint what changed."""
        changed = self.floor.apply(update)
        self.attendance.observe(changed, self.clock())
        if changed:
            self._panel(SeatTable).rows_changed(changed)
            self._panel(FloorMap).rows_changed(changed)
            self._patrol_counts = None
            self._panel(QueuesPanel).set_counts(self.floor.counts)
        if update.queues:
            self._panel(QueuesPanel).update_queues(update.queues.values())
        if update.status is not None:
            status = update.status
            if self._problems.get("feed") and not status.problem:
                status = replace(status, problem=self._problems["feed"])
            self._panel(FloorHeader).set_health(status)
            if status.live and not self._backfilled:
                self._backfilled = True
                # The backfilled floor is long-lived; keeping it out of the cyclic GC's
                # full scans avoids 50 ms+ pauses on a big floor.
                gc.freeze()

    @on(StoreSnapshot)
    def _store_snapshot(self, snap: StoreSnapshot) -> None:
        guarded_call(self, N_("showing the records"), lambda: self.apply_store(snap))

    def apply_store(self, snap: StoreSnapshot) -> None:
        """Show what the store holds: escalations, log, patrolled seats, open handover."""
        panel = self._panel(EscalationsPanel)
        panel.names = self.names
        panel.set_escalations(snap.escalations, total=snap.escalations_total)
        self._panel(HandoverLogPanel).set_log(snap.log_entries, snap.carried_items)
        self._panel(SeatTable).set_patrolled(snap.patrolled)
        self._panel(FloorMap).set_patrolled(snap.patrolled)
        self._patrol_counts = None
        self._panel(FloorHeader).set_handover_state(
            handed_over=snap.handed_over, waiting=snap.handover_waiting, open_items=open_items_text(snap.open_items)
        )
        self._last_patrol = snap.last_patrol
        # only the incoming side is offered the review, from the moment the handover is signed
        if snap.handover_waiting and not self._review_offered and self.screen is self.screen_stack[0]:
            self._offer_review(snap.handover_waiting)
        self._alert(self.alerts.overdue(snap.open_items))
        self._reload_attendance()
        new = self.alerts.escalations(snap.escalations)
        if new:
            e = new[0]
            who = self.names.get(e.agent, e.agent)
            more = " " + _("(+{n} more)").format(n=len(new) - 1) if len(new) > 1 else ""
            self._alert(
                [
                    _("New escalation: {who}").format(who=printable(who))
                    + f" {glyphs.current().separator} {printable(e.queue)} {glyphs.current().separator} {printable(e.reason)}{more}"
                ]
            )

    @on(WorkerProblem)
    def _worker_problem(self, msg: WorkerProblem) -> None:
        before = self._problems.get(msg.source, "")
        self._problems[msg.source] = msg.text
        if msg.text and msg.text != before:
            self.notify(
                printable(msg.text),
                title=_("{source} problem").format(source=msg.source),
                severity="error",
                timeout=8,
                markup=False,
            )

    def _alert(self, lines: list[str]) -> None:
        """Queue alerts; `_flush_alerts` shows them together, at most every ALERT_EVERY_S.

        Each alert is already raised once per episode (AlertTracker); batching them keeps
        a busy floor from stacking a toast a second (each one also costs a layout pass).
        """
        self._pending_alerts.extend(lines)
        if self._pending_alerts and time.monotonic() - self._last_alert >= ALERT_EVERY_S:
            self._flush_alerts()

    def _flush_alerts(self) -> None:
        lines, self._pending_alerts = self._pending_alerts, []
        if not lines:
            return
        self._last_alert = time.monotonic()
        if not self.alert_toasts:
            return
        shown = lines[:4] + ([_("… and {n} more").format(n=len(lines) - 4)] if len(lines) > 4 else [])
        self.notify("\n".join(shown), title=_("Alert"), severity="warning", timeout=6, markup=False)
        if self.config.bell:
            self.bell()

    @on(SeatHighlighted)
    def _seat_highlighted(self, msg: SeatHighlighted) -> None:
        msg.stop()

    @on(FilterChanged)
    def _filter_changed(self, msg: FilterChanged) -> None:
        self._panel(SeatTable).set_filter(msg.text)
        self._panel(FloorMap).set_filter(msg.text)

    @on(FilterClosed)
    def _filter_closed(self) -> None:
        self._seat_view().focus()

    @on(RejectsRequested)
    def _rejects_requested(self) -> None:
        self.action_rejects()

    # ---- selection -----------------------------------------------------------------

    def _seat_view(self) -> SeatTable | FloorMap:
        switcher = self._panel(ContentSwitcher)
        return self._panel(FloorMap) if switcher.current == "floor-map" else self._panel(SeatTable)

    def selected_seat(self) -> Any | None:
        """The seat under the cursor of the visible view, as the forms' `SeatRef`."""
        from screens.forms import SeatRef

        agent = self._seat_view().selected_agent
        if agent is None:
            return None
        row = self.floor.seats.get(agent)
        if row is None:
            return SeatRef(agent, self.names.get(agent, agent), None)
        return SeatRef(agent, row.name, row.seat_id or None)

    def _need_seat(self) -> Any | None:
        seat = self.selected_seat()
        if seat is None:
            self.notify(_("Select a seat first (the table or map cursor)."), severity="warning")
        return seat

    # ---- actions -------------------------------------------------------------------

    def action_toggle_map(self) -> None:
        switcher = self._panel(ContentSwitcher)
        current = self._seat_view()
        agent = current.selected_agent
        switcher.current = "seat-table" if switcher.current == "floor-map" else "floor-map"
        view = self._seat_view()
        if agent is not None:
            view.select_agent(agent)
        view.focus()

    def action_filter(self) -> None:
        self._panel(FilterBar).open()

    def action_sort(self) -> None:
        switcher = self._panel(ContentSwitcher)
        if switcher.current != "seat-table":
            switcher.current = "seat-table"
        table = self._panel(SeatTable)
        table.action_cycle_sort()
        table.focus()

    def _fatal_error(self) -> None:
        """Textual's crash exit, but the dump shows no locals (they hold feed data)."""
        from rich.segment import Segments

        from screens.crash import crash_traceback

        self.bell()
        self._exit_renderables.append(Segments(self.console.render(crash_traceback(), self.console.options)))
        self._close_messages_no_wait()

    def action_rejects(self) -> None:
        counts, last = self.floor.rejects
        if not counts and not last:
            h = self.engine.health
            counts, last = dict(h.reject_counts), list(h.last_rejects)
        self.push_screen(RejectsScreen(str(self.feed_path), counts, last, self.floor.status.last_error))

    def action_patrol(self) -> None:
        from floorconsole.checklist import load_checklist
        from screens.forms import PatrolForm

        if (seat := self._need_seat()) is not None:
            checklist = load_checklist(self.config.checklist_path)
            self.push_screen(PatrolForm(self.service, self.actor, seat, checklist), self._saved(_("Patrol note saved")))

    def action_praise(self) -> None:
        from screens.forms import PraiseForm

        if (seat := self._need_seat()) is not None:
            self.push_screen(PraiseForm(self.service, self.actor, seat), self._saved(_("Praise saved")))

    def action_inspect(self) -> None:
        from screens.forms import InspectionForm

        if (seat := self._need_seat()) is not None:
            self.push_screen(InspectionForm(self.service, self.actor, seat), self._saved(_("Inspection saved")))

    def action_take_over(self) -> None:
        from screens.forms import TakeoverScreen

        escalation = self._panel(EscalationsPanel).selected
        if escalation is None:
            self.notify(_("No pending escalation selected."), severity="warning")
            return
        self.push_screen(
            TakeoverScreen(self.service, self.actor, escalation.id, clock=self.clock),
            self._saved(_("Escalation updated")),
        )

    def action_escalate(self) -> None:
        from screens.forms import EscalationForm

        seat = self.selected_seat()
        queue = ""
        if seat is not None and (row := self.floor.seats.get(seat.agent)) and row.queues:
            queue = row.queues[0]
        self.push_screen(
            EscalationForm(self.service, self.actor, seat=seat, queue=queue), self._saved(_("Escalation recorded"))
        )

    def action_complaint(self) -> None:
        """`K`: register a complaint that came in without an escalation."""
        from screens.forms import ComplaintForm

        seat = self.selected_seat()
        self.push_screen(
            ComplaintForm(self.service, self.actor, agent=seat.agent if seat else "", clock=self.clock),
            self._saved(_("Complaint registered")),
        )

    def action_complaint_summary(self) -> None:
        """`D`: write the daily complaint summary and record to whom it is sent."""
        from screens.export import reports_dir
        from screens.forms import ComplaintSummaryForm

        def done(result: Any) -> None:
            if result is not None:
                path, sent = result
                self.notify(
                    _("Complaint summary written to {path}, recorded as sent to {to}").format(
                        path=printable(str(path)), to=printable(sent.sent_to)
                    ),
                    timeout=8,
                    markup=False,
                )
                self.refresh_store()

        self.push_screen(
            ComplaintSummaryForm(
                self.service,
                self.actor,
                self.config,
                clock=self.clock,
                out_dir=reports_dir(self.config),
                layout=self.floor_layout,
            ),
            done,
        )

    def action_roll_call(self) -> None:
        """`C`: the roll call (点名) of the shift in progress; Enter records it in the duty log."""
        from screens.forms.roll_call import RollCallScreen

        watch = self.attendance
        lines = watch.roll_call_lines()
        if watch.shift is None or not lines:
            self.notify(
                i18n._("Nobody is rostered on this shift: import the roster (floorconsole roster import FILE)."),
                severity="warning",
            )
            return
        self.push_screen(
            RollCallScreen(self.service, self.actor, watch.shift.key, lines), self._saved(i18n._("Roll call recorded"))
        )

    def action_allow_flag(self) -> None:
        """`a`: note one of this shift's attendance flags as allowed, with why."""
        from screens.attendance_allow import AllowFlagForm

        flags = self.attendance.open_flags()
        if not flags:
            self.notify(i18n._("No attendance flag this shift to allow."), severity="information")
            return
        seat = self.selected_seat()
        person = self.attendance.detector.person_of(seat.agent) if seat is not None else ""
        self.push_screen(
            AllowFlagForm(self.service, self.actor, flags, person), self._saved(i18n._("Flag noted as allowed"))
        )

    def action_log_entry(self) -> None:
        from screens.forms import LogEntryForm

        self.push_screen(LogEntryForm(self.service, self.actor), self._saved(_("Log entry added")))

    def _log_hidden(self) -> bool:
        """True when the duty log is not on screen (narrow, and `l` has not shown it)."""
        main = self.screen_stack[0]
        return main.has_class("-narrow") and not main.has_class("-log-view")

    def action_toggle_log(self) -> None:
        """`l`: go to the duty log and back. When narrow (80x24) the log takes the side
        panel's place under the seats, taller; `l` again brings the escalations back."""
        main = self.screen_stack[0]
        log = self._panel(HandoverLogPanel)
        if main.has_class("-narrow"):
            showing = not main.has_class("-log-view")
            main.set_class(showing, "-log-view")
        else:
            showing = not log.has_focus
        if showing:
            log.focus()
        else:
            self._seat_view().focus()

    def action_correct(self) -> None:
        from screens.forms import CorrectionForm

        log = self._panel(HandoverLogPanel)
        if self._log_hidden():
            self.action_toggle_log()
            self.notify(
                _("Duty log shown: pick the entry with ↑/↓, then press c (l hides the log)."), severity="information"
            )
            return
        entry = log.selected_entry
        if entry is None:
            self.notify(_("No duty-log entry this shift to correct (h adds one)."), severity="warning")
            return
        self.push_screen(CorrectionForm(self.service, self.actor, entry), self._saved(_("Correction added")))

    def screen_bindings(self, screen: Screen) -> list[tuple[Any, Binding]]:
        """The keys that work on `screen` (not the main one) as (node, binding): its own,
        the focused widget's that are shown, and the App's it does not shadow (a screen's
        `q` is its own: on the review it means Question, not Quit). Main-screen keys are
        off there, so they are left out."""
        shown: list[tuple[Any, Binding]] = []
        seen: set[tuple[int, str]] = set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not enabled or (node is not screen and node is not self and not binding.show):
                continue
            if node is self and binding.action in self.MAIN_SCREEN_ACTIONS:
                continue
            if (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            shown.append((node, binding))
        return shown

    def _form_with_text(self) -> Any | None:
        """The topmost open form holding text typed and not saved, if any."""
        from screens.forms.base import FormScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, FormScreen) and screen.has_unsaved_text():
                return screen
        return None

    async def action_quit(self) -> None:
        """q / ctrl+q: quit, but ask first when a form holds text that is not saved
        (an entry half-written when the shift ends is otherwise lost without a word).
        A form is modal, so over a form only ctrl+q (and ctrl+c) reach this; there `q`
        is text, or nothing."""
        from screens.forms.base import ConfirmLeave

        form = self._form_with_text()
        if form is None:
            self.exit()
            return
        if isinstance(self.screen, ConfirmLeave):
            return
        self.push_screen(
            ConfirmLeave(
                _("Quit floorconsole?"),
                _("{form} holds text you typed and have not saved. Quit and lose it?").format(form=form.form_title()),
            ),
            lambda leave: self.exit() if leave else None,
        )

    def action_help_quit(self) -> None:
        """ctrl+c: copies the selection of the focused text field if there is one; with
        unsaved text in a form, the same question as quit; otherwise Textual's hint of
        how to quit."""
        focused = self.focused
        if getattr(focused, "selected_text", "") and hasattr(focused, "action_copy"):
            focused.action_copy()
            return
        if self._form_with_text() is not None:
            self.run_worker(self.action_quit(), group="quit", exclusive=True)
            return
        super().action_help_quit()

    def action_help(self) -> None:
        from screens.forms import HelpScreen

        screen = self.screen
        if screen is self.screen_stack[0]:
            self.push_screen(HelpScreen(self.BINDINGS, title=_("floorconsole keys")))
            return
        # the keys of the screen on top (the review, the hand-over, a list), not the main ones
        bindings = [self._help_binding(node, b) for node, b in self.screen_bindings(screen)]
        title = getattr(screen, "HELP_TITLE", "")
        title = _(title) if title else _("{screen} keys").format(screen=type(screen).__name__)
        self.push_screen(HelpScreen(bindings, title=title))

    def _help_binding(self, node: Any, binding: Binding) -> Binding:
        """The binding as help lists it: every key that triggers the action on `node`."""
        keys = (
            ",".join(
                k.key for n, k, _, _ in self.screen.active_bindings.values() if n is node and k.action == binding.action
            )
            or binding.key
        )
        return Binding(keys, binding.action, binding.description or binding.action, key_display=binding.key_display)

    _review_offered = False  # the start-up offer to review a waiting handover is made once

    def _offer_review(self, text: str) -> None:
        from screens.review_screen import ReviewOffer

        self._review_offered = True
        self.push_screen(
            ReviewOffer(_("{text}. Review it now?").format(text=text)), lambda yes: yes and self.action_review()
        )

    def action_review(self) -> None:
        from screens.review_screen import ReviewScreen

        screen = ReviewScreen(
            self.service, self.actor, self.config, clock=self.clock, feed_path=self.feed_path, layout=self.floor_layout
        )
        self.push_screen(screen, lambda _: self.refresh_store())

    def action_hand_over(self) -> None:
        from screens.handover_screen import HandoverScreen

        def done(handover: Any) -> None:
            if handover is not None:
                self.notify(
                    _("Handover #{id} signed to {shift} ({items} items, chain head {seq})").format(
                        id=handover.id, shift=handover.to_shift, items=len(handover.items), seq=handover.head.seq
                    ),
                    timeout=6,
                    markup=False,
                )
                self.refresh_store()

        self.push_screen(
            HandoverScreen(self.service, self.actor, self.config, clock=self.clock, layout=self.floor_layout), done
        )

    def action_export(self) -> None:
        from screens.export import ExportScreen

        self.push_screen(
            ExportScreen(
                self.service, self.actor, self.config, self.feed_path, clock=self.clock, layout=self.floor_layout
            )
        )

    def action_registers(self) -> None:
        from screens.registers_screen import RegistersScreen

        self.push_screen(RegistersScreen(self.service, self.actor, self.config, clock=self.clock))

    def _saved(self, what: str) -> Callable[[Any], None]:
        def done(result: Any) -> None:
            if result is not None:
                self.notify(what, timeout=3)
                self.refresh_store()

        return done

    def refresh_store(self) -> None:
        """Reload the store panels now (after this console wrote something)."""
        self.store.marker = None
        self._store_wake.set()

    # ---- command palette -----------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is not self.screen_stack[0]:
            # the screen on top: its own keys (the main screen's are off there)
            for node, binding in self.screen_bindings(screen):
                if node is self:
                    continue
                key = binding.key_display or self.get_key_display(binding)
                yield SystemCommand(
                    f"{_(binding.description)} ({key})",
                    _(binding.tooltip or binding.description),
                    lambda node=node, action=binding.action: node.run_action(action),
                )
            return
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action == "quit":
                continue
            key = binding.key_display or binding.key
            yield SystemCommand(
                f"{_(binding.description)} ({key})",
                _(_ACTION_HELP.get(binding.action, binding.description)),
                lambda action=binding.action: self.run_action(action),
            )


_ACTION_HELP = {
    "patrol": N_("Patrol note on the selected seat (checklist, deductions, text)"),
    "praise": N_("Praise the selected seat's agent: what they did and why"),
    "inspect": N_("Quality inspection of one of the selected agent's calls"),
    "take_over": N_("Take over the selected escalation (claim, outcome, complaint)"),
    "escalate": N_("Record an escalation by hand"),
    "log_entry": N_("Add a duty-log / handover entry"),
    "toggle_log": N_("Show the duty log and carried items (at 80x24 in place of the escalations)"),
    "correct": N_("Add a correction to the selected duty-log entry"),
    "toggle_map": N_("Switch between the seat table and the floor map"),
    "filter": N_("Filter seats by name, seat, queue (q:) or state (s:)"),
    "sort": N_("Cycle the seat table's sort column"),
    "rejects": N_("Show the last rejected feed lines"),
    "review": N_("Shift-start handover review"),
    "hand_over": N_("Hand over this shift"),
    "export": N_("Export this shift's report"),
    "complaint": N_("Register a complaint that came without an escalation (投诉登记)"),
    "complaint_summary": N_("Write the daily complaint summary and record to whom it is sent"),
    "registers": N_("Leave and swap registers (请假, 换班登记表): enter, approve, withdraw"),
    "roll_call": N_("Roll call at shift start (点名): present, late, absent, on leave, into the duty log"),
    "allow_flag": N_("Note an attendance flag as allowed (e.g. sent to recover), so it is not counted"),
    "help": N_("List every key"),
    **AMI_ACTION_HELP,
}


def run_console(config: Config, feed_path: Path | str, clock: Clock | None = None) -> int:
    """Open the console on `feed_path` until the user quits; returns the exit code.

    A records database or layout that cannot be opened at all is reported in one line
    (exit 1) before the screen opens; once open, errors are shown inside the console.
    """
    import sys

    from floorconsole.config import ConfigError
    from floorconsole.store import StoreError

    try:
        app = FloorApp(build_parts(config, Path(feed_path), clock=clock))
    except (StoreError, ConfigError, OSError) as exc:
        print(f"floorconsole: {exc}", file=sys.stderr)
        return 1
    result = app.run()
    return int(app.return_code or 0) if result is None else int(result)
