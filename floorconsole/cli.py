"""The `floorconsole` command: one subcommand per module in `floorconsole.commands`.

Each command module exposes `add_arguments(parser)` and `run(args) -> int`, and a
module docstring whose first line is the subcommand's help. Running `floorconsole`
with no subcommand opens the console.
"""

from __future__ import annotations

import argparse
import importlib
import sys

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
    "report": "report",
}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="floorconsole",
        description="Keyboard-first console for call-centre floor supervisors.",
    )
    parser.add_argument("--config", help="path to a floorconsole TOML config file")
    parser.add_argument("--db", help="path to the records database (overrides config)")
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
        p = sub.add_parser(name, help=doc, description=module.__doc__)
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `floorconsole` command; returns the exit code."""
    argv = _hoist_globals(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not _has_subcommand(argv) and not any(a in ("-h", "--help") for a in argv):
        # No subcommand: open the console with whatever global options were given.
        argv = [*argv, "console"]
    args = parser.parse_args(argv)
    if getattr(args, "_module", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `floorconsole log list --json | head`: the reader left; not an error of ours.
        _silence_stdout()
        return 0


def _has_subcommand(argv: list[str]) -> bool:
    """True when the first word after the (hoisted) global options is a known subcommand."""
    i = 0
    while i < len(argv) and argv[i] in ("--config", "--db"):
        i += 2
    while i < len(argv) and argv[i].startswith(("--config=", "--db=")):
        i += 1
    return i < len(argv) and argv[i] in COMMANDS


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _hoist_globals(argv: list[str]) -> list[str]:
    """Allow `--config`/`--db` after the subcommand too (`floorconsole stats --db x`)."""
    out_globals: list[str] = []
    rest: list[str] = []
    it = iter(argv)
    for arg in it:
        if arg in ("--config", "--db"):
            out_globals += [arg, next(it, "")]
        elif arg.startswith(("--config=", "--db=")):
            out_globals.append(arg)
        else:
            rest.append(arg)
    return out_globals + rest


if __name__ == "__main__":
    raise SystemExit(main())
