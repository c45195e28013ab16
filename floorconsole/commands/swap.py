"""The swap register (换班登记表): enter a swap with the rules checked, approve it, print it.

  floorconsole swap request --person NAME --day DAY --shift SHIFT --cover NAME
                            --payback-day DAY --payback-shift SHIFT [--reason TEXT]
  floorconsole swap approve ID [--note TEXT]
  floorconsole swap withdraw ID --reason TEXT
  floorconsole swap list [--from DAY] [--to DAY] [--json]

`--person` gives up `--shift` on `--day` to `--cover`, and pays it back on the cover's
`--payback-shift` of `--payback-day`. DOMAIN.md: both shift leads approve (two different
people, each running this as themselves); at most 2 swaps per person per month; no
consecutive swaps; neither side works back-to-back shifts because of it; same job and skill
level (`[agents]`); no swap on a leave day; none for holiday duty. A refusal is one line, exit 1.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.commands.leave import as_json, day_arg, range_text, refused
from floorconsole.i18n import _
from floorconsole.identity import current_actor
from floorconsole.printable import printable
from floorconsole.roster.register_text import swap_register
from floorconsole.store.cli_support import EXIT_OK, EXIT_USAGE, fail, positive_int, print_json, run_with_store
from floorconsole.store.registers import RegisterRefused

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register request / approve / withdraw / list."""
    sub = parser.add_subparsers(dest="swap_command", metavar="request|approve|withdraw|list")
    req = sub.add_parser("request", help=_("enter a swap in the swap register (the rules are checked now)"))
    req.add_argument("--person", required=True, help=_("who gives up the shift (换班人)"))
    req.add_argument("--day", required=True, type=day_arg, help=_("the swap day (YYYY-MM-DD)"))
    req.add_argument("--shift", required=True, help=_("the shift given up"))
    req.add_argument("--cover", required=True, help=_("who works it (顶班人)"))
    req.add_argument("--payback-day", required=True, type=day_arg, help=_("the pay-back day (还班日期)"))
    req.add_argument("--payback-shift", required=True, help=_("the cover's shift the person works in return"))
    req.add_argument("--reason", default="", help=_("why (optional)"))
    app = sub.add_parser("approve", help=_("approve a swap as yourself (both shift leads approve)"))
    app.add_argument("id", type=positive_int)
    app.add_argument("--note", default="")
    wd = sub.add_parser("withdraw", help=_("withdraw a swap (the entry stays, with why)"))
    wd.add_argument("id", type=positive_int)
    wd.add_argument("--reason", required=True)
    lst = sub.add_parser("list", help=_("print the swap register (换班登记表)"))
    lst.add_argument("--from", dest="start", type=day_arg, help=_("from this day"))
    lst.add_argument("--to", dest="end", type=day_arg, help=_("to this day"))
    lst.add_argument("--json", action="store_true", help=_("JSON output"))


def run(args: argparse.Namespace) -> int:
    """Run the chosen swap subcommand."""
    command = args.swap_command
    if command == "list":

        def show(store: Store, config: Config) -> int:
            records = store.list_swaps(args.start, args.end)
            if args.json:
                print_json({"swaps": as_json(records)})
            else:
                print(swap_register(records, range_text(args.start, args.end)))
            return EXIT_OK

        return run_with_store(args, show, read_only=True)
    if command not in ("request", "approve", "withdraw"):
        return fail(_("say what to do: floorconsole swap request|approve|withdraw|list"), EXIT_USAGE)

    def write(store: Store, config: Config) -> int:
        actor = current_actor(config)
        try:
            if command == "request":
                r = store.request_swap(
                    args.person,
                    args.day,
                    args.shift,
                    args.cover,
                    args.payback_day,
                    args.payback_shift,
                    actor,
                    reason=args.reason,
                )
                print(
                    _(
                        "swap {id}: {cover} works {person}'s {shift} on {day}; paid back on {pday} ({pshift}); "
                        "waiting for both shift leads"
                    ).format(
                        id=r.id,
                        cover=printable(r.cover),
                        person=printable(r.person),
                        shift=printable(r.shift),
                        day=r.day,
                        pday=r.payback_day,
                        pshift=printable(r.payback_shift),
                    )
                )
            elif command == "approve":
                r = store.approve_swap(args.id, actor, args.note)
                state = _("approved") if r.status == "approved" else _("waiting for the other shift lead")
                print(
                    _("swap {id}: approval by {name} recorded ({n} of 2): {state}").format(
                        id=r.id, name=printable(r.approvals[-1].name), n=len(r.approvals), state=state
                    )
                )
            else:
                r = store.withdraw_swap(args.id, args.reason, actor)
                print(_("swap {id} withdrawn").format(id=r.id))
        except RegisterRefused as exc:
            return refused(exc)
        return EXIT_OK

    return run_with_store(args, write)
