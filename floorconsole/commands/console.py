"""Open the floor console on the configured feed (the default when no command is given).

`floorconsole` or `floorconsole console [--feed FILE]`: the feed is `--feed`, else
`feed.path` from the config file. Textual is imported only when the console opens, so
the domain package never loads it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from floorconsole.config import ConfigError, load_config
from floorconsole.i18n import _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--feed", metavar="FILE", help=_("queue_log or JSON-lines feed to follow (overrides feed.path)")
    )
    parser.add_argument(
        "--supervisor", metavar="NAME", help=_("supervisor name for this session (overrides floor.supervisor)")
    )


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as exc:
        print(f"floorconsole: {exc}", file=sys.stderr)
        return 2
    config = config.with_overrides(
        db_path=Path(args.db) if getattr(args, "db", None) else None,
        feed_path=Path(args.feed) if getattr(args, "feed", None) else None,
        supervisor=getattr(args, "supervisor", None),
    )
    if config.feed_path is None:
        print(
            "floorconsole: "
            + _(
                "no feed to follow: give --feed FILE or set [feed] path in the config file\n"
                "(`floorconsole demo` opens the console on a simulated floor)"
            ),
            file=sys.stderr,
        )
        return 2
    from screens.app import run_console  # late: the domain package must not import Textual

    return run_console(config, config.feed_path)
