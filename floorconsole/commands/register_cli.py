"""What `floorconsole leave` and `floorconsole swap` share: the approve / withdraw / list
subcommands, the date argument, the one-line refusal and the run of each subcommand."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from floorconsole import glyphs
from floorconsole.i18n import _
from floorconsole.identity import Actor, current_actor
from floorconsole.store.cli_support import EXIT_OK, EXIT_USAGE, fail, positive_int, print_json, run_with_store
from floorconsole.store.registers import RegisterRefused

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def day_arg(text: str) -> date:
    """argparse type: a date such as 2026-11-24."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a date such as 2026-11-24, got {text!r}").format(text=text)
        ) from None


def refused(exc: RegisterRefused) -> int:
    """A rule's refusal: one line, exit 1, nothing written."""
    return fail(_("refused: {message}").format(message=exc.refusal.message))


def as_json(records: Sequence[Any]) -> list[dict[str, Any]]:
    """Register records as JSON-ready dicts (days as ISO dates) with their status."""

    def conv(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: conv(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [conv(v) for v in value]
        return value

    return [conv({**asdict(r), "status": r.status}) for r in records]


def range_text(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return ""
    open_end = glyphs.current().ellipsis
    return f"{start.isoformat() if start else open_end} - {end.isoformat() if end else open_end}"


def add_decisions_and_list(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], approve_help: str, withdraw_help: str, list_help: str
) -> None:
    """The `approve ID`, `withdraw ID --reason` and `list [--from] [--to] [--json]` subcommands."""
    approve = sub.add_parser("approve", help=approve_help)
    approve.add_argument("id", type=positive_int)
    approve.add_argument("--note", default="")
    withdraw = sub.add_parser("withdraw", help=withdraw_help)
    withdraw.add_argument("id", type=positive_int)
    withdraw.add_argument("--reason", required=True)
    listing = sub.add_parser("list", help=list_help)
    listing.add_argument("--from", dest="start", type=day_arg, help=_("from this day"))
    listing.add_argument("--to", dest="end", type=day_arg, help=_("to this day"))
    listing.add_argument("--json", action="store_true", help=_("JSON output"))


def run_register_command(
    args: argparse.Namespace,
    command: str | None,
    *,
    read: Callable[[Store, date | None, date | None], Sequence[Any]],
    json_key: str,
    printout: Callable[[Sequence[Any], str], str],
    usage: str,
    write: Callable[[Store, Actor], str],
) -> int:
    """`list` prints the register (or JSON); request / approve / withdraw run `write` as the
    OS user's person and print what it says; a rule's refusal is one line, exit 1."""
    if command == "list":

        def show(store: Store, config: Config) -> int:
            records = read(store, args.start, args.end)
            if args.json:
                print_json({json_key: as_json(records)})
            else:
                print(printout(records, range_text(args.start, args.end)))
            return EXIT_OK

        return run_with_store(args, show, read_only=True)
    if command not in ("request", "approve", "withdraw"):
        return fail(usage, EXIT_USAGE)

    def act(store: Store, config: Config) -> int:
        try:
            print(write(store, current_actor(config)))
        except RegisterRefused as exc:
            return refused(exc)
        return EXIT_OK

    return run_with_store(args, act)
