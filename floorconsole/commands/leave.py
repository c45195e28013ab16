"""The leave register: enter leave with the rules checked, approve it at its level, list it.

  floorconsole leave request --person NAME --kind ordinary|urgent|sick --day DAY [--to DAY]
                             --shift SHIFT [--not-in-person] [--doctor-note] [--part-day]
                             [--reason TEXT]
  floorconsole leave approve ID [--note TEXT]
  floorconsole leave withdraw ID --reason TEXT
  floorconsole leave list [--from DAY] [--to DAY] [--json]

DOMAIN.md: ordinary leave a day ahead, urgent leave an hour before the shift, in person
(sick leave excepted); night-shift leave before 12:00; holiday leave two days ahead; none on
a swap or pay-back day or for holiday duty; a full sick day needs a doctor's note; one day
is approved by the department head (role manager), more by the centre head (centre_head).
The person acting is the OS user (their configured person). A refusal is one line, exit 1.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.commands.register_cli import add_decisions_and_list, day_arg, run_register_command
from floorconsole.i18n import _
from floorconsole.printable import printable
from floorconsole.roster.register_text import leave_register
from floorconsole.store.store import Store

if TYPE_CHECKING:
    from floorconsole.identity import Actor


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register request / approve / withdraw / list."""
    sub = parser.add_subparsers(dest="leave_command", metavar="request|approve|withdraw|list")
    req = sub.add_parser("request", help=_("enter leave in the register (the rules are checked now)"))
    req.add_argument("--person", required=True, help=_("whose leave (the agent as the roster names them)"))
    req.add_argument("--kind", required=True, choices=("ordinary", "urgent", "sick"), help=_("事假, 特殊事假 or 病假"))
    req.add_argument("--day", required=True, type=day_arg, help=_("the first day of leave (YYYY-MM-DD)"))
    req.add_argument("--to", type=day_arg, help=_("the last day (default: the first day)"))
    req.add_argument("--shift", required=True, help=_("the shift they are rostered on"))
    req.add_argument("--not-in-person", action="store_true", help=_("asked through someone else (sick leave only)"))
    req.add_argument("--doctor-note", action="store_true", help=_("a doctor's note was given (sick leave)"))
    req.add_argument("--part-day", action="store_true", help=_("sick leave for part of the shift only"))
    req.add_argument("--reason", default="", help=_("why (optional)"))
    add_decisions_and_list(
        sub,
        approve_help=_("approve leave as yourself (one day: manager; more: centre_head)"),
        withdraw_help=_("withdraw leave (the entry stays, with why)"),
        list_help=_("the leave register"),
    )


def run(args: argparse.Namespace) -> int:
    """Run the chosen leave subcommand."""
    command = args.leave_command

    def write(store: Store, actor: Actor) -> str:
        if command == "request":
            r = store.request_leave(
                args.person,
                args.kind,
                args.day,
                args.shift,
                actor,
                last_day=args.to,
                in_person=not args.not_in_person,
                doctor_note=args.doctor_note,
                full_day=not args.part_day,
                reason=args.reason,
            )
            level = _("department head") if r.level == "department_head" else _("centre head")
            return _("leave {id}: {person} {first}..{last} {shift} ({kind}), waiting for the {level}").format(
                id=r.id,
                person=printable(r.person),
                first=r.first_day,
                last=r.last_day,
                shift=printable(r.shift),
                kind=r.leave_type,
                level=level,
            )
        if command == "approve":
            r = store.approve_leave(args.id, actor, args.note)
            return _("leave {id} approved by {name}").format(id=r.id, name=printable(r.approvals[-1].name))
        r = store.withdraw_leave(args.id, args.reason, actor)
        return _("leave {id} withdrawn").format(id=r.id)

    return run_register_command(
        args,
        command,
        read=Store.list_leave,
        json_key="leave",
        printout=leave_register,
        usage=_("say what to do: floorconsole leave request|approve|withdraw|list"),
        write=write,
    )
