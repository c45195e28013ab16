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

from floorconsole.commands.register_cli import add_decisions_and_list, day_arg, run_register_command
from floorconsole.i18n import _
from floorconsole.printable import printable
from floorconsole.roster.register_text import swap_register
from floorconsole.store.store import Store

if TYPE_CHECKING:
    from floorconsole.identity import Actor


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
    add_decisions_and_list(
        sub,
        approve_help=_("approve a swap as yourself (both shift leads approve)"),
        withdraw_help=_("withdraw a swap (the entry stays, with why)"),
        list_help=_("print the swap register (换班登记表)"),
    )


def run(args: argparse.Namespace) -> int:
    """Run the chosen swap subcommand."""
    command = args.swap_command

    def write(store: Store, actor: Actor) -> str:
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
            return _(
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
        if command == "approve":
            r = store.approve_swap(args.id, actor, args.note)
            state = _("approved") if r.status == "approved" else _("waiting for the other shift lead")
            return _("swap {id}: approval by {name} recorded ({n} of 2): {state}").format(
                id=r.id, name=printable(r.approvals[-1].name), n=len(r.approvals), state=state
            )
        r = store.withdraw_swap(args.id, args.reason, actor)
        return _("swap {id} withdrawn").format(id=r.id)

    return run_register_command(
        args,
        command,
        read=Store.list_swaps,
        json_key="swaps",
        printout=swap_register,
        usage=_("say what to do: floorconsole swap request|approve|withdraw|list"),
        write=write,
    )
