"""Drawing never ends the console: a panel that fails to draw shows why, and the app goes on.

A bug in a widget's render or an alert rule, met on one odd value, used to take the whole
console down (and again on every restart, as the feed still held the value). The line-API
widgets and the text panels draw through these guards: on an exception they draw a short
red note in place of what failed, and the App is told once (a toast, "screen problem") so the
supervisor knows a panel is incomplete, while every other panel keeps updating.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from floorconsole import glyphs
from floorconsole.i18n import _
from screens.messages import WorkerProblem

F = TypeVar("F", bound=Callable[..., Any])
_NOTE = Style(color="red1", bold=True)


def _report(widget: Any, exc: BaseException) -> str:
    text = _("{widget} could not draw: {error}").format(
        widget=type(widget).__name__, error=f"{type(exc).__name__}: {exc}"
    )
    seen = widget.__dict__.setdefault("_draw_problems", set())
    if text not in seen and len(seen) < 20:
        seen.add(text)
        try:
            widget.app.post_message(WorkerProblem("screen", text[:300]))
        except Exception:  # noqa: BLE001 - no app (a bare widget in a test): drawing goes on
            pass
    return text


def guarded_line(method: F) -> F:
    """For `render_line(self, y) -> Strip`: a failing line becomes a red note."""

    @functools.wraps(method)
    def wrapper(self: Any, y: int) -> Strip:
        try:
            return method(self, y)
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            text = _report(self, exc)
            return Strip(
                [Segment(f"{glyphs.current().warning} {text}"[: max(1, self.size.width)], _NOTE)]
            ).adjust_cell_length(self.size.width)

    return wrapper  # type: ignore[return-value]


def guarded_text(method: F) -> F:
    """For `render(self) -> Text`: a failing panel shows a red note instead."""

    @functools.wraps(method)
    def wrapper(self: Any) -> Text:
        try:
            return method(self)
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            return Text(f"{glyphs.current().warning} {_report(self, exc)}", style=_NOTE, no_wrap=True, overflow="crop")

    return wrapper  # type: ignore[return-value]


def guarded_call(app: Any, what: str, fn: Callable[[], None]) -> None:
    """Run one step of the App's routing (the tick, an update); report instead of raising."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - see the module docstring
        app.post_message(
            WorkerProblem(
                "screen", _("{what} failed: {error}").format(what=_(what), error=f"{type(exc).__name__}: {exc}")[:300]
            )
        )
