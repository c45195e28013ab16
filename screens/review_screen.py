"""`r`: the shift-start handover review (交接班, incoming side), readable in about a minute.

Top: the previous shift's KPIs beside the same shift last week (folded from the feed's
files in a thread worker, never on the UI thread). Below: every carried item grouped by
kind, oldest first, with age and owner. space acknowledges one item, `A` all (after a
confirmation), `q` questions one (a note for the outgoing side), `S` signs receipt.
The handover is here as soon as the outgoing side has signed it, before the shift boundary
too. Opened by the person who signed it, the screen is read-only except `a`, which answers
a question on the selected item; nobody acknowledges or receives their own handover.
Every write is one store call on the store thread; the screen redraws from what the store
returns, so what is shown is what was recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from floorconsole import glyphs
from floorconsole.confidential import FINDING_KINDS, shown_body
from floorconsole.handover_gather import KIND_TITLES, format_age, kind_rank, origins
from floorconsole.i18n import N_, _, ngettext
from floorconsole.printable import printable
from floorconsole.report import FeedSummary, feed_files, resolve_shift, summarize_feed
from floorconsole.report_cells import fmt_pct, fmt_s
from floorconsole.shifts import ShiftWindow, previous_shift, shift_at_epoch
from floorconsole.store import Store
from screens.footer import TranslatedFooter
from screens.forms.base import FORMS_CSS, FormScreen, Problems, StoreCall, error_message, field_row, literal

REVIEW_CSS = Path(__file__).with_name("review.tcss")
STATE_MARKS = {"acknowledged": ("✓", "green"), "questioned": ("?", "yellow"), "pending": ("·", "")}
KPI_ROWS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    (N_("Offered"), lambda m: str(m.offered)),
    (N_("Answered"), lambda m: str(m.answered)),
    (N_("Service level"), lambda m: fmt_pct(m.service_level)),
    (N_("Abandon rate"), lambda m: fmt_pct(m.abandon_rate)),
    (N_("ASA"), lambda m: fmt_s(m.asa_s)),
    (N_("AHT"), lambda m: fmt_s(m.aht_s)),
    (N_("Peak wait"), lambda m: fmt_s(m.max_wait_s)),
)


@dataclass(frozen=True)
class Loaded:
    """What the review shows of the store: the handover and each item's (time, owner)."""

    handover: Any | None
    origin: dict[int, tuple[float, str]]
    mine: bool = False  # signed by the person looking at it (the outgoing side)


def is_signer(actor: Any, handover: Any) -> bool:
    """True when `actor` is the person who signed `handover` (same OS account or name)."""
    return actor.os_user == handover.handed.os_user or actor.name == handover.handed.name


def load_review(store: Any, actor: Any, now: float, shift_key: str) -> Loaded:
    """The handover to show `actor` (runs on the store thread).

    The oldest one waiting for their shift (this one or the next: from the moment it is
    signed, before the boundary too); else one they signed that nobody has received (to
    follow and answer questions); else the last one to this shift, to look at again.
    """
    waiting = store.handovers_waiting_for(actor, now)
    mine = store.handovers_signed_not_received(actor)
    if waiting:
        ho = waiting[0]
    elif mine:
        ho = mine[-1]
    else:
        ho = next((h for h in store.list_handovers(limit=20) if h.to_shift == shift_key), None)
    return Loaded(ho, origins(store, ho.items) if ho is not None else {}, ho is not None and is_signer(actor, ho))


def acknowledge_all(store: Any, handover_id: int, actor: Any) -> Any:
    """Acknowledge every item not yet acknowledged (one store-thread job)."""
    ho = store.get_handover(handover_id)
    for item in ho.items:
        if item.state != "acknowledged":
            ho = store.acknowledge_item(handover_id, item.id, actor)
    return ho


def kpi_table(prev_key: str, prev: FeedSummary | None, week_key: str, week: FeedSummary | None, note: str) -> Any:
    """Previous shift beside the same shift a week earlier ("—" where there is no data)."""
    t = Table(box=None, pad_edge=False, show_edge=False, padding=(0, 2, 0, 0), header_style="bold")
    t.add_column(_("KPI"))
    t.add_column(Text(_("Previous shift {shift}").format(shift=prev_key)), justify="right")
    t.add_column(Text(_("Last week {shift}").format(shift=week_key)), justify="right")
    for label, cell in KPI_ROWS:
        a = cell(prev.total) if prev is not None and prev.has_data else _("—")
        b = cell(week.total) if week is not None and week.has_data else _("—")
        t.add_row(_(label), a, b)
    return Group(t, Text(note, style="dim")) if note else t


class ConfirmForm(FormScreen[Any]):
    """A yes/no step before a write that cannot be undone; dismisses with the store result."""

    def __init__(
        self,
        service: Any,
        actor: Any,
        title: str,
        message: Text | str,
        label: str,
        call: Callable[..., Any],
        *args: Any,
    ) -> None:
        super().__init__(service, actor)
        self._title, self.message, self.call, self.args = title, message, call, args
        self.save_label = label

    def form_title(self) -> str:
        return self._title

    def compose_form(self) -> ComposeResult:
        yield Static(self.message if isinstance(self.message, Text) else Text(self.message), classes="info")

    def on_mount(self) -> None:
        self.query_one("#form-save", Button).label = self.save_label
        self.query_one("#form-save", Button).focus()

    async def write(self, values: Any) -> Any:
        return await self.call_store(self.call, *self.args)


class QuestionForm(FormScreen[Any]):
    """Question one item: a note the outgoing side must answer. Dismisses with the Handover."""

    FORM_TITLE = N_("Question this item")
    SAVE_LABEL = N_("Ask")

    def __init__(self, service: Any, actor: Any, handover_id: int, item: Any) -> None:
        super().__init__(service, actor)
        self.handover_id, self.item = handover_id, item

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.item.entry.body, 300), classes="info")
        yield field_row(_("Question"), Input(id="question", compact=True, placeholder=_("what is unclear or missing")))

    def collect(self, problems: Problems) -> str:
        text = self.query_one("#question", Input).value.strip()
        if not text:
            problems.add("question", _("Write the question for the outgoing supervisor."))
        return text

    def store_call(self, values: str) -> StoreCall:
        return StoreCall(Store.question_item, (self.handover_id, self.item.id, values, self.actor))


class AnswerForm(QuestionForm):
    """The outgoing side answers the question on one of its items. Dismisses with the Handover."""

    FORM_TITLE = N_("Answer the question")
    SAVE_LABEL = N_("Answer")

    def compose_form(self) -> ComposeResult:
        text = Text(printable(self.item.entry.body, 300))
        for q in self.item.questions:
            text.append(f"\n? {printable(q.signature.name, 20)}: ", style="yellow")
            text.append(printable(q.text, 300))
        yield Static(text, classes="info")
        yield field_row(
            _("Answer"), Input(id="question", compact=True, placeholder=_("the answer for the incoming side"))
        )

    def collect(self, problems: Problems) -> str:
        text = self.query_one("#question", Input).value.strip()
        if not text:
            problems.add("question", _("Write the answer for the incoming supervisor."))
        return text

    def store_call(self, values: str) -> StoreCall:
        return StoreCall(Store.answer_item, (self.handover_id, self.item.id, values, self.actor))


class ReviewOffer(ModalScreen[bool]):
    """Offered on start when a handover is waiting: review now, or later with r."""

    CSS_PATH: ClassVar[list[str]] = [str(FORMS_CSS), str(REVIEW_CSS)]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", N_("Later")),
        Binding("enter", "now", N_("Review now"), priority=True),
    ]

    def __init__(self, text: str) -> None:
        super().__init__(classes="form-screen")
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(_("Handover waiting 交接班"), id="form-title")
            yield Static(literal(self.text), classes="info")
            yield Static(_("enter review now · esc later (r)"), classes="hint")

    def action_now(self) -> None:
        self.dismiss(True)

    def action_later(self) -> None:
        self.dismiss(False)


class ReviewScreen(Screen[Any]):
    """The incoming supervisor's review; dismisses with the last `Handover` seen (or None)."""

    HELP_TITLE = N_("Handover review keys")
    CSS_PATH = str(REVIEW_CSS)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "ack", N_("Acknowledge")),
        Binding("A", "ack_all", N_("Ack all")),
        Binding("q", "question", N_("Question")),
        Binding("S", "sign", N_("Sign receipt")),
        Binding("a", "answer", N_("Answer"), show=False),  # the outgoing side, on its own handover
        Binding("escape", "close", N_("Back")),
    ]

    def __init__(
        self,
        service: Any,
        actor: Any,
        config: Any,
        *,
        clock: Callable[[], float],
        feed_path: Path | None = None,
        layout: Any = None,
    ) -> None:
        super().__init__(classes="review-screen")
        self.service = service
        self.actor = actor
        self.config = config
        self.clock = clock
        self.feed_path = feed_path
        self.floor_layout = layout
        self.current = shift_at_epoch(config.shifts, clock())
        # praise in public, correct in private: a viewer sees that there is a finding, not what
        self.sees_findings = config.sees_findings(getattr(actor, "os_user", ""))
        self.handover: Any | None = None
        self.origin: dict[int, tuple[float, str]] = {}
        self.mine = False
        self.loaded = False
        self.kpis: tuple[FeedSummary | None, FeedSummary | None] | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                _("Handover review {separator} {key}").format(
                    separator=glyphs.current().separator, key=self.current.key
                ),
                style="bold",
            ),
            id="rv-title",
        )
        yield Static(Text(_("Loading the previous shift's figures…"), style="dim"), id="rv-kpis")
        yield Static("", id="rv-status")
        yield OptionList(id="rv-items")
        yield Static("", id="rv-error")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#rv-items", OptionList).focus()
        self.run_worker(self._load(), group="review-load", exit_on_error=False)

    # -- loading ---------------------------------------------------------------------
    async def _store(self, fn: Any, *args: Any) -> Any:
        return await asyncio.wrap_future(self.service.submit(fn, *args))

    async def _load(self) -> None:
        try:
            loaded = await self._store(load_review, self.actor, self.clock(), self.current.key)
        except Exception as exc:  # noqa: BLE001 - shown; the screen stays open
            self.show_error(error_message(exc))
            return
        self.handover, self.origin, self.mine, self.loaded = loaded.handover, loaded.origin, loaded.mine, True
        self.render_items()
        prev = self._previous_window()
        week = ShiftWindow(prev.name, prev.start - timedelta(days=7), prev.end - timedelta(days=7))
        self.fold_kpis(prev, week)

    def _previous_window(self) -> ShiftWindow:
        if self.handover is not None:
            try:
                return resolve_shift(self.config, self.handover.from_shift, self.clock())
            except ValueError:
                pass
        return previous_shift(self.config.shifts, self.current)

    @work(thread=True, exit_on_error=False, group="review-kpis")
    def fold_kpis(self, prev: ShiftWindow, week: ShiftWindow) -> None:
        """Fold the feed's files for both windows (thread worker: the UI keeps running)."""
        note = ""
        summaries: list[FeedSummary | None] = [None, None]
        if self.feed_path is None:
            note = _("no feed configured")
        else:
            paths = feed_files(Path(self.feed_path))
            for i, w in enumerate((prev, week)):
                try:
                    summaries[i] = summarize_feed(
                        paths,
                        self.config.thresholds,
                        w.start.timestamp(),
                        w.end.timestamp(),
                        layout=self.floor_layout,
                        feed_format=self.config.feed_format,
                    )
                except OSError as exc:
                    note = _("feed could not be read: {error}").format(error=exc)
            missing = [
                label
                for label, summary in (
                    (_("the previous shift"), summaries[0]),
                    (_("the same shift last week"), summaries[1]),
                )
                if summary is None or not summary.has_data
            ]
            if missing and not note:
                note = _("no feed data for {what}").format(what=_(" or ").join(missing))
        self.app.call_from_thread(self.show_kpis, prev.key, summaries[0], week.key, summaries[1], note)

    def show_kpis(
        self, prev_key: str, prev: FeedSummary | None, week_key: str, week: FeedSummary | None, note: str
    ) -> None:
        """Put the folded figures on screen (UI thread)."""
        self.kpis = (prev, week)
        self.query_one("#rv-kpis", Static).update(kpi_table(prev_key, prev, week_key, week, note))

    # -- drawing ---------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.query_one("#rv-error", Static).update(Text(message, style="bold red") if message else "")

    def item_text(self, item: Any, now: float) -> Text:
        t0, owner = self.origin.get(item.id, (item.entry.time, item.entry.author))
        mark, style = STATE_MARKS.get(item.state, (glyphs.current().dot, ""))
        mark = {"✓": glyphs.current().check, "·": glyphs.current().dot}.get(mark, mark)
        out = Text()
        out.append(f" {mark} ", style=f"bold {style}".strip())
        out.append(f"{format_age(now - t0):>6} ", style="bold")
        out.append(printable(owner, 14).ljust(14) + " ", style="dim")
        out.append(printable(shown_body(item.entry.kind, item.entry.body, self.sees_findings), 300))
        if item.note and (self.sees_findings or item.entry.kind not in FINDING_KINDS):
            out.append("\n          ↳ ", style="dim")
            out.append(printable(item.note, 300), style="italic")
        for ev in item.events:
            if ev.action not in ("question", "answer"):
                continue
            out.append(
                "\n          ? " if ev.action == "question" else "\n          ↪ answer ",
                style="yellow" if ev.action == "question" else "green",
            )
            out.append(f"{printable(ev.signature.name, 20)}: ", style="dim")
            out.append(printable(ev.text, 300))
        return out

    def render_items(self) -> None:
        ol = self.query_one("#rv-items", OptionList)
        keep = ol.highlighted_option.id if ol.highlighted_option is not None else None
        ol.clear_options()
        status = self.query_one("#rv-status", Static)
        ho = self.handover
        if ho is None:
            status.update(Text(_("No handover for this shift has been signed yet."), style="yellow"))
            return
        now = self.clock()
        groups: dict[str, list[Any]] = {}
        for item in ho.items:
            groups.setdefault(item.entry.kind, []).append(item)
        options: list[Option] = []
        for kind in sorted(groups, key=kind_rank):
            items = sorted(groups[kind], key=lambda it: (self.origin.get(it.id, (it.entry.time, ""))[0], it.position))
            options.append(
                Option(
                    Text(f"{KIND_TITLES.get(kind, printable(kind))} ({len(items)})", style="bold"),
                    id=f"hdr-{kind}",
                    disabled=True,
                )
            )
            options += [Option(self.item_text(it, now), id=f"item-{it.id}") for it in items]
        ol.add_options(options)
        ids = [o.id for o in options if o.id and o.id.startswith("item-")]
        if ids:
            ol.highlighted = ol.get_option_index(keep if keep in ids else ids[0])
        line = Text()
        line.append(
            _("From {from_shift} to {to_shift}, handed over by {who} ({age} ago)").format(
                from_shift=printable(ho.from_shift),
                to_shift=printable(ho.to_shift),
                who=printable(ho.handed.name),
                age=format_age(now - ho.handed.time),
            )
            + f" {glyphs.current().separator} "
            + _("{done}/{total} acknowledged").format(done=ho.acknowledged_count, total=len(ho.items))
            + f" {glyphs.current().separator} "
        )
        if ho.received is not None:
            line.append(_("receipt signed by {who}").format(who=printable(ho.received.name)), style="bold green")
        elif self.mine:
            line.append(_("handed over, not yet received: you may not leave"), style="bold black on yellow")
        else:
            line.append(_("handover not received"), style="bold black on yellow")
        if ho.note:
            line.append("\n" + _("Note: "), style="bold")
            line.append(printable(ho.note, 500))
        if self.mine and ho.received is None:
            line.append(
                "\n"
                + _(
                    "You signed this handover: the incoming supervisor acknowledges and signs receipt "
                    "from their own account. a answers a question on the selected item."
                ),
                style="italic",
            )
        head = ho.chain or ho.head  # the head covering every table (the log's before m003)
        line.append(
            "\n"
            + _("chain head at signing: {head}").format(
                head=f"{head.text.split(':')[0]}:{head.hash[:16]}{glyphs.current().ellipsis}"
            ),
            style="dim",
        )
        status.update(line)

    def selected_item(self) -> Any | None:
        ol = self.query_one("#rv-items", OptionList)
        opt = ol.highlighted_option
        if self.handover is None or opt is None or not (opt.id or "").startswith("item-"):
            return None
        item_id = int(opt.id.removeprefix("item-"))
        return next((i for i in self.handover.items if i.id == item_id), None)

    def updated(self, handover: Any) -> None:
        """Redraw from the record the store returned."""
        if handover is not None:
            self.handover = handover
            self.render_items()

    # -- actions ---------------------------------------------------------------------
    def _writable(self) -> bool:
        if self.handover is None:
            self.show_error(_("There is no handover to review."))
            return False
        if self.handover.received is not None:
            self.show_error(_("This handover was already received; the record is closed."))
            return False
        if self.mine:
            self.show_error(
                _(
                    "You ({name}) handed this over: only the incoming supervisor "
                    "acknowledges, questions and signs receipt, from their own account."
                ).format(name=printable(self.actor.name))
            )
            return False
        return True

    def action_ack(self) -> None:
        item = self.selected_item()
        if not self._writable() or item is None:
            return
        self.run_worker(self._ack(item.id), group="review-write", exit_on_error=False)

    async def _ack(self, item_id: int) -> None:
        try:
            ho = await self._store(Store.acknowledge_item, self.handover.id, item_id, self.actor)
        except Exception as exc:  # noqa: BLE001 - shown on the error line
            self.show_error(error_message(exc))
            return
        self.show_error("")
        self.updated(ho)
        self.query_one("#rv-items", OptionList).action_cursor_down()

    def action_ack_all(self) -> None:
        if not self._writable():
            return
        pending = sum(1 for i in self.handover.items if i.state != "acknowledged")
        if not pending:
            self.show_error(_("Every item is already acknowledged."))
            return
        self.app.push_screen(
            ConfirmForm(
                self.service,
                self.actor,
                _("Acknowledge all"),
                Text(
                    ngettext(
                        "Acknowledge all {n} remaining item as {who}? Each is recorded with your name and the time.",
                        "Acknowledge all {n} remaining items as {who}? Each is recorded with your name and the time.",
                        pending,
                    ).format(n=pending, who=printable(str(self.actor)))
                ),
                _("Acknowledge all"),
                acknowledge_all,
                self.handover.id,
                self.actor,
            ),
            self.updated,
        )

    def action_question(self) -> None:
        item = self.selected_item()
        if not self._writable() or item is None:
            return
        self.app.push_screen(QuestionForm(self.service, self.actor, self.handover.id, item), self.updated)

    def action_answer(self) -> None:
        item = self.selected_item()
        if self.handover is None or item is None:
            self.show_error(_("There is no item to answer."))
            return
        if not self.mine:
            self.show_error(
                _("Only {name}, who handed this over, answers its questions.").format(
                    name=printable(self.handover.handed.name)
                )
            )
            return
        if not item.questions:
            self.show_error(_("This item was not questioned: there is nothing to answer."))
            return
        self.app.push_screen(AnswerForm(self.service, self.actor, self.handover.id, item), self.updated)

    def action_sign(self) -> None:
        if not self._writable():
            return
        pending = [i for i in self.handover.items if i.state != "acknowledged"]
        msg = Text(
            _("Sign receipt of handover #{id} from {shift} as {who}.").format(
                id=self.handover.id, shift=printable(self.handover.from_shift), who=printable(str(self.actor))
            )
        )
        if pending:
            msg.append(
                "\n"
                + ngettext(
                    "{n} item is not acknowledged; the record will show that.",
                    "{n} items are not acknowledged; the record will show that.",
                    len(pending),
                ).format(n=len(pending)),
                style="bold yellow",
            )
        self.app.push_screen(
            ConfirmForm(
                self.service,
                self.actor,
                _("Sign receipt 接班签字"),
                msg,
                _("Sign receipt"),
                Store.receive_handover,
                self.handover.id,
                self.actor,
            ),
            self._signed,
        )

    def _signed(self, handover: Any) -> None:
        if handover is not None:
            self.updated(handover)
            self.app.notify(_("Handover #{id} received").format(id=handover.id), timeout=4)

    def action_close(self) -> None:
        self.dismiss(self.handover)


__all__ = ["AnswerForm", "ConfirmForm", "QuestionForm", "ReviewOffer", "ReviewScreen", "acknowledge_all", "load_review"]
