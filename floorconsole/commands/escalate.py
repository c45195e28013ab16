"""Raise an escalation by hand or from the dialplan (created once per --event-key).

floorconsole escalate --callid ID --agent A --queue Q [--caller NUM] --reason TEXT [--priority 1-3]
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.i18n import _
from floorconsole.printable import printable
from floorconsole.store.cli_support import EXIT_OK, actor_for, run_with_store

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def _priority(text: str) -> int:
    if text not in ("1", "2", "3"):
        raise argparse.ArgumentTypeError(
            _("priority must be 1, 2 or 3 (1 = most urgent), got {priority}").format(priority=repr(text))
        )
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the escalation fields."""
    parser.add_argument("--callid", required=True, help=_("the call's id"))
    parser.add_argument("--agent", required=True, help=_("the agent who escalated"))
    parser.add_argument("--queue", required=True, help=_("the queue the call came from"))
    parser.add_argument("--caller", default="", help=_("caller number (stored; shown masked)"))
    parser.add_argument("--reason", required=True, help=_("why the caller wants a supervisor"))
    parser.add_argument("--priority", type=_priority, default=2, help=_("1 (most urgent) to 3; default 2"))
    parser.add_argument("--event-key", help=_("identity of the feed line, so the record is created once"))
    parser.add_argument(
        "--as", dest="as_name", metavar="NAME", help=_("who raises it (default: configured supervisor)")
    )


def run(args: argparse.Namespace) -> int:
    """Raise the escalation and print its id."""

    def body(store: Store, config: Config) -> int:
        esc = store.raise_escalation(
            args.callid,
            args.agent,
            args.queue,
            args.reason,
            actor_for(args, config),
            caller=args.caller,
            priority=args.priority,
            event_key=args.event_key,
        )
        print(
            f"escalation {esc.id}: call {printable(esc.callid)} from {printable(esc.agent)} "
            f"caller {esc.caller_masked or '-'} priority {esc.priority} [{esc.status}]"
        )
        return EXIT_OK

    return run_with_store(args, body)
