"""Show what the shift lead owes by a date: the monthly report (from the 15th), next month's roster (from the 20th).

  floorconsole reminders [--json]

Exit status 0 whether or not anything is due; each reminder is one line (the console shows
the same lines when it starts and when the day changes). See docs/reports.md.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from floorconsole.i18n import _
from floorconsole.reminders import due_reminders, floor_today, state_from
from floorconsole.store.cli_support import EXIT_OK, run_with_store

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the reminders options."""
    parser.add_argument("--json", action="store_true", help=_("one JSON list instead of lines"))


def run(args: argparse.Namespace) -> int:
    """Print the reminders due today (in the floor's zone)."""

    def body(store: Store, config: Config) -> int:
        state = state_from({s.period for s in store.list_reports_sent("monthly")}, store.roster_months())
        due = due_reminders(floor_today(store.clock), state)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "kind": r.kind,
                            "period": r.period_label,
                            "due": r.due.isoformat(),
                            "overdue": r.overdue,
                            "text": r.text,
                        }
                        for r in due
                    ],
                    ensure_ascii=False,
                )
            )
        elif not due:
            print(_("Nothing due."))
        else:
            for r in due:
                print(r.text)
        return EXIT_OK

    return run_with_store(args, body, read_only=True)
