"""What several commands share: the config with --db/--feed applied, for those that follow a feed."""

from __future__ import annotations

import argparse
from pathlib import Path

from floorconsole.config import Config, ConfigError, load_config


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
