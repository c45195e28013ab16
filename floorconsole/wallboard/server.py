"""The wallboard's web application (aiohttp): the page, its websocket, a JSON snapshot.

    GET /                 the page (labels in the board's language)      token
    GET /ws               websocket: the payload on connect, then on each push    token
    GET /snapshot.json    the payload once (curl, monitoring)             token
    GET /static/...       the page's script and stylesheet (no data)

The token (when one is set) is taken from `?token=` or an `Authorization: Bearer` /
`X-Wallboard-Token` header and compared in constant time; a wrong or missing one gets a
bare 403. Nothing is logged per request (the token is in URLs), every response carries
`Referrer-Policy: no-referrer`, `Cache-Control: no-store` and a strict CSP (scripts and
styles only from this server, no inline code, no framing).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
from importlib import resources

from aiohttp import WSMsgType, web

from floorconsole.wallboard.board import Board
from floorconsole.wallboard.labels import HTML_LANG, LABELS

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEARTBEAT_S = 20.0
BOARD_KEY = web.AppKey("board", Board)
TOKEN_KEY = web.AppKey("token", str)
CLIENTS_KEY: web.AppKey[set[web.WebSocketResponse]] = web.AppKey("clients", set)
LIMIT_KEY = web.AppKey("max_clients", int)
PAGE_KEY = web.AppKey("page", bytes)
STATIC = {"wallboard.js": "application/javascript", "wallboard.css": "text/css"}


def _static(name: str) -> bytes:
    return resources.files("floorconsole.wallboard").joinpath("static", name).read_bytes()


def render_page(lang: str) -> bytes:
    """The page with its labels inlined as a JSON data block (not script: the CSP holds)."""
    labels = json.dumps(LABELS[lang], ensure_ascii=False)
    labels = labels.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    html = _static("index.html").decode("utf-8")
    html = (
        html.replace("{{LANG}}", HTML_LANG[lang])
        .replace("{{TITLE}}", LABELS[lang]["title"])
        .replace("{{LABELS}}", labels)
    )
    return html.encode("utf-8")


def token_ok(request: web.Request, token: str) -> bool:
    """Constant-time check of the request's token (query, bearer or X-Wallboard-Token)."""
    if not token:
        return True
    given = request.query.get("token")
    if given is None:
        auth = request.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        else:
            given = request.headers.get("X-Wallboard-Token")
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), token.encode("utf-8"))


@web.middleware
async def guard(request: web.Request, handler):  # type: ignore[no-untyped-def]
    if not request.path.startswith("/static/") and not token_ok(request, request.app[TOKEN_KEY]):
        response: web.StreamResponse = web.Response(
            status=403, text="403 Forbidden: this board needs its link with the token.\n"
        )
    else:
        response = await handler(request)
    if not response.prepared:
        _harden(response)
    return response


def _harden(response: web.StreamResponse) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"


async def page(request: web.Request) -> web.Response:
    return web.Response(body=request.app[PAGE_KEY], content_type="text/html", charset="utf-8")


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    return web.Response(body=_static(name), content_type=STATIC[name], charset="utf-8")


async def snapshot(request: web.Request) -> web.Response:
    return web.Response(text=request.app[BOARD_KEY].text, content_type="application/json", charset="utf-8")


async def websocket(request: web.Request) -> web.StreamResponse:
    app = request.app
    clients: set[web.WebSocketResponse] = app[CLIENTS_KEY]
    if len(clients) >= app[LIMIT_KEY]:
        return web.Response(status=503, text="503: too many boards open on this server\n")
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=4096)
    _harden(ws)
    await ws.prepare(request)
    clients.add(ws)
    board: Board = app[BOARD_KEY]

    async def send() -> None:
        seen, text = board.version, board.text
        await ws.send_str(text)
        while not ws.closed:
            seen, text = await board.wait_newer(seen)
            await ws.send_str(text)

    sender = asyncio.create_task(send())
    try:
        # the page sends nothing; reading lets aiohttp answer pings and see the close
        async for msg in ws:
            if msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                break
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError, RuntimeError):
            await sender
        clients.discard(ws)
    return ws


async def _on_shutdown(app: web.Application) -> None:
    clients: set[web.WebSocketResponse] = app[CLIENTS_KEY]
    for ws in list(clients):
        with contextlib.suppress(Exception):
            await ws.close(code=1001, message=b"server shutting down")


def make_app(board: Board, *, lang: str, token: str | None, max_clients: int = 64) -> web.Application:
    app = web.Application(middlewares=[guard], client_max_size=4096)
    app[BOARD_KEY] = board
    app[TOKEN_KEY] = token or ""
    app[CLIENTS_KEY] = set()
    app[LIMIT_KEY] = max_clients
    app[PAGE_KEY] = render_page(lang)
    app.router.add_get("/", page)
    app.router.add_get("/ws", websocket)
    app.router.add_get("/snapshot.json", snapshot)
    app.router.add_get("/static/{name}", static)
    app.on_shutdown.append(_on_shutdown)
    return app


class Server:
    """The app on one address, run on the caller's event loop; `port` is the real one
    once started (give 0 to have the system pick)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app, self.host, self.port = app, host, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        # access_log=None: URLs carry the token, so requests are never logged
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host.strip("[]"), self.port, reuse_address=True)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or ()
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
