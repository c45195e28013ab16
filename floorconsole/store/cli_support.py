"""Shared plumbing for the records commands: open the store from CLI args, report errors."""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from floorconsole.clock import wall_clock
from floorconsole.config import Config, ConfigError, load_config
from floorconsole.i18n import _
from floorconsole.identity import Actor, current_actor
from floorconsole.printable import json_escape_controls
from floorconsole.store.errors import StoreError
from floorconsole.store.store import Store, store_kwargs

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_FAIL) -> int:
    """Print `floorconsole: error: message` to stderr and return the exit code."""
    print("floorconsole: " + _("error: {message}").format(message=message), file=sys.stderr)
    return code


def load(args: argparse.Namespace) -> Config:
    """The config from --config, with --db applied."""
    config = load_config(getattr(args, "config", None))
    db = getattr(args, "db", None)
    return config.with_overrides(db_path=Path(db) if db else None)


def run_with_store(
    args: argparse.Namespace,
    body: Callable[[Store, Config], int],
    *,
    must_exist: bool = False,
    read_only: bool = False,
) -> int:
    """Open the store, run `body`, and turn every user-facing error into a message + exit 1.

    `read_only` (the read commands): the database must exist and is opened read-only, so a
    mistyped --db creates nothing and a database in a read-only folder can still be read.
    """
    try:
        config = load(args)
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    if (must_exist or read_only) and not Path(config.db_path).is_file():
        return fail(
            _("no records database at {path}: check --db or store.db (nothing was created)").format(path=config.db_path)
        )
    try:
        try:
            clock = wall_clock(config.timezone)
        except ValueError as exc:
            raise ConfigError(_("floor.timezone: {error}").format(error=exc)) from None
        with Store(config.db_path, read_only=read_only, **store_kwargs(config), clock=clock) as store:
            try:
                return body(store, config)
            except (TypeError, ValueError, KeyError) as exc:
                if not read_only:
                    raise
                # a read command only shows records: one that does not read back as it was
                # written means a damaged file
                return fail(
                    _(
                        "the records database {path} holds a record that cannot be read "
                        "({error}); run `floorconsole verify` to find it"
                    ).format(path=config.db_path, error=type(exc).__name__)
                )
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    except StoreError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(
            _("cannot open the records database {path}: {error}").format(path=config.db_path, error=exc.strerror or exc)
        )
    except sqlite3.Error as exc:
        return fail(_("records database {path}: {error}").format(path=config.db_path, error=exc))


def shift_key(store: Store, config: Config, text: str | None) -> str | None:
    """`--shift` of a read command as a shift key: None (all), `current`, or a key such as
    `2026-11-23 day` naming a configured shift; ValueError with the reason otherwise."""
    if text is None:
        return None
    text = text.strip()
    if text == "current":
        return store.current_shift_key()
    date_text, _sep, name = text.partition(" ")
    names = [s.name for s in config.shifts]
    try:
        datetime.strptime(date_text, "%Y-%m-%d")
    except ValueError:
        raise ValueError(
            _("--shift: expected current or a key like {example}, got {text}").format(
                example=repr(f"2026-11-23 {names[0]}"), text=repr(text)
            )
        ) from None
    if name not in names:
        raise ValueError(
            _("--shift: no shift named {name}; configured: {names}").format(name=repr(name), names=", ".join(names))
        )
    return text


def actor_for(args: argparse.Namespace, config: Config, attr: str = "as_name") -> Actor:
    """The acting supervisor: --as/--author NAME, else the configured supervisor."""
    return current_actor(config, getattr(args, attr, None) or None)


def parse_time(text: str, what: str) -> float:
    """ISO date or date-time (local time when no offset) -> Unix seconds; ValueError if bad."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            _("{what}: {text} is not an ISO date/time such as 2026-11-23 or 2026-11-23T17:30").format(
                what=what, text=repr(text)
            )
        ) from None
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


def finite_float(text: str) -> float:
    """argparse type: a real number (not nan or inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number, got {text}").format(text=repr(text))) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(_("expected a finite number, got {text}").format(text=repr(text)))
    return value


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a whole number, got {text}").format(text=repr(text))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("expected a number from 1 up, got {value}").format(value=value))
    return value
