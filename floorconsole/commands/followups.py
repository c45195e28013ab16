"""Open items (follow-ups, callbacks, questions, referrals): list them, close one with a result.

  floorconsole followups list [--all] [--json]
  floorconsole followups done ID --result TEXT

An open item stays open, and is carried at every handover, until it is closed here (or in
the console) with what was done. Escalations without an outcome are open items too; they
are listed apart and closed with `floorconsole escalations resolve`.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING

from floorconsole.i18n import _, ljust_cells
from floorconsole.identity import current_actor
from floorconsole.printable import printable
from floorconsole.store.cli_support import (
    EXIT_OK,
    EXIT_USAGE,
    fail,
    fmt_time,
    positive_int,
    print_json,
    run_with_store,
)
from floorconsole.store.models import OpenItem

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register list / done."""
    sub = parser.add_subparsers(dest="fu_command", metavar="list|done")
    lst = sub.add_parser("list", help=_("open items, by due time (closed ones too with --all)"))
    lst.add_argument("--all", action="store_true", help=_("include closed items with their result"))
    lst.add_argument("--json", action="store_true", help=_("JSON output"))
    done = sub.add_parser("done", help=_("close an open item with its result (signed as the OS user)"))
    done.add_argument("id", type=positive_int)
    done.add_argument("--result", required=True, help=_("what was done (e.g. 'called back, refund agreed')"))


def item_line(i: OpenItem, now: float) -> str:
    """One line for `followups list`."""
    due = fmt_time(i.due) if i.due is not None else _("no due time")
    flag = ljust_cells(_("OVERDUE") if i.overdue(now) else (_("closed") if not i.is_open else ""), 7) + " "
    line = f"{i.id:>5}  {flag}{printable(i.kind):<14} " + _(
        "due {due}  held by {shift}  carried {count}x  {text}"
    ).format(
        due=ljust_cells(due, 19),
        shift=printable(i.owner_shift) or "?",
        count=len(i.carried),
        text=printable(i.text, 200),
    )
    if i.closed is not None:
        line += "\n       " + _("closed by {name} at {time}: {result}").format(
            name=printable(i.closed.name), time=fmt_time(i.closed.time), result=printable(i.result)
        )
    return line


def run(args: argparse.Namespace) -> int:
    """Run the chosen followups subcommand."""
    if args.fu_command == "list":

        def body(store: Store, config: Config) -> int:
            now = store.clock()
            items = store.list_open_items(include_closed=args.all)
            escalations = store.list_escalations()
            if args.json:
                print_json(
                    {
                        "open_items": [
                            dict(asdict(i), owner_shift=i.owner_shift, overdue=i.overdue(now)) for i in items
                        ],
                        "escalations_without_outcome": escalations,
                    }
                )
                return EXIT_OK
            for i in items:
                print(item_line(i, now))
            if not items:
                print(_("no open items") if not args.all else _("no items"))
            if escalations:
                print(
                    "\n"
                    + _(
                        "{count} escalation(s) without an outcome (close with floorconsole escalations resolve):"
                    ).format(count=len(escalations))
                )
                for e in escalations:
                    esc = _("esc #{id}").format(id=e.id)
                    print(f"  {esc}  P{e.priority}  {e.status}  {printable(e.reason, 120)}")
            return EXIT_OK

        return run_with_store(args, body, must_exist=True)
    if args.fu_command == "done":

        def body(store: Store, config: Config) -> int:
            item = store.close_open_item(args.id, args.result, current_actor(config))
            assert item.closed is not None  # close_open_item returns the item as closed
            print(
                _("open item {id} closed by {who}: {result}").format(
                    id=item.id, who=item.closed.name, result=item.result
                )
            )
            return EXIT_OK

        return run_with_store(args, body, must_exist=True)
    return fail(_("say what to do: floorconsole followups list|done"), EXIT_USAGE)
