"""Serve a read-only floor view to browsers for the floor's big screen (wallboard).

One engine per process follows the feed (starting from `watch`'s snapshot when there is
one) and one board folds its updates; every open browser tab gets the same JSON pushed
over a websocket, at most a few times a second. The board shows queue figures and agent
counts only: no caller numbers or names, no patrol findings, no notes; agent names only
with `[wallboard] show_agents = true`. It reads no records and writes nothing.

Listens on 127.0.0.1 unless told otherwise; any other address needs a token
(`[wallboard] token_file`, `--token-file` or FLOORCONSOLE_WALLBOARD_TOKEN), given by the
browser as `/?token=...`. See docs/wallboard.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from floorconsole.commands.common import feed_config
from floorconsole.config import ConfigError
from floorconsole.i18n import _

if TYPE_CHECKING:  # the command list imports every command: aiohttp only once it runs
    from floorconsole.engine import FloorEngine
    from floorconsole.wallboard.board import Board
    from floorconsole.wallboard.server import Server

PROG = "floorconsole wallboard"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `wallboard` options."""
    parser.add_argument(
        "--feed", metavar="FILE", help=_("queue_log or JSON-lines feed to follow (overrides feed.path)")
    )
    parser.add_argument("--bind", metavar="ADDR", help=_("address to listen on (default 127.0.0.1; [wallboard] bind)"))
    parser.add_argument("--port", type=int, help=_("port to listen on (default 8088; 0: any free port)"))
    parser.add_argument(
        "--token-file", metavar="FILE", help=_("file holding the token browsers must give (needed off loopback)")
    )
    parser.add_argument("--lang", help=_("board labels: zh_CN or en (default: [wallboard] lang, else $LANG)"))
    parser.add_argument("--seconds", type=float, help=_("stop after this many seconds (default: until stopped)"))


def run(args: argparse.Namespace) -> int:
    """Serve the board until stopped."""
    from floorconsole.wallboard.settings import (
        TOKEN_ENV,
        check_exposure,
        check_lang,
        check_port,
        default_lang,
        load_settings,
        read_token_file,
    )

    try:
        config, _feed = feed_config(args)
        settings = load_settings(config.config_path)
        token = None
        if args.token_file:
            token = read_token_file(Path(args.token_file), "--token-file")
        elif os.environ.get(TOKEN_ENV, "").strip():
            token = os.environ[TOKEN_ENV].strip()
        settings = settings.with_overrides(
            bind=args.bind.strip() if args.bind is not None else None,
            port=check_port(args.port) if args.port is not None else None,
            token=token,
            lang=check_lang(args.lang, "--lang") if args.lang is not None else None,
        )
        if args.bind is not None and not args.bind.strip():
            raise ConfigError("--bind: expected an address such as 127.0.0.1 or 0.0.0.0")
        if args.seconds is not None and not args.seconds >= 0:
            raise ConfigError("--seconds must not be negative")
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    refusal = check_exposure(settings)
    if refusal:
        print(f"{PROG}: {refusal}", file=sys.stderr)
        return 2
    lang = settings.lang or default_lang()

    from floorconsole.engine import FloorEngine
    from floorconsole.layout import configured_layout
    from floorconsole.wallboard.board import Board
    from floorconsole.wallboard.server import Server, make_app
    from floorconsole.wiring import feed_state_files, wall_clock

    try:
        clock = wall_clock(config)
        layout = configured_layout(config.layout_path)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    # Read-only: no position file, no escalation sink, no records database. `watch` (or a
    # console) records the floor; the board only starts from watch's snapshot when it can.
    feed = config.feed_path
    assert feed is not None  # feed_config refused a config without one
    _, snapshot_file = feed_state_files(config, feed)
    engine = FloorEngine(config, feed, clock=clock, layout=layout, snapshot_in=snapshot_file)
    board = Board(clock, config.thresholds, show_agents=settings.show_agents, max_rate_hz=settings.max_rate_hz)
    engine.subscribe(board.on_update)
    app = make_app(board, lang=lang, token=settings.token, max_clients=settings.max_clients)
    server = Server(app, settings.bind, settings.port)
    return asyncio.run(_serve(engine, board, server, settings.token is not None, args.seconds))


async def _serve(engine: FloorEngine, board: Board, server: Server, with_token: bool, seconds: float | None) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    publisher = asyncio.create_task(board.run())
    try:
        await server.start()
    except OSError as exc:
        publisher.cancel()
        print(
            f"{PROG}: "
            + _("cannot listen on {address}: {error}").format(
                address=f"{server.host}:{server.port}", error=exc.strerror or exc
            ),
            file=sys.stderr,
        )
        return 2
    engine.start()
    host = f"[{server.host}]" if ":" in server.host else server.host
    # the token is never printed: the URL shows where it goes
    suffix = "/?token=<token>" if with_token else "/"
    print(f"wallboard: serving http://{host}:{server.port}{suffix}", file=sys.stderr, flush=True)
    try:
        if seconds is None:
            await stop.wait()
        else:
            try:
                await asyncio.wait_for(stop.wait(), seconds)
            except TimeoutError:
                pass
    finally:
        await server.stop()
        publisher.cancel()
        await asyncio.to_thread(engine.stop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0
