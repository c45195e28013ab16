"""The `floorconsole` command: one subcommand per module in `floorconsole.commands`.

Each command module exposes `add_arguments(parser)` and `run(args) -> int`, and a
module docstring whose first line is the subcommand's help. Running `floorconsole`
with no subcommand opens the console.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from floorconsole import _exit_interrupted
from floorconsole.i18n import N_, _

GLOBAL_OPTIONS = ("--config", "--db", "--lang")
_EXPECTED = {"--lang": N_("a language (zh_CN or en)")}
EXIT_INTERRUPTED = 130


def _expected(option: str) -> str:
    """What a global option takes, in the console's language (for its one-line refusal)."""
    return _(_EXPECTED[option]) if option in _EXPECTED else _("a file path")


DEBUG_ENV = "FLOORCONSOLE_DEBUG"  # set to 1 to see the traceback of an unexpected error

# Subcommand name -> module in floorconsole.commands.
COMMANDS: dict[str, str] = {
    "console": "console",
    "demo": "demo",
    "simulate": "simulate",
    "stats": "stats",
    "log": "log",
    "escalate": "escalate",
    "escalations": "escalations",
    "patrol": "patrol",
    "verify": "verify",
    "archive": "archive",
    "handover": "handover",
    "followups": "followups",
    "complaint": "complaint",
    "report": "report",
    "reminders": "reminders",
    "watch": "watch",
    "wallboard": "wallboard",
    "leave": "leave",
    "swap": "swap",
    "roster": "roster",
}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="floorconsole",
        description=_("Keyboard-first console for call-centre floor supervisors."),
    )
    parser.add_argument("--config", help=_("path to a floorconsole TOML config file"))
    parser.add_argument("--db", help=_("path to the records database (overrides config)"))
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help=_("language of the console and messages: zh_CN or en (overrides config and LANG)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        full_name = f"floorconsole.commands.{module_name}"
        try:
            module = importlib.import_module(full_name)
        except ModuleNotFoundError as exc:
            if exc.name != full_name:
                raise
            continue  # a command not built yet; tests/test_cli.py insists all exist
        doc = (module.__doc__ or name).strip().splitlines()[0]
        # the first line is extracted into the catalogs by tools/i18n.py; the rest of the
        # docstring is English-only detail, shown in English
        description = _(doc) if _(doc) != doc else module.__doc__
        p = sub.add_parser(name, help=_(doc), description=description)
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `floorconsole` command; returns the exit code.

    Every failure ends in one line on stderr, never a traceback: Ctrl-C at any moment
    (exit 130), a bad option (exit 2), an unexpected error (exit 1; set
    FLOORCONSOLE_DEBUG=1 to see its traceback).
    """
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        # `floorconsole log list --json | head`: the reader left; not an error of ours.
        _silence_stdout()
        return 0
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no locals
        if os.environ.get(DEBUG_ENV):
            raise
        from floorconsole.masking import mask_digit_runs

        print(
            "floorconsole: "
            + _("error: unexpected {kind}: {text} (set {variable}=1 for details)").format(
                kind=type(exc).__name__, text=mask_digit_runs(str(exc))[:300], variable=DEBUG_ENV
            ),
            file=sys.stderr,
        )
        return 1


def _main(argv: list[str]) -> int:
    try:
        _early_language(argv)
        argv = _hoist_globals(argv)
        _choose_language(argv)
    except ValueError as exc:
        build_parser().error(str(exc))
    parser = build_parser()
    if not _has_subcommand(argv) and not any(a in ("-h", "--help") for a in argv):
        # No subcommand: open the console with whatever global options were given.
        argv = [*argv, "console"]
    args = parser.parse_args(argv)
    if getattr(args, "lang", None) is None:
        # `floorconsole wallboard --lang zh_CN`: the option was hoisted as the global one and
        # the subcommand's own --lang default (None) came back over it; it means both
        args.lang = _global_value(argv, "--lang")
    if getattr(args, "_module", None) is None:
        parser.print_help()
        return 2
    _interrupt_as_exception()
    return int(args._module.run(args) or 0)


def _global_value(argv: list[str], option: str) -> str | None:
    """The value of a (hoisted) global option, before argparse runs."""
    value = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == option and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(f"{option}="):
            value = arg.partition("=")[2]
    return value


# argparse's own words ("usage:", "options", its errors), for the catalogs: argparse looks
# `_` up in its module at call time, and _choose_language points it at ours.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def _early_language(argv: list[str]) -> None:
    """A first guess at the language (a well-formed `--lang`, else the environment), so that a
    refusal of the global options themselves (`--config` with no value) is in it too."""
    from floorconsole.i18n import language_from_environment, normalize_language, set_language

    set_language(normalize_language(_global_value(argv, "--lang")) or language_from_environment(os.environ) or "en")
    argparse._ = _  # type: ignore[attr-defined]


def _choose_language(argv: list[str]) -> None:
    """Set the language once, before the parser is built (its help is translated too):
    `--lang`, else `[console] language` in the config file, else LANGUAGE/LC_ALL/LC_MESSAGES/LANG.

    A config file that cannot be read is left for the command to report."""
    from floorconsole import glyphs
    from floorconsole.config import ConfigError, load_config
    from floorconsole.i18n import choose_language, set_language

    option = _global_value(argv, "--lang")
    configured = None
    ambiguous_wide = None
    try:
        config = load_config(_global_value(argv, "--config"))
        configured, ambiguous_wide = config.language, config.ambiguous_wide
    except (ConfigError, OSError):
        pass
    set_language(choose_language(option, configured, os.environ))
    glyphs.configure(ambiguous_wide)  # the chrome's glyphs, once: CJK-safe for zh_CN unless the config says
    argparse._ = _  # type: ignore[attr-defined]  # argparse's words in the same language


def _interrupt_as_exception() -> None:
    """From here on Ctrl-C raises KeyboardInterrupt, which `main` turns into exit 130."""
    if signal.getsignal(signal.SIGINT) is _exit_interrupted:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _interrupted() -> int:
    try:
        sys.stderr.write("floorconsole: " + _("interrupted") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return EXIT_INTERRUPTED


def _has_subcommand(argv: list[str]) -> bool:
    """True when the first word after the (hoisted) global options is a known subcommand."""
    i = 0
    while i < len(argv) and argv[i] in GLOBAL_OPTIONS:
        i += 2
    while i < len(argv) and argv[i].startswith(tuple(f"{o}=" for o in GLOBAL_OPTIONS)):
        i += 1
    return i < len(argv) and argv[i] in COMMANDS


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _hoist_globals(argv: list[str]) -> list[str]:
    """Allow `--config`/`--db`/`--lang` after the subcommand too (`floorconsole stats --db x`).

    ValueError when one of them has no value (`floorconsole log list --config`).
    """
    out_globals: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg in GLOBAL_OPTIONS:
            value = argv[i + 1] if i + 1 < len(argv) else None
            if value is None or not value.strip() or value in GLOBAL_OPTIONS:
                raise ValueError(_("argument {arg}: expected {what}").format(arg=arg, what=_expected(arg)))
            out_globals += [arg, value]
            i += 2
            continue
        if arg.startswith(tuple(f"{o}=" for o in GLOBAL_OPTIONS)):
            if not arg.partition("=")[2].strip():
                name = arg.partition("=")[0]
                raise ValueError(_("argument {name}: expected {what}").format(name=name, what=_expected(name)))
            out_globals.append(arg)
        else:
            rest.append(arg)
        i += 1
    return out_globals + rest


if __name__ == "__main__":
    raise SystemExit(main())
