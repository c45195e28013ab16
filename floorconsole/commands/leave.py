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
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from floorconsole.i18n import _
from floorconsole.identity import current_actor
from floorconsole.printable import printable
from floorconsole.roster.register_text import leave_register
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
    return f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}"


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
    app = sub.add_parser("approve", help=_("approve leave as yourself (one day: manager; more: centre_head)"))
    app.add_argument("id", type=positive_int)
    app.add_argument("--note", default="")
    wd = sub.add_parser("withdraw", help=_("withdraw leave (the entry stays, with why)"))
    wd.add_argument("id", type=positive_int)
    wd.add_argument("--reason", required=True)
    lst = sub.add_parser("list", help=_("the leave register"))
    lst.add_argument("--from", dest="start", type=day_arg, help=_("from this day"))
    lst.add_argument("--to", dest="end", type=day_arg, help=_("to this day"))
    lst.add_argument("--json", action="store_true", help=_("JSON output"))


def run(args: argparse.Namespace) -> int:
    """Run the chosen leave subcommand."""
    command = args.leave_command
    if command == "list":

        def show(store: Store, config: Config) -> int:
            records = store.list_leave(args.start, args.end)
            if args.json:
                print_json({"leave": as_json(records)})
            else:
                print(leave_register(records, range_text(args.start, args.end)))
            return EXIT_OK

        return run_with_store(args, show, read_only=True)
    if command not in ("request", "approve", "withdraw"):
        return fail(_("say what to do: floorconsole leave request|approve|withdraw|list"), EXIT_USAGE)

    def write(store: Store, config: Config) -> int:
        actor = current_actor(config)
        try:
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
                print(
                    _("leave {id}: {person} {first}..{last} {shift} ({kind}), waiting for the {level}").format(
                        id=r.id,
                        person=printable(r.person),
                        first=r.first_day,
                        last=r.last_day,
                        shift=printable(r.shift),
                        kind=r.leave_type,
                        level=level,
                    )
                )
            elif command == "approve":
                r = store.approve_leave(args.id, actor, args.note)
                print(_("leave {id} approved by {name}").format(id=r.id, name=printable(r.approvals[-1].name)))
            else:
                r = store.withdraw_leave(args.id, args.reason, actor)
                print(_("leave {id} withdrawn").format(id=r.id))
        except RegisterRefused as exc:
            return refused(exc)
        return EXIT_OK

    return run_with_store(args, write)
