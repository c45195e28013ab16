"""Export records older than a date to a verifiable file (export only: nothing is deleted).

  floorconsole archive --before 2023-11-01 --out floor-2023.json
Check the file later with `floorconsole verify --archive FILE`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.i18n import _
from floorconsole.store.cli_support import EXIT_OK, EXIT_USAGE, actor_for, fail, parse_time, run_with_store

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register --before and --out."""
    parser.add_argument("--before", required=True, metavar="DATE", help=_("export records older than this (ISO date)"))
    parser.add_argument("--out", required=True, metavar="FILE", help=_("new file to write (never overwritten)"))
    parser.add_argument("--as", dest="as_name", metavar="NAME")


def run(args: argparse.Namespace) -> int:
    """Export and say what went where."""
    try:
        before = parse_time(args.before, "--before")
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)

    def body(store: Store, config: Config) -> int:
        res = store.archive(before, args.out, actor_for(args, config))
        total = sum(res.counts.values())
        print(
            _(
                "archived {total} records ({entries} log entries, up to seq {seq}) to {path}; nothing was deleted"
            ).format(total=total, entries=res.counts["entries"], seq=res.head.seq, path=res.path)
        )
        print(f"digest {res.digest}")
        return EXIT_OK

    return run_with_store(args, body, must_exist=True)
