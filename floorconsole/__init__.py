"""floorconsole: the domain and engine of a call-centre floor supervisor's console.

Nothing in this package imports Textual; the user interface lives in `screens/`.
"""

__version__ = "0.1.0"


def _exit_interrupted(signum: int, frame: object) -> None:
    """Ctrl-C while the program is still starting: one line, exit 130, no traceback."""
    import os

    try:
        os.write(2, b"floorconsole: interrupted\n")
    finally:
        os._exit(130)


def _quiet_interrupts_while_starting() -> None:
    # The first code of ours to run when started as `floorconsole` or `python -m
    # floorconsole`: imports take a while, and a KeyboardInterrupt raised inside one prints
    # a traceback. `cli.main` hands Ctrl-C back to KeyboardInterrupt when a command runs.
    # Imported as a library (tests, tools), nothing changes.
    import os
    import sys
    from itertools import pairwise

    argv = list(getattr(sys, "orig_argv", sys.argv))
    as_module = any(a == "-m" and b == "floorconsole" for a, b in pairwise(argv))
    as_script = bool(sys.argv) and os.path.basename(sys.argv[0]) == "floorconsole"
    if not (as_module or as_script):
        return
    TYPE_CHECKING = False  # mypy reads this name as True; no `typing` import on the way to the handler
    if TYPE_CHECKING:
        import signal as _signal  # the same functions, with typeshed's types (_signal has no stub)
    else:
        import _signal

    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, _exit_interrupted)


_quiet_interrupts_while_starting()
