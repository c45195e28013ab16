"""Record a patrol note against a seat and agent (checklist findings and/or text).

floorconsole patrol add --agent A [--seat S] [--item CODE ...] [--text TEXT] [--follow-up]
floorconsole patrol list [--shift KEY|current] [--json]
floorconsole patrol items
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
    print_json,
    run_with_store,
    shift_key,
)

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register add / list / items."""
    sub = parser.add_subparsers(dest="patrol_command", metavar="add|list|items")
    add = sub.add_parser("add", help=_("append a patrol note"))
    add.add_argument("--agent", required=True)
    add.add_argument("--seat")
    add.add_argument("--item", action="append", default=[], metavar="CODE", help=_("checklist code (repeatable)"))
    add.add_argument("--text", default="", help=_("free text"))
    add.add_argument("--follow-up", action="store_true", help=_("needs follow-up (carried at handover)"))
    add.add_argument("--as", dest="as_name", metavar="NAME")
    lst = sub.add_parser("list", help=_("print patrol notes"))
    lst.add_argument("--shift", help=_("shift key or 'current'"))
    lst.add_argument("--json", action="store_true")
    sub.add_parser("items", help=_("list checklist codes and deductions"))


def run(args: argparse.Namespace) -> int:
    """Run the chosen patrol subcommand."""
    cmd = args.patrol_command
    if cmd == "add":

        def body(store: Store, config: Config) -> int:
            note = store.add_patrol_note(
                args.agent,
                actor_for(args, config),
                seat=args.seat,
                items=args.item,
                text=args.text,
                follow_up=args.follow_up,
            )
            print(
                _("saved patrol note {id}: {agent} deductions {points}").format(
                    id=note.id, agent=printable(note.agent), points=note.deduction_total
                )
            )
            return EXIT_OK

        return run_with_store(args, body)
    if cmd == "list":

        def body(store: Store, config: Config) -> int:
            try:
                shift = shift_key(store, config, args.shift)
            except ValueError as exc:
                return fail(str(exc), EXIT_USAGE)
            notes = store.list_patrol_notes(shift=shift)
            if args.json:
                print_json(notes)
                return EXIT_OK
            for n in notes:
                codes = ",".join(i.code for i in n.items) or "-"
                flag = " " + _("FOLLOW-UP") if n.follow_up else ""
                print(
                    f"{n.id:>5}  {fmt_time(n.time)}  {printable(n.agent):<12} {printable(n.seat or '-'):<6} "
                    f"-{n.deduction_total:<3} {codes:<24} {printable(n.text)}{flag}"
                )
            if not notes:
                print(_("no patrol notes"))
            return EXIT_OK

        return run_with_store(args, body, read_only=True)
    if cmd == "items":

        def body(store: Store, config: Config) -> int:
            for c in store.checklist():
                sensitive = "  " + _("(sensitive)") if c.sensitive else ""
                print(f"{c.code:<16} -{c.deduction}  {c.label} / {c.label_zh}{sensitive}")
            return EXIT_OK

        return run_with_store(args, body, read_only=True)
    return fail(_("say what to do: floorconsole patrol add|list|items"), EXIT_USAGE)
