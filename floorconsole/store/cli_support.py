"""Shared plumbing for the records commands: open the store from CLI args, report errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from floorconsole.config import Config, ConfigError, load_config
from floorconsole.identity import Actor, current_actor
from floorconsole.printable import json_escape_controls
from floorconsole.store.errors import StoreError
from floorconsole.store.store import Store, store_kwargs

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_FAIL) -> int:
    """Print `floorconsole: error: message` to stderr and return the exit code."""
    print(f"floorconsole: error: {message}", file=sys.stderr)
    return code


def load(args: argparse.Namespace) -> Config:
    """The config from --config, with --db applied."""
    config = load_config(getattr(args, "config", None))
    db = getattr(args, "db", None)
    return config.with_overrides(db_path=Path(db) if db else None)


def run_with_store(
    args: argparse.Namespace, body: Callable[[Store, Config], int], *, must_exist: bool = False
) -> int:
    """Open the store, run `body`, and turn every user-facing error into a message + exit 1."""
    try:
        config = load(args)
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    if must_exist and not Path(config.db_path).exists():
        return fail(f"no records database at {config.db_path}")
    try:
        with Store(config.db_path, **store_kwargs(config)) as store:
            return body(store, config)
    except StoreError as exc:
        return fail(str(exc))


def actor_for(args: argparse.Namespace, config: Config, attr: str = "as_name") -> Actor:
    """The acting supervisor: --as/--author NAME, else the configured supervisor."""
    return current_actor(config, getattr(args, attr, None) or None)


def parse_time(text: str, what: str) -> float:
    """ISO date or date-time (local time when no offset) -> Unix seconds; ValueError if bad."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not an ISO date/time such as 2026-11-23 or 2026-11-23T17:30") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.timestamp()


def fmt_time(t: float | None) -> str:
    """Local time for humans."""
    return "-" if t is None else datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S")


def print_json(obj: Any) -> None:
    """Dataclasses (and lists of them) as JSON on stdout; control and bidi characters in
    feed/user text are written as `\\uXXXX` escapes, never raw."""

    def conv(o: Any) -> Any:
        if is_dataclass(o) and not isinstance(o, type):
            return asdict(o)
        raise TypeError(type(o).__name__)

    print(json_escape_controls(json.dumps(obj, default=conv, ensure_ascii=False, indent=1)))


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number from 1 up, got {value}")
    return value
