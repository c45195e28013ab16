"""Register a complaint that never came through an escalation (投诉登记表), or list them.

  floorconsole complaint add --problem TEXT --wants TEXT --at-fault yes|no --apology yes|no
                             [--reported-to WHO] [--customer NAME] [--phone NUM] [--address A]
                             [--product P] [--batch B] [--used-when W] [--agent A]
                             [--escalation ID] [--as NAME]
  floorconsole complaint list [--since-hours H] [--json]

DOMAIN.md: a complaint can come in without any escalation and is registered all the same;
apologise for the company only when it is at fault, then say to whom it was reported upwards.
The day's complaints go to management with `floorconsole report --complaints-only --sent-to WHO`.
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
    positive_int,
    print_json,
    run_with_store,
)
from floorconsole.store.models import ComplaintDraft

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store import Store


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "y", "true", "1", "是"):
        return True
    if value in ("no", "n", "false", "0", "否"):
        return False
    raise argparse.ArgumentTypeError(_("expected yes or no, got {text}").format(text=repr(text)))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register add / list."""
    sub = parser.add_subparsers(dest="complaint_command", metavar="add|list")
    add = sub.add_parser("add", help=_("register a complaint (with or without an escalation)"))
    add.add_argument("--problem", required=True, help=_("what went wrong"))
    add.add_argument("--wants", required=True, help=_("what the customer wants"))
    add.add_argument(
        "--at-fault", dest="at_fault", type=_yes_no, required=True, metavar="yes|no", help=_("is the company at fault?")
    )
    add.add_argument(
        "--apology",
        type=_yes_no,
        required=True,
        metavar="yes|no",
        help=_("was an apology given for the company? (only when it is at fault)"),
    )
    add.add_argument("--reported-to", default="", help=_("to whom it was reported upwards (required when at fault)"))
    add.add_argument("--customer", default="", help=_("customer name"))
    add.add_argument("--phone", default="", help=_("customer phone (stored; shown masked)"))
    add.add_argument("--address", default="")
    add.add_argument("--product", default="")
    add.add_argument("--batch", default="", help=_("batch number"))
    add.add_argument("--used-when", default="", help=_("when the product was used"))
    add.add_argument("--agent", default="", help=_("the agent who took the call"))
    add.add_argument("--escalation", type=positive_int, help=_("the escalation it came from, if any"))
    add.add_argument(
        "--as", dest="as_name", metavar="NAME", help=_("who registers it (default: configured supervisor)")
    )
    lst = sub.add_parser("list", help=_("complaints registered in the last hours"))
    lst.add_argument("--since-hours", type=float, default=24.0)
    lst.add_argument("--json", action="store_true", help=_("JSON output"))


def run(args: argparse.Namespace) -> int:
    """Run the chosen complaint subcommand."""
    if args.complaint_command == "add":

        def body(store: Store, config: Config) -> int:
            draft = ComplaintDraft(
                problem=args.problem,
                wants=args.wants,
                customer_name=args.customer,
                phone=args.phone,
                address=args.address,
                product=args.product,
                batch_number=args.batch,
                used_when=args.used_when,
                agent=args.agent,
                complaint_time=store.clock(),
                company_at_fault=args.at_fault,
                apology_given=args.apology,
                reported_to=args.reported_to,
            )
            c = store.record_complaint(draft, actor_for(args, config), args.escalation)
            via = (
                " " + _("(escalation {id})").format(id=c.escalation_id)
                if c.escalation_id
                else " " + _("(no escalation)")
            )
            print(_("complaint {id}{via}: {problem}").format(id=c.id, via=via, problem=printable(c.problem, 120)))
            return EXIT_OK

        return run_with_store(args, body)
    if args.complaint_command == "list":

        def body(store: Store, config: Config) -> int:
            complaints = store.list_complaints(since=store.clock() - args.since_hours * 3600)
            if args.json:
                print_json({"complaints": complaints})
                return EXIT_OK
            for c in complaints:
                fault = (
                    "-" if c.company_at_fault is None else (_("at fault") if c.company_at_fault else _("not at fault"))
                )
                reported = _("reported to {whom}").format(whom=printable(c.reported_to) or "-")
                print(f"{c.id:>5}  {printable(c.problem, 80)}  [{fault}; {reported}]")
            if not complaints:
                print(_("no complaints"))
            return EXIT_OK

        return run_with_store(args, body, must_exist=True)
    return fail(_("say what to do: floorconsole complaint add|list"), EXIT_USAGE)
