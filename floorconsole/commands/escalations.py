"""List, claim (take over) and resolve escalations.

floorconsole escalations list [--all] [--json]
floorconsole escalations claim ID [--as NAME]
floorconsole escalations resolve ID --outcome resolved|callback|referred [--due ISO] [--department D] [--note TEXT]
floorconsole escalations release ID --reason TEXT
floorconsole escalations pass ID --to USER --reason TEXT
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.i18n import _, ljust_cells
from floorconsole.identity import current_actor
from floorconsole.printable import printable
from floorconsole.store.cli_support import (
    EXIT_OK,
    EXIT_USAGE,
    actor_for,
    fail,
    fmt_time,
    parse_time,
    positive_int,
    print_json,
    run_with_store,
)
from floorconsole.store.errors import AlreadyClaimed
from floorconsole.store.models import OUTCOMES, Escalation

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register list / claim / resolve / release / pass."""
    sub = parser.add_subparsers(dest="esc_command", metavar="list|claim|resolve|release|pass")
    lst = sub.add_parser("list", help=_("open escalations (all with --all)"))
    lst.add_argument("--all", action="store_true", help=_("include resolved ones"))
    lst.add_argument("--json", action="store_true", help=_("JSON output"))
    claim = sub.add_parser("claim", help=_("take over an escalation (only one supervisor can)"))
    claim.add_argument("id", type=positive_int)
    claim.add_argument("--as", dest="as_name", metavar="NAME")
    res = sub.add_parser("resolve", help=_("record the outcome"))
    res.add_argument("id", type=positive_int)
    res.add_argument("--outcome", required=True, choices=OUTCOMES)
    res.add_argument("--due", help=_("callback due time, ISO (e.g. 2026-11-23T17:30)"))
    res.add_argument("--department", help=_("department it was referred to"))
    res.add_argument("--note", default="", help=_("what was done or promised"))
    res.add_argument("--as", dest="as_name", metavar="NAME")
    rel = sub.add_parser("release", help=_("give back an escalation you hold (anyone may then claim it)"))
    rel.add_argument("id", type=positive_int)
    rel.add_argument("--reason", required=True, help=_("why (recorded and audited)"))
    pas = sub.add_parser("pass", help=_("pass an escalation you hold to another supervisor"))
    pas.add_argument("id", type=positive_int)
    pas.add_argument("--to", required=True, metavar="USER", help=_("the other supervisor's OS user"))
    pas.add_argument("--reason", required=True, help=_("why (recorded and audited)"))


def by_priority_then_age(rows: list[Escalation]) -> list[Escalation]:
    """Most urgent first (P1), the oldest first within a priority."""
    return sorted(rows, key=lambda e: (e.priority, e.raised_at, e.id))


def run(args: argparse.Namespace) -> int:
    """Run the chosen escalations subcommand."""
    cmd = args.esc_command
    if cmd == "list":

        def body(store: Store, config: Config) -> int:
            rows = by_priority_then_age(store.list_escalations(include_closed=args.all))
            if args.json:
                print_json(rows)
                return EXIT_OK
            for e in rows:
                who = " " + _("by {who}").format(who=printable(e.claimed_by)) if e.claimed_by else ""
                print(
                    f"{e.id:>5}  {fmt_time(e.raised_at)}  P{e.priority}  {e.status:<8}{ljust_cells(who, 14)} "
                    f"{printable(e.agent):<12} {printable(e.queue):<10} {e.caller_masked or '-':<14} {printable(e.reason)}"
                )
            if not rows:
                print(_("no open escalations") if not args.all else _("no escalations"))
            return EXIT_OK

        return run_with_store(args, body, read_only=True)
    if cmd == "claim":

        def body(store: Store, config: Config) -> int:
            try:
                esc = store.claim_escalation(args.id, actor_for(args, config))
            except AlreadyClaimed as exc:
                return fail(
                    _("escalation {id} is already taken by {who} (at {time})").format(
                        id=args.id, who=exc.by, time=fmt_time(exc.at)
                    )
                )
            print(_("escalation {id} is yours ({who})").format(id=esc.id, who=esc.claimed_by))
            return EXIT_OK

        return run_with_store(args, body)
    if cmd == "resolve":
        try:
            due = parse_time(args.due, "--due") if args.due else None
        except ValueError as exc:
            return fail(str(exc), EXIT_USAGE)

        def body(store: Store, config: Config) -> int:
            esc = store.resolve_escalation(
                args.id, args.outcome, actor_for(args, config), due=due, department=args.department, note=args.note
            )
            extra = (
                _(", callback due {time}").format(time=fmt_time(esc.due))
                if esc.due
                else (_(", referred to {department}").format(department=esc.department) if esc.department else "")
            )
            print(_("escalation {id}: {outcome}{extra}").format(id=esc.id, outcome=esc.outcome, extra=extra))
            return EXIT_OK

        return run_with_store(args, body)
    if cmd == "release":

        def body(store: Store, config: Config) -> int:
            esc = store.release_escalation(args.id, args.reason, current_actor(config))
            print(_("escalation {id} released: anyone may claim it").format(id=esc.id))
            return EXIT_OK

        return run_with_store(args, body)
    if cmd == "pass":

        def body(store: Store, config: Config) -> int:
            esc = store.pass_escalation(args.id, args.to, args.reason, current_actor(config))
            print(_("escalation {id} passed to {who}").format(id=esc.id, who=esc.claimed_by))
            return EXIT_OK

        return run_with_store(args, body)
    return fail(_("say what to do: floorconsole escalations list|claim|resolve|release|pass"), EXIT_USAGE)
