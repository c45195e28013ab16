"""Write to or read the duty log (append-only; corrections are new entries).

floorconsole log add --kind notice --body "Queue 2 closed at 14:00" [--author NAME] [--refers-to SEQ]
floorconsole log list [--shift KEY|current] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.i18n import _
from floorconsole.printable import printable
from floorconsole.store.cli_support import (
    EXIT_OK,
    EXIT_USAGE,
    actor_for,
    fail,
    fmt_time,
    positive_int,
    print_json,
    run_with_store,
    shift_key,
)
from floorconsole.store.models import ENTRY_KINDS

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register `log add` and `log list`."""
    sub = parser.add_subparsers(dest="log_command", metavar="add|list")
    add = sub.add_parser("add", help=_("append an entry to the duty log"))
    add.add_argument("--kind", required=True, choices=ENTRY_KINDS, help=_("what sort of entry"))
    add.add_argument("--body", required=True, help=_("the entry text"))
    add.add_argument("--author", help=_("supervisor name (default: configured supervisor)"))
    add.add_argument("--refers-to", type=positive_int, metavar="SEQ", help=_("entry this one corrects or follows"))
    lst = sub.add_parser("list", help=_("print duty-log entries"))
    lst.add_argument("--shift", help=_("shift key such as '2026-11-23 day', or 'current'"))
    lst.add_argument("--limit", type=positive_int, help=_("only the last N entries"))
    lst.add_argument("--json", action="store_true", help=_("JSON output"))


def run(args: argparse.Namespace) -> int:
    """Run `log add` or `log list`."""
    if args.log_command == "add":

        def body(store: Store, config: Config) -> int:
            entry = store.add_entry(args.kind, args.body, actor_for(args, config, "author"), args.refers_to)
            print(
                _("saved log entry {seq} ({kind}, {shift}) hash {hash}").format(
                    seq=entry.seq, kind=entry.kind, shift=entry.shift, hash=entry.hash[:16]
                )
            )
            return EXIT_OK

        return run_with_store(args, body)
    if args.log_command == "list":

        def body(store: Store, config: Config) -> int:
            try:
                shift = shift_key(store, config, args.shift)
            except ValueError as exc:
                return fail(str(exc), EXIT_USAGE)
            entries = store.list_entries(shift=shift, limit=args.limit)
            if args.json:
                print_json(entries)
                return EXIT_OK
            for e in entries:
                ref = " " + _("(refers to {seq})").format(seq=e.refers_to) if e.refers_to else ""
                print(
                    f"{e.seq:>6}  {fmt_time(e.time)}  {e.kind:<14} {printable(e.author, 20):<12} {printable(e.body)}{ref}"
                )
            if not entries:
                print(_("no entries"))
            return EXIT_OK

        return run_with_store(args, body, read_only=True)
    return fail(_("say what to do: floorconsole log add ... or floorconsole log list"), EXIT_USAGE)
