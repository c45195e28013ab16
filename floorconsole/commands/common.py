"""What several commands share: the config with --db/--feed applied, for those that follow a
feed; a report delivered to stdout or a private file, never without its audit record."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from floorconsole.config import Config, ConfigError, load_config
from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.report import feed_files
from floorconsole.safe_write import write_private
from floorconsole.store.cli_support import EXIT_OK, EXIT_USAGE, actor_for, fail
from floorconsole.tail import not_regular_reason


def feed_config(args: argparse.Namespace) -> tuple[Config, Path]:
    """The config file (`--config`) with `--db` and `--feed` applied, and the feed to follow;
    ConfigError when no feed is named either way."""
    config = load_config(getattr(args, "config", None))
    config = config.with_overrides(
        db_path=Path(args.db) if getattr(args, "db", None) else None,
        feed_path=Path(args.feed) if getattr(args, "feed", None) else None,
    )
    if config.feed_path is None:
        raise ConfigError("no feed to follow: give --feed FILE or set [feed] path in the config file")
    return config, config.feed_path


def deliver_audited(out: str | None, data: str | bytes, record: Callable[[str], None]) -> int:
    """Send a report to stdout (`out` None) or to the file `out`, never without its record:
    to stdout only once `record("stdout")` succeeded; to a file written privately and
    atomically, then `record(out)`, and the file removed again if that fails."""
    if not out:
        record("stdout")
        sys.stdout.write(data if isinstance(data, str) else "")
        return EXIT_OK
    path = Path(out)
    try:
        write_private(path, data)
    except OSError as exc:
        return fail(
            _("could not write {path}: {error}; no report was written").format(path=out, error=exc.strerror or exc)
        )
    try:
        record(out)
    except BaseException:
        path.unlink(missing_ok=True)  # no audit record, no report
        raise
    print(_("wrote {path}").format(path=out), file=sys.stderr)
    return EXIT_OK


def report_reader(args: argparse.Namespace, config: Config) -> tuple[Actor, list[Path] | None] | int:
    """Who asks for a report and the feed files to fold (`--feed`, else the configured feed;
    None: no feed), or the exit code of the one-line refusal already printed: a `--feed`
    that is missing or not a regular file (a FIFO would block the fold for ever), or
    `--findings` asked by someone whose role may not read findings against a person."""
    feed = Path(args.feed) if args.feed else config.feed_path
    if args.feed and feed is not None and not feed.exists():
        return fail(_("feed file not found: {path}").format(path=feed))
    if feed and (reason := not_regular_reason(feed)):
        return fail(reason)
    actor = actor_for(args, config)
    if args.findings and not config.sees_findings(actor.os_user):
        return fail(
            _(
                "{user} may not read findings against a person (role in [people]); "
                "the report without them needs no --findings"
            ).format(user=actor.os_user),
            EXIT_USAGE,
        )
    return actor, (feed_files(feed) if feed else None)
