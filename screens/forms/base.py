"""Shared form scaffolding: title, body, error line, Save/Cancel, and the store round-trip.

Every form in this package is a `FormScreen`:

- Escape cancels and writes nothing (dismiss value `None`).
- ctrl+s (anywhere) or Enter in a one-line field saves.
- `collect()` reads the widgets and reports every problem through `Problems`; the form
  says why on its error line and marks the fields, and keeps everything typed.
- A valid form is written by one `service.submit(method, *args, **kw)` call, awaited with
  `asyncio.wrap_future` inside a worker, so the UI thread never waits on SQLite. A
  `StoreError` (its message is written for people) is shown on the error line; again
  nothing typed is lost. On success the screen dismisses with the store's return value.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.renderables.bar import Bar as BarRenderable
from textual.screen import ModalScreen
from textual.scrollbar import ScrollBarRender
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, Static, TextArea
from textual.widgets._toggle_button import ToggleButton

from floorconsole import glyphs
from floorconsole.i18n import N_, _
from floorconsole.printable import printable

R = TypeVar("R")

FORMS_CSS = Path(__file__).with_name("forms.tcss")


class SeatRef(NamedTuple):
    """The seat a form is about: the feed's agent id, the person's name, the seat."""

    agent: str
    name: str
    seat_id: str | None = None


def as_seat(seat: SeatRef | tuple[str, str, str | None]) -> SeatRef:
    """Accept a `SeatRef` or any (agent, name, seat_id) tuple."""
    return seat if isinstance(seat, SeatRef) else SeatRef(*seat)


def literal(text: object, max_len: int | None = None) -> Text:
    """User or feed text as a `Text` that shows exactly what was typed (no markup)."""
    return Text(printable("" if text is None else str(text), max_len))


def seat_text(seat: SeatRef) -> Text:
    """`Name (agent) · seat S` shown literally."""
    out = Text(_("Agent: "), style="bold")
    out.append(printable(seat.name or seat.agent))
    if seat.name and seat.name != seat.agent:
        out.append(f" ({printable(seat.agent)})", style="dim")
    if seat.seat_id:
        out.append(f" {glyphs.current().separator} " + _("seat {seat}").format(seat=printable(seat.seat_id)))
    return out


@dataclass
class Problems:
    """What is wrong with a form's values, field by field, in words for the user."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_id: str, message: str) -> None:
        self.items.append((field_id, message))

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class StoreCall:
    """One `service.submit(method, *args, **kwargs)` call."""

    method: Callable[..., Any]  # a Store method (Store.add_entry), never its name
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def is_store_error(exc: BaseException) -> bool:
    """True for the store's user-facing errors (their message is fit to show)."""
    try:
        from floorconsole.store import StoreError
    except ImportError:  # pragma: no cover - the store package not built yet
        return False
    return isinstance(exc, StoreError)


def error_message(exc: BaseException) -> str:
    """What to tell the user about a failed store call."""
    if is_store_error(exc):
        return str(exc) or type(exc).__name__
    return _("Not saved: {error}").format(error=f"{type(exc).__name__}: {exc}")


class FormBody(VerticalScroll, can_focus=False):
    """The fields; scrolls when a form is taller than the terminal. Tab goes to the
    fields, never to the scroll container itself.

    A container inside the body (the take-over's record and outcome block) is as tall as
    its fields: with Vertical's default 1fr height it would be cut to the body's height and
    clip its overflow, so the fields below it could never be scrolled to at 80x24."""

    DEFAULT_CSS = """
    FormBody > Vertical, FormBody > Container, FormBody > VerticalGroup { height: auto; }
    """


class ConfirmLeave(ModalScreen[bool]):
    """ "Discard what you typed?" before a form with unsaved text is closed or the console
    quits: `y`/Enter leaves (True), `n`/Escape goes back to the form (False)."""

    CSS_PATH = str(FORMS_CSS)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", N_("Discard"), priority=True),
        Binding("n,escape", "answer(False)", N_("Keep editing"), priority=True),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="form-screen")
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(self.title_text, id="form-title")
            yield Static(literal(self.message), classes="info")
            yield Static(_("y / enter: discard it · n / esc: back to the form"), classes="hint")

    def action_answer(self, leave: bool) -> None:
        self.dismiss(leave)


_TEXTUAL_MARKS = (ToggleButton.BUTTON_LEFT, ToggleButton.BUTTON_RIGHT, RadioButton.BUTTON_INNER, BarRenderable.BAR)
_TEXTUAL_HALF_BARS = (BarRenderable.HALF_BAR_LEFT, BarRenderable.HALF_BAR_RIGHT)
_TEXTUAL_SCROLL_BARS = (ScrollBarRender.VERTICAL_BARS, ScrollBarRender.HORIZONTAL_BARS)


def ascii_chrome(root: Widget) -> None:
    """With the CJK-safe glyphs on (floorconsole/glyphs.py), Textual's own marks that a CJK
    terminal draws two columns wide become ASCII: the checkbox and radio button's half
    blocks and dot (`[X]`, `[*]`, also in a SelectionList), the progress bar's line (`=`),
    the scrollbar thumb's ends and, under `root`, the select's arrows. The frames are forms.tcss's `App.-cjk-safe` rules.

    Textual draws the toggles and bars from class attributes, so they are set for the whole
    process, both ways: each form that opens sets them for the glyphs in force."""
    safe = glyphs.cjk_safe()
    left, right, dot, bar = ("[", "]", "*", "=") if safe else _TEXTUAL_MARKS
    ToggleButton.BUTTON_LEFT, ToggleButton.BUTTON_RIGHT, RadioButton.BUTTON_INNER = left, right, dot
    BarRenderable.BAR = bar
    BarRenderable.HALF_BAR_LEFT, BarRenderable.HALF_BAR_RIGHT = (bar, bar) if safe else _TEXTUAL_HALF_BARS
    # a scrollbar thumb's ends in eighths of a cell (block characters): whole cells instead
    ScrollBarRender.VERTICAL_BARS, ScrollBarRender.HORIZONTAL_BARS = (
        ([" "] * 8, [" "] * 8) if safe else _TEXTUAL_SCROLL_BARS
    )
    if not safe:
        return
    for arrow in root.query("SelectCurrent .down-arrow").results(Static):
        arrow.update(glyphs.current().more_below)
    for arrow in root.query("SelectCurrent .up-arrow").results(Static):
        arrow.update(glyphs.current().more_above)


class FormScreen(ModalScreen[R], Generic[R]):
    """A modal form: subclasses give `compose_form`, `collect` and `store_call`."""

    CSS_PATH = str(FORMS_CSS)
    FORM_TITLE: ClassVar[str] = N_("Form")
    SAVE_LABEL: ClassVar[str] = N_("Save")
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: an open Select menu gets Escape first and closes.
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save"), priority=True),
    ]

    def __init__(self, service: Any, actor: Any) -> None:
        super().__init__(classes="form-screen")
        self.service = service
        self.actor = actor
        self.saving = False
        self._save_queued = False  # ctrl+s seen; waiting for the keys typed before it

    # -- what subclasses provide -------------------------------------------------------
    def compose_form(self) -> ComposeResult:
        """The form's own fields (between the title and the error line)."""
        yield from ()

    def collect(self, problems: Problems) -> Any:
        """Read the fields; report every problem to `problems`; return the values."""
        return None

    def store_call(self, values: Any) -> StoreCall:
        """The store call that writes `values`."""
        raise NotImplementedError

    def result(self, values: Any, stored: Any) -> Any:
        """What the screen dismisses with after a successful write (default: `stored`)."""
        return stored

    # -- layout --------------------------------------------------------------------------
    def form_title(self) -> str:
        return _(self.FORM_TITLE)

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(self.form_title(), id="form-title")
            with FormBody(id="form-body"):
                yield from self.compose_form()
            with Vertical(id="form-foot"):
                yield Static("", id="form-error")
                with Horizontal(id="form-buttons"):
                    yield Button(_(self.SAVE_LABEL), id="form-save", variant="primary", compact=True)
                    yield Button(_("Cancel"), id="form-cancel", compact=True)
                    yield Static(_("ctrl+s save · esc cancel"), id="form-hint")

    # -- behaviour -----------------------------------------------------------------------
    def show_error(self, message: str | Text) -> None:
        """Put `message` on the error line (empty clears it)."""
        line = self.query_one("#form-error", Static)
        text = message if isinstance(message, Text) else Text(message)
        line.update(text)
        line.set_class(bool(text.plain), "-shown")

    def mark_invalid(self, field_ids: Iterable[str]) -> None:
        ids = set(field_ids)
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")
        for field_id in ids:
            for widget in self.query(f"#{field_id}"):
                widget.add_class("-invalid")

    def on_mount(self) -> None:
        ascii_chrome(self)
        self.call_after_refresh(self._remember_initial)

    def _text_fields(self) -> list[Widget]:
        return [w for w in self.query("Input, TextArea") if isinstance(w, (Input, TextArea))]

    def _remember_initial(self) -> None:
        """What the fields held when the form opened (pre-filled values are not "typed")."""
        self._initial_text = {id(w): _field_text(w) for w in self._text_fields()}

    def has_unsaved_text(self) -> bool:
        """True when a text field holds something typed since the form opened."""
        if self.saving:
            return False
        initial = getattr(self, "_initial_text", {})
        return any(_field_text(w).strip() and _field_text(w) != initial.get(id(w), "") for w in self._text_fields())

    def action_cancel(self) -> None:
        if self.saving:
            # The write is already with the store: leaving now would hide its outcome.
            self.show_error(_("Saving… wait for the result."))
            return
        if self.has_unsaved_text():

            def answered(leave: bool | None) -> None:
                if leave:
                    self.dismiss(None)

            self.app.push_screen(
                ConfirmLeave(
                    _("Discard this form?"),
                    _("{form}: what you typed is not saved and will be lost.").format(form=self.form_title()),
                ),
                answered,
            )
            return
        self.dismiss(None)

    def action_save(self) -> None:
        """Save once every key typed before ctrl+s has reached its field.

        ctrl+s is a priority binding: the App runs it as soon as it reads the key, while
        the keys typed just before it (a fast burst, an IME commit, a paste) may still be
        queued on the focused field. Reading the field now would store a cut entry and
        leave the rest to reach the main screen as shortcuts once the form has gone. So
        the save is queued behind them on the focused widget's own message queue (which
        is FIFO), and only then are the fields read.
        """
        if self.saving or self._save_queued:
            return
        self._save_queued = True
        target = self.focused if self.focused is not None else self
        target.call_later(self._save_after_input)

    def _save_after_input(self) -> None:
        """The focused field has handled its queued input; now the screen's own queue
        (keys that bubbled up from the field) drains before the fields are read."""
        self.call_later(self._save_now)

    def _save_now(self) -> None:
        self._save_queued = False
        if self.saving or not self.is_attached:
            return
        problems = Problems()
        values = self.collect(problems)
        self.mark_invalid(field_id for field_id, _ in problems.items)
        if problems:
            self.show_error(Text("  ".join(m for _, m in problems.items if m)))
            first = problems.items[0][0]
            target = self.query(f"#{first}")
            if target and target.first().focusable:
                target.first().focus()
            return
        self.show_error("")
        self.submit(values)

    def submit(self, values: Any) -> None:
        """Write `values` on the store thread; dismiss on success, say why on failure."""
        self.saving = True
        self.query_one("#form-save", Button).disabled = True
        self.run_worker(self._submit(values), group="form-save", exclusive=True, exit_on_error=False)

    async def call_store(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Await one store call without blocking the UI thread."""
        return await asyncio.wrap_future(self.service.submit(method, *args, **kwargs))

    async def write(self, values: Any) -> Any:
        """Write valid `values` (default: the one `store_call`); returns what was stored."""
        call = self.store_call(values)
        return await self.call_store(call.method, *call.args, **call.kwargs)

    async def _submit(self, values: Any) -> None:
        try:
            stored = await self.write(values)
        except Exception as exc:  # noqa: BLE001 - every failure is shown, none is lost
            self.saving = False
            self.query_one("#form-save", Button).disabled = False
            self.on_store_error(exc)
            return
        self.saving = False
        self.dismiss(self.result(values, stored))

    def on_store_error(self, exc: BaseException) -> None:
        self.show_error(error_message(exc))

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


def _field_text(widget: Widget) -> str:
    return widget.text if isinstance(widget, TextArea) else str(getattr(widget, "value", ""))


def field_row(label: str, *widgets: Widget, row_id: str | None = None, classes: str = "") -> Horizontal:
    """A label column and the field(s) beside it, one line high in the compact style."""
    return Horizontal(
        Label(label, classes="field-label"),
        *widgets,
        classes=f"field-row {classes}".strip(),
        id=row_id,
    )
