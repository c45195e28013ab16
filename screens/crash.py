"""What the console prints when it crashes: the traceback without local variables.

Textual's own crash dump (`App._fatal_error`) renders a rich `Traceback` with
`show_locals=True`, and the locals of a console hold feed data (rejected lines, caller
numbers, escalation reasons) that must never reach a terminal, a scrollback or a log file
unaudited. This one shows the frames and the source lines, and the exception message with
every run of 5+ digits masked (messages often quote the value that failed).
"""

from __future__ import annotations

import sys

import rich
from rich.traceback import Traceback

from floorconsole.masking import mask_digit_runs

MESSAGE_MAX = 300


def crash_traceback() -> Traceback:
    """A rich Traceback of the exception being handled: no locals, message masked."""
    exc_type, exc_value, tb = sys.exc_info()
    if exc_type is None or exc_value is None:
        return Traceback(show_locals=False, width=None, suppress=[rich])
    trace = Traceback.extract(exc_type, exc_value, tb, show_locals=False)
    for stack in trace.stacks:
        message = mask_digit_runs(stack.exc_value)
        stack.exc_value = message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"
        for frame in stack.frames:
            frame.locals = None
        if stack.syntax_error is not None:
            stack.syntax_error.line = mask_digit_runs(stack.syntax_error.line)
    return Traceback(trace, show_locals=False, width=None, suppress=[rich])
