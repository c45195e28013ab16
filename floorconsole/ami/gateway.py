"""The one AMI connection: panoramisk underneath, our rules on top.

Rules this module keeps (each has a test in tests/test_ami_gateway.py):

- **Never act twice.** panoramisk queues an unanswered action and re-sends it after a
  reconnect unless its name is in `forgetable_actions` (default: ping and login). Every
  action we send is listed there (`commands.FORGETTABLE_ACTIONS`), and `_send` refuses any
  other, so a take-over or a hang-up is never replayed on a new connection.
- **Never act late.** Every action carries its own ActionID and timeout. A connection that
  drops while an action is out reports it `CONNECTION_LOST` at once; an answer that does
  not come in time reports `TIMEOUT` (outcome unknown: the supervisor checks the call, the
  console does not try again). A late answer is dropped.
- **Say why not.** Without `[ami]`, while (re)connecting, with no phone configured for the
  supervisor, or with no live channel for the agent, an action is not attempted and answers
  `UNAVAILABLE` with the reason; `unavailable()` gives the same reason before a key is pressed.
- **Bounded input.** A message larger than `max_message_bytes` is dropped up to its
  closing blank line and counted; the connection is kept. Garbage (lines that are no AMI
  message) is counted and skipped. Bytes are decoded incrementally, so a UTF-8 character
  split across reads survives.

Connection state, the ping round trip and (when Asterisk stamps events, `timestampevents =
yes`) the event lag are in `status`.

**Push, not poll.** `subscribe(fn)` hands `fn` an `AmiChanges` (the agents and calls the
tracker marked, and whether `status` moved) on the gateway's loop. It is coalesced: the
events of one read (a burst can be hundreds) and any state change with them become one
call, scheduled with `call_soon` once the read is folded; nothing is called when nothing
changed. Reconnects back off exponentially from
`reconnect_min_s` to `reconnect_max_s`. On every (re)connect `QueueStatus` and
`CoreShowChannels` rebuild the tracker.

The gateway runs on one asyncio loop (the console's own, or a thread of its own); it never
blocks it. Nothing here reads the wall clock except through the injected `clock`.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import logging
import random
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from panoramisk import Manager  # type: ignore[import-untyped]
from panoramisk.actions import Action  # type: ignore[import-untyped]
from panoramisk.ami_protocol import AMIProtocol  # type: ignore[import-untyped]
from panoramisk.message import Message  # type: ignore[import-untyped]

from floorconsole.ami.commands import (
    FORGETTABLE_ACTIONS,
    ActionResult,
    Outcome,
    SpyMode,
    exact_channel,
    queue_pause,
    spy_originate,
    takeover_queue_log,
    takeover_transfer,
)
from floorconsole.ami.settings import AmiSettings, AmiSettingsError
from floorconsole.ami.tracker import AmiTracker, interface_device, norm
from floorconsole.clock import Clock
from floorconsole.i18n import N_, _

log = logging.getLogger(__name__)

EOM = "\r\n\r\n"
BANNER = "Asterisk Call Manager/"
NOT_CONFIGURED = "AMI is not configured: add an [ami] table to the config (see docs/asterisk.md)"


class ConnectionState(StrEnum):
    """Where the connection is."""

    DISABLED = "disabled"  # no [ami] table: everything runs from queue_log alone
    CONNECTING = "connecting"
    CONNECTED = "connected"  # logged in (and, normally, synced)
    RECONNECTING = "reconnecting"  # waiting out the backoff
    AUTH_FAILED = "auth-failed"  # Asterisk refused the login; retried at the longest backoff
    STOPPED = "stopped"


# How the header says each state (translated where shown).
_STATE_WORDS = {
    "disabled": N_("off"),
    "connecting": N_("connecting"),
    "connected": N_("connected"),
    "reconnecting": N_("reconnecting"),
    "auth-failed": N_("login refused"),
    "stopped": N_("stopped"),
}


@dataclass(frozen=True)
class GatewayStatus:
    """What the header shows about AMI."""

    state: ConnectionState
    detail: str  # last error, or what is missing
    rtt_ms: float | None  # last Ping round trip
    event_lag_s: float | None  # clock minus the last event's Timestamp (timestampevents = yes)
    synced: bool  # the tracker holds a snapshot taken on this connection
    reconnects: int
    retry_in_s: float | None
    oversized: int  # messages dropped for size
    garbage: int  # chunks that were no AMI message
    events: int
    version: str  # "Asterisk Call Manager/<version>" of the server

    @property
    def usable(self) -> bool:
        return self.state is ConnectionState.CONNECTED

    def line(self) -> str:
        """One short line: `AMI connected, 3 ms` / `AMI reconnecting in 4 s: Connection refused`
        (in the console's language; `detail` is the server's or the OS's own words)."""
        if self.state is ConnectionState.CONNECTED:
            rtt = _(", {ms} ms").format(ms=f"{self.rtt_ms:.0f}") if self.rtt_ms is not None else ""
            lag = (
                _(", lag {s} s").format(s=f"{self.event_lag_s:.1f}")
                if self.event_lag_s is not None and self.event_lag_s >= 1
                else ""
            )
            sync = "" if self.synced else _(" (not synced)")
            return _("AMI connected") + rtt + lag + sync
        if self.state is ConnectionState.RECONNECTING and self.retry_in_s is not None:
            return _("AMI reconnecting in {s} s: {why}").format(s=f"{self.retry_in_s:.0f}", why=self.detail)
        state = _(_STATE_WORDS.get(self.state.value, self.state.value))
        return _("AMI {state}").format(state=state) + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True, slots=True)
class AmiChanges:
    """What moved since the last notification: agents (member interfaces / devices) whose
    live cell may differ, calls (callid / Linkedid) whose liveness may differ, and whether
    the connection's status line may read differently."""

    agents: frozenset[str]
    calls: frozenset[str]
    status: bool


class _AuthFailed(Exception):
    pass


class _Reply:
    """An action's answer: the first response (and the list items for list actions), or
    why there is none."""

    def __init__(self, outcome: Outcome, message: str, response: Any = None, items: list[Any] | None = None) -> None:
        self.outcome = outcome
        self.message = message
        self.response = response
        self.items = items or []

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


class _BoundedProtocol(AMIProtocol):
    """panoramisk's protocol with a bounded, incrementally decoded reader.

    panoramisk's own reader keeps an unbounded buffer and decodes each read on its own;
    this one drops any message over `max_bytes` (up to its closing blank line) and counts
    garbage, then hands every message to panoramisk's `handle_message` unchanged."""

    max_bytes = 256 * 1024
    gateway: AmiGateway | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buf = ""
        self._skipping = False
        self._banner_seen = False

    def data_received(self, data: bytes) -> None:
        gw = self.gateway
        text = self._decoder.decode(data)
        if not self._banner_seen:
            self._buf += text
            if "\r\n" not in self._buf and len(self._buf) < 200:
                return
            self._banner_seen = True
            line, _sep, rest = self._buf.partition("\r\n")
            if line.startswith(BANNER):
                self.version = line[len(BANNER) :].strip()
                self._buf = rest
            text, self._buf = self._buf, ""
        if self._skipping:
            text = self._buf + text
            end = text.find(EOM)
            if end < 0:
                self._buf = text[-3:]
                return
            self._skipping = False
            text = text[end + len(EOM) :]
            self._buf = ""
        buf = self._buf + text
        parts = buf.split(EOM)
        rest = parts.pop()
        for part in parts:
            self._handle_text(part)
        if len(rest) > self.max_bytes:
            if gw is not None:
                gw._oversized += 1
            log.warning("AMI: dropped a message over %d bytes", self.max_bytes)
            self._skipping = True
            self._buf = rest[-3:]
        else:
            self._buf = rest

    def _handle_text(self, part: str) -> None:
        gw = self.gateway
        part = part.strip()
        if not part:
            return
        if len(part) > self.max_bytes:
            if gw is not None:
                gw._oversized += 1
            log.warning("AMI: dropped a message over %d bytes", self.max_bytes)
            return
        try:
            message = Message.from_line(part)
        except Exception:  # noqa: BLE001 - one bad message costs one message
            message = None
        if message is None:
            if gw is not None:
                gw._garbage += 1
            return
        try:
            self.handle_message(message)
        except Exception:  # noqa: BLE001 - a failing handler must not kill the connection
            log.exception("AMI: handling a message failed")


class _Manager(Manager):
    """panoramisk's Manager with connection and reconnection left to the gateway."""

    pinger: Any  # panoramisk's ping timer handle (untyped there)

    def __init__(self, gateway: AmiGateway, **config: Any) -> None:
        super().__init__(**config)
        self.gateway = gateway

    def ping(self) -> None:
        """The gateway's heartbeat measures and acts on the round trip; panoramisk's
        fire-and-forget ping is switched off."""

    def connection_lost(self, exc: Any) -> None:
        self._connected = False
        if self.pinger:
            self.pinger.cancel()
            self.pinger = None
        self.gateway._on_connection_lost(exc)


class AmiGateway:
    """The AMI connection, the tracker it feeds, and the supervisor actions."""

    def __init__(self, settings: AmiSettings | None, clock: Clock, tracker: AmiTracker | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.tracker = tracker or AmiTracker()
        self._state = ConnectionState.DISABLED if settings is None else ConnectionState.STOPPED
        self._detail = NOT_CONFIGURED if settings is None else ""
        self._manager: _Manager | None = None
        self._transport: asyncio.BaseTransport | None = None
        self._lost: asyncio.Future[str] | None = None
        self._task: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._stopping = False
        self._session = secrets.token_hex(3)
        self._seq = 0
        self._rtt_ms: float | None = None
        self._lag_s: float | None = None
        self._reconnects = 0
        self._retry_at: float | None = None
        self._oversized = 0
        self._garbage = 0
        self._version = ""
        self._originates: dict[str, asyncio.Future[Any]] = {}
        self._conditions: list[tuple[Callable[[], str | None], asyncio.Future[str]]] = []
        self._rng = random.Random()
        self.sent_actions: list[str] = []  # names of actions sent on the wire, in order (bounded)
        self._subscribers: list[Callable[[AmiChanges], None]] = []
        self._status_moved = False
        self._flush_due = False
        self._lag_shown: float | None = None  # the lag as the status line shows it

    # -- notifications -------------------------------------------------------------------

    def subscribe(self, fn: Callable[[AmiChanges], None]) -> None:
        """Call `fn(changes)` on the gateway's loop after each folded burst of events and
        after each change of the connection's status (coalesced; never with nothing)."""
        self._subscribers.append(fn)

    def _notify(self, status: bool = False) -> None:
        """Something changed: flush once the current read (or state change) is done."""
        if status:
            self._status_moved = True
        if self._flush_due:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not on a loop (a test folding by hand): at once
            self._flush()
            return
        self._flush_due = True
        loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        agents, calls = self.tracker.take_changes()
        status, self._status_moved = self._status_moved, False
        if not (agents or calls or status):
            return
        changes = AmiChanges(frozenset(agents), frozenset(calls), status)
        for fn in list(self._subscribers):
            try:
                fn(changes)
            except Exception:  # noqa: BLE001 - a subscriber's bug must not stop the connection
                log.exception("AMI: a change subscriber failed")

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Start connecting (returns at once; the connection comes up in the background)."""
        if self.settings is None or self._task is not None:
            return
        self._stopping = False
        loop = asyncio.get_running_loop()
        self._manager = _Manager(
            self,
            loop=loop,
            host=self.settings.host,
            port=self.settings.port,
            username=self.settings.username,
            secret="",
            events="on",
            forgetable_actions=FORGETTABLE_ACTIONS,
        )
        self._manager.register_event("*", self._on_event)
        self._task = loop.create_task(self._run(), name="ami-gateway")

    async def stop(self) -> None:
        """Log off and close; the gateway can be started again."""
        self._stopping = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._state is ConnectionState.CONNECTED:
            with contextlib.suppress(Exception):
                await self._send({"Action": "Logoff"}, timeout=0.5)
        if self._manager is not None:
            self._manager.close()
        if self._transport is not None:
            self._transport.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._task = None
        self._fail_waiters("the console stopped")
        if self.settings is not None:
            self._set_state(ConnectionState.STOPPED, "")

    async def wait_connected(self, timeout: float) -> bool:
        """Wait until logged in and synced (tests, the demo); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._state is ConnectionState.CONNECTED and self.tracker.synced:
                return True
            await asyncio.sleep(0.01)
        return False

    @property
    def status(self) -> GatewayStatus:
        """A snapshot of the connection's health."""
        retry = None
        if self._state is ConnectionState.RECONNECTING and self._retry_at is not None:
            retry = max(0.0, self._retry_at - time.monotonic())
        return GatewayStatus(
            state=self._state,
            detail=self._detail,
            rtt_ms=self._rtt_ms,
            event_lag_s=self._lag_s,
            synced=self.tracker.synced,
            reconnects=self._reconnects,
            retry_in_s=retry,
            oversized=self._oversized,
            garbage=self._garbage,
            events=self.tracker.stats.events,
            version=self._version,
        )

    def _set_state(self, state: ConnectionState, detail: str) -> None:
        if (state, detail) != (self._state, self._detail):
            self._state = state
            self._detail = detail
            self._notify(status=True)

    async def _run(self) -> None:
        assert self.settings is not None
        attempt = 0
        while not self._stopping:
            self._set_state(ConnectionState.CONNECTING, self._detail)
            auth_failed = False
            try:
                await self._connect_once()
                attempt = 0
                assert self._lost is not None
                reason = await self._lost
                self._set_state(ConnectionState.RECONNECTING, f"connection lost ({reason})")
            except _AuthFailed as exc:
                auth_failed = True
                self._set_state(ConnectionState.AUTH_FAILED, f"login refused: {exc}")
            except AmiSettingsError as exc:
                auth_failed = True
                self._set_state(ConnectionState.AUTH_FAILED, str(exc))
            except (TimeoutError, OSError, ConnectionError) as exc:
                msg = (
                    "no answer within the connect timeout"
                    if isinstance(exc, asyncio.TimeoutError)
                    else (exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc))
                )
                self._set_state(ConnectionState.RECONNECTING, msg or type(exc).__name__)
            self._drop_connection()
            if self._stopping:
                break
            delay = self._backoff(attempt, auth_failed)
            attempt += 1
            self._reconnects += 1
            self._retry_at = time.monotonic() + delay
            if not auth_failed:
                self._set_state(ConnectionState.RECONNECTING, self._detail)
            await asyncio.sleep(delay)
            self._retry_at = None

    def _backoff(self, attempt: int, longest: bool) -> float:
        assert self.settings is not None
        lo, hi = self.settings.reconnect_min_s, self.settings.reconnect_max_s
        base = hi if longest else min(hi, lo * (2 ** min(attempt, 30)))
        return base * (0.8 + 0.4 * self._rng.random()) if base > lo else base

    async def _connect_once(self) -> None:
        settings = self.settings
        manager = self._manager
        assert settings is not None and manager is not None
        secret = settings.read_secret()
        loop = asyncio.get_running_loop()
        ctx = settings.ssl_context()

        def factory() -> _BoundedProtocol:
            proto = _BoundedProtocol()
            proto.max_bytes = settings.max_message_bytes
            proto.gateway = self
            return proto

        transport, protocol = await asyncio.wait_for(
            loop.create_connection(
                factory, settings.host, settings.port, ssl=ctx, server_hostname=settings.host if ctx else None
            ),
            settings.connect_timeout_s,
        )
        self._transport = transport
        self._lost = loop.create_future()
        manager.config["secret"] = secret
        done: asyncio.Future[Any] = loop.create_future()
        done.set_result((transport, protocol))
        manager.connection_made(done)  # panoramisk wires the protocol and sends Login
        login = manager.authenticated_future
        self._sent("login")
        reply = await self._await(login, settings.action_timeout_s)
        if reply.outcome is Outcome.CONNECTION_LOST:
            raise ConnectionError("connection closed during login")
        if reply.outcome is Outcome.TIMEOUT:
            raise TimeoutError()
        if not reply.response.success:
            raise _AuthFailed(reply.response.get("Message", "") or "Authentication failed")
        self._version = getattr(protocol, "version", "") or ""
        self._set_state(ConnectionState.CONNECTED, "")
        await self._sync()
        self._heartbeat = loop.create_task(self._beat(), name="ami-heartbeat")

    async def _sync(self) -> None:
        """Ask for the queues and the channels and rebuild the tracker from them."""
        assert self.settings is not None
        timeout = max(30.0, self.settings.action_timeout_s)
        qs = await self._send({"Action": "QueueStatus"}, timeout, list_action=True)
        ch = await self._send({"Action": "CoreShowChannels"}, timeout, list_action=True)
        if qs.ok and ch.ok:
            self.tracker.apply_snapshot(qs.items, ch.items, self.clock())
            self._detail = ""
        else:
            bad = qs if not qs.ok else ch
            self._detail = f"live state not loaded: {bad.message}"
        self._notify(status=True)  # synced (or why not), and what the snapshot changed

    async def _beat(self) -> None:
        assert self.settings is not None
        misses = 0
        while self._state is ConnectionState.CONNECTED:
            await asyncio.sleep(self.settings.ping_interval_s)
            if self._state is not ConnectionState.CONNECTED:
                return
            t0 = time.monotonic()
            reply = await self._send({"Action": "Ping"}, self.settings.action_timeout_s)
            if reply.ok:
                misses = 0
                rtt = (time.monotonic() - t0) * 1000.0
                moved = self._rtt_ms is None or round(rtt) != round(self._rtt_ms)
                self._rtt_ms = rtt
                if moved:
                    self._notify(status=True)
            elif reply.outcome is Outcome.TIMEOUT:
                misses += 1
                if misses >= 2 and self._transport is not None:
                    log.warning("AMI: two pings unanswered; dropping the connection")
                    self._transport.abort()  # type: ignore[attr-defined]
                    return
            else:
                return

    def _on_connection_lost(self, exc: Any) -> None:
        reason = str(exc) if exc else "closed by the server"
        if isinstance(exc, Message):
            reason = "Asterisk is shutting down"
        self.tracker.mark_stale()
        self._notify(status=True)
        if self._lost is None or self._lost.done():
            return  # we closed it ourselves (login refused, stop): the state says why already
        self._lost.set_result(reason)
        self._fail_waiters(f"the AMI connection dropped ({reason})")
        if not self._stopping:
            self._set_state(ConnectionState.RECONNECTING, f"connection lost ({reason})")

    def _drop_connection(self) -> None:
        if self._lost is not None and not self._lost.done():
            self._lost.set_result("closed by the console")
        self._fail_waiters("the AMI connection was closed")
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        self.tracker.mark_stale()

    def _fail_waiters(self, why: str) -> None:
        for fut in self._originates.values():
            if not fut.done():
                fut.set_result(None)
        for _cond, fut in self._conditions:
            if not fut.done():
                fut.set_result("connection-lost")

    # -- events --------------------------------------------------------------------------

    def _on_event(self, manager: Any, event: Any) -> None:
        ev = norm(event)
        now = self.clock()
        self.tracker.apply_normalized(ev, now)
        stamp = ev.get("timestamp")
        lag_moved = False
        if stamp:
            with contextlib.suppress(ValueError):
                self._lag_s = max(0.0, now - float(stamp))
                shown = round(self._lag_s, 1) if self._lag_s >= 1 else None  # as GatewayStatus.line shows it
                lag_moved, self._lag_shown = shown != self._lag_shown, shown
        self._notify(status=lag_moved)
        name = ev.get("event", "").lower()
        if name == "originateresponse":
            fut = self._originates.get(ev.get("actionid", ""))
            if fut is not None and not fut.done():
                fut.set_result(ev)
        if self._conditions:
            keep = []
            for pred, fut in self._conditions:
                if fut.done():
                    continue
                verdict = pred()
                if verdict is not None:
                    fut.set_result(verdict)
                else:
                    keep.append((pred, fut))
            self._conditions = keep

    async def _until(self, pred: Callable[[], str | None], timeout: float) -> str:
        """Wait until `pred()` (checked now and after every event) says something; returns
        it, or "timeout" / "connection-lost"."""
        first = pred()
        if first is not None:
            return first
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._conditions.append((pred, fut))
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            return "timeout"
        finally:
            self._conditions = [(p, f) for p, f in self._conditions if f is not fut]

    # -- sending -------------------------------------------------------------------------

    def _next_id(self) -> str:
        self._seq += 1
        return f"floorconsole-{self._session}-{self._seq}"

    def _sent(self, name: str) -> None:
        self.sent_actions.append(name)
        if len(self.sent_actions) > 1000:
            del self.sent_actions[:500]

    async def _await(self, fut: Any, timeout: float) -> _Reply:
        lost = self._lost
        waits = {fut} | ({lost} if lost is not None else set())
        done, _ = await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if fut in done:
            return _Reply(Outcome.OK, "", response=fut.result())
        if lost is not None and lost in done:
            return _Reply(Outcome.CONNECTION_LOST, "the AMI connection dropped before Asterisk answered; not retried")
        return _Reply(Outcome.TIMEOUT, f"no answer from Asterisk within {timeout:g} s; outcome unknown, not retried")

    async def _send(
        self, fields: Mapping[str, str], timeout: float, *, list_action: bool = False, action_id: str | None = None
    ) -> _Reply:
        """Send one action with its own ActionID and timeout; never queued for re-sending."""
        name = fields["Action"].lower()
        if name not in FORGETTABLE_ACTIONS:
            raise ValueError(
                f"{fields['Action']} is not in the forgettable actions; it could be re-sent after a reconnect"
            )
        manager = self._manager
        if (
            self._state is not ConnectionState.CONNECTED
            or manager is None
            or manager.protocol is None
            or self._lost is None
            or self._lost.done()
        ):
            return _Reply(Outcome.UNAVAILABLE, self.unavailable() or "AMI is not connected")
        aid = action_id or self._next_id()
        action = Action(dict(fields, ActionID=aid), as_list=None if list_action else False)
        fut = manager.send_action(action, as_list=None if list_action else False)
        self._sent(name)
        reply = await self._await(fut, timeout)
        if reply.outcome is Outcome.TIMEOUT and manager.protocol is not None:
            manager.protocol.responses.pop(aid, None)  # a late answer is dropped, not matched
        if not reply.ok:
            return reply
        resp = reply.response
        if isinstance(resp, list):
            first, items = resp[0], [m for m in resp[1:] if "event" in m and not m["event"].endswith("Complete")]
        else:
            first, items = resp, []
        kind = str(first.get("Response", ""))
        message = str(first.get("Message", ""))
        if kind in ("Success", "Follows", "Goodbye"):
            return _Reply(Outcome.OK, message, first, items)
        if message.lower() == "permission denied":
            return _Reply(
                Outcome.DENIED, "Asterisk refused: permission denied (see manager.conf in docs/asterisk.md)", first
            )
        return _Reply(Outcome.FAILED, message or f"Asterisk answered {kind or 'nothing usable'}", first)

    # -- availability --------------------------------------------------------------------

    def unavailable(
        self, supervisor: str | None = None, agent: str | None = None, need_call: bool = False
    ) -> str | None:
        """Why an action cannot be done now (None: it can be tried): no AMI, not connected,
        no phone for the supervisor, no live call for the agent."""
        if self.settings is None:
            return NOT_CONFIGURED
        if self._state is not ConnectionState.CONNECTED:
            return self.status.line()
        if supervisor is not None and self.settings.person(supervisor) is None:
            return f'no phone configured for {supervisor}: add [ami.people.{supervisor}] endpoint = "PJSIP/..."'
        if need_call and agent is not None and self.tracker.agent_channel(agent) is None:
            return f"{agent} has no live call on AMI"
        return None

    def _result(
        self, action: str, outcome: Outcome, message: str, target: str, started: float, **kw: Any
    ) -> ActionResult:
        return ActionResult(
            action=action, outcome=outcome, message=message, target=target, started=started, finished=self.clock(), **kw
        )

    # -- supervisor actions ---------------------------------------------------------------

    async def spy(self, supervisor: str, agent: str, mode: SpyMode = SpyMode.LISTEN) -> ActionResult:
        """Listen to, whisper to, or barge into `agent`'s call: ring the supervisor's own
        phone and, once answered, ChanSpy exactly the agent's current channel.

        OK only when OriginateResponse says the supervisor's phone answered."""
        started = self.clock()
        why = self.unavailable(supervisor, agent, need_call=True)
        if why is not None:
            return self._result(mode.value, Outcome.UNAVAILABLE, why, agent, started, supervisor=supervisor)
        assert self.settings is not None
        person = self.settings.person(supervisor)
        channel = self.tracker.agent_channel(agent)
        assert person is not None and channel is not None
        fields = spy_originate(
            person.endpoint,
            channel.name,
            mode,
            self.settings.originate_ring_s,
            self.settings.chanspy_u_option,
            f"{mode.value} {agent}",
        )
        aid = self._next_id()
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._originates[aid] = waiter
        detail = {"agent_channel": channel.name, "endpoint": person.endpoint, "callid": channel.linkedid}

        def result(outcome: Outcome, message: str) -> ActionResult:
            return self._result(
                mode.value,
                outcome,
                message,
                agent,
                started,
                supervisor=supervisor,
                action_ids=(aid,),
                sent=(fields,),
                detail=detail,
            )

        try:
            reply = await self._send(fields, self.settings.action_timeout_s, action_id=aid)
            if not reply.ok:
                return result(reply.outcome, reply.message)
            try:
                ev = await asyncio.wait_for(waiter, self.settings.originate_ring_s + self.settings.action_timeout_s)
            except TimeoutError:
                return result(
                    Outcome.TIMEOUT,
                    f"your phone {person.endpoint} was rung but Asterisk never said whether it answered",
                )
        finally:
            self._originates.pop(aid, None)
        if ev is None:
            return result(
                Outcome.CONNECTION_LOST, "the AMI connection dropped while your phone was ringing; not retried"
            )
        if ev.get("response", "").lower() == "success":
            msg = (
                f"{mode.value}: your phone {person.endpoint} is on {channel.name} "
                "(on the phone: 4 listen, 5 whisper, 6 barge)"
            )
            return result(Outcome.OK, msg)
        reason = {
            "0": "could not be called",
            "1": "hung up",
            "3": "rang unanswered",
            "5": "busy",
            "8": "congested or unavailable",
        }.get(ev.get("reason", ""), f"reason {ev.get('reason', '?')}")
        return result(Outcome.FAILED, f"your phone {person.endpoint} {reason}; nothing was done")

    async def take_over(
        self, supervisor: str, agent: str, callid: str | None = None, queue: str | None = None
    ) -> ActionResult:
        """Move the caller from `agent` to the supervisor (BlindTransfer of the agent's
        channel to the supervisor's extension in `takeover_context`).

        Checked first: the agent's channel is in a two-party bridge with the caller (and
        with `callid`'s caller, when given), so the transfer cannot move anyone else.
        OK only when the events show the caller and the supervisor's phone in one bridge.
        If Asterisk refuses, the call is left with the agent and the message says so. Once
        the caller was moved, a `FLOORTAKEOVER` line is written to queue_log."""
        action = "take-over"
        started = self.clock()
        why = self.unavailable(supervisor, agent, need_call=True)
        if why is not None:
            return self._result(action, Outcome.UNAVAILABLE, why, agent, started, supervisor=supervisor)
        assert self.settings is not None
        person = self.settings.person(supervisor)
        assert person is not None
        if not person.extension:
            return self._result(
                action,
                Outcome.UNAVAILABLE,
                f'no extension configured for {supervisor}: add extension = "..." to [ami.people.{supervisor}]',
                agent,
                started,
                supervisor=supervisor,
            )
        tracker = self.tracker
        agent_ch = tracker.agent_channel(agent)
        caller = tracker.caller_channel(agent)
        assert agent_ch is not None
        peers = tracker.bridge_peers(agent_ch.uniqueid)
        if caller is None and len(peers) < 2:
            return self._result(
                action,
                Outcome.UNAVAILABLE,
                f"{agent}'s channel is not bridged to a caller",
                agent,
                started,
                supervisor=supervisor,
            )
        if caller is None or len(peers) != 1 or peers[0].uniqueid != caller.uniqueid:
            return self._result(
                action,
                Outcome.UNAVAILABLE,
                f"{agent} is in a call with {len(peers)} other parties; a transfer could move the wrong one",
                agent,
                started,
                supervisor=supervisor,
            )
        if callid and callid not in (caller.uniqueid, caller.linkedid):
            return self._result(
                action,
                Outcome.UNAVAILABLE,
                f"{agent} is no longer on call {callid}",
                agent,
                started,
                supervisor=supervisor,
            )
        call = tracker.agent_calls.get(agent)
        queue = (call.queue if call is not None else "") or queue or ""
        the_callid = callid or caller.linkedid
        sup_device = interface_device(person.endpoint)
        caller_uid = caller.uniqueid
        detail = {
            "callid": the_callid,
            "queue": queue,
            "agent_channel": agent_ch.name,
            "caller_channel": caller.name,
            "extension": person.extension,
            "context": self.settings.takeover_context,
        }
        fields = takeover_transfer(agent_ch.name, self.settings.takeover_context, person.extension)
        aid = self._next_id()
        reply = await self._send(fields, self.settings.action_timeout_s, action_id=aid)
        ids: tuple[str, ...] = (aid,)
        sent: tuple[Mapping[str, str], ...] = (fields,)
        if not reply.ok:
            still = tracker.bridged_with_device(caller_uid, agent_ch.device) is not None
            where = f"the call is still with {agent}" if still else "the call is no longer with the agent"
            outcome = reply.outcome
            if outcome is Outcome.FAILED and any(
                s in reply.message.lower() for s in ("not exist", "no such", "not found")
            ):
                outcome = Outcome.CHANNEL_GONE
            return self._result(
                action,
                outcome,
                f"transfer not done ({reply.message}); {where}",
                agent,
                started,
                supervisor=supervisor,
                action_ids=ids,
                sent=sent,
                detail=detail,
            )

        def settled() -> str | None:
            if tracker.bridged_with_device(caller_uid, sup_device) is not None:
                return "bridged"
            if caller_uid not in tracker.channels:
                return "caller-hung-up"
            for t in reversed(tracker.transfers):
                if t.transferee_uniqueid == caller_uid and t.result and t.result != "Success":
                    return f"transfer-{t.result.lower().replace(' ', '-')}"
            return None

        verdict = await self._until(settled, self.settings.takeover_answer_s)
        messages = {
            "bridged": (Outcome.OK, f"you have the caller: {caller.name} is bridged with your phone {person.endpoint}"),
            "caller-hung-up": (Outcome.FAILED, "the caller hung up before your phone answered"),
            "timeout": (
                Outcome.FAILED,
                f"the caller was sent to {person.extension} but your phone did not answer "
                f"within {self.settings.takeover_answer_s:g} s; the dialplan's fallback has the call",
            ),
            "connection-lost": (
                Outcome.CONNECTION_LOST,
                "the AMI connection dropped after the transfer; check your phone, nothing will be retried",
            ),
        }
        outcome, message = messages.get(verdict, (Outcome.FAILED, f"Asterisk reported {verdict}"))
        if verdict != "connection-lost":
            qlog = takeover_queue_log(queue or "NONE", the_callid, agent, supervisor, verdict)
            qid = self._next_id()
            ql = await self._send(qlog, self.settings.action_timeout_s, action_id=qid)
            ids, sent = (aid, qid), (fields, qlog)
            if not ql.ok:
                message += f" (queue_log line not written: {ql.message})"
        return self._result(
            action,
            outcome,
            message,
            agent,
            started,
            supervisor=supervisor,
            action_ids=ids,
            sent=sent,
            detail={**detail, "verdict": verdict},
        )

    async def pause(self, agent: str, reason: str, queue: str | None = None, supervisor: str = "") -> ActionResult:
        """Pause `agent` (in `queue`, or in all its queues) with a reason."""
        return await self._pause(agent, True, reason, queue, supervisor)

    async def unpause(self, agent: str, queue: str | None = None, supervisor: str = "") -> ActionResult:
        """Unpause `agent` (in `queue`, or in all its queues)."""
        return await self._pause(agent, False, "", queue, supervisor)

    async def _pause(self, agent: str, paused: bool, reason: str, queue: str | None, supervisor: str) -> ActionResult:
        action = "pause" if paused else "unpause"
        started = self.clock()
        why = self.unavailable()
        if why is not None:
            return self._result(action, Outcome.UNAVAILABLE, why, agent, started, supervisor=supervisor)
        assert self.settings is not None
        fields = queue_pause(agent, paused, reason, queue)
        return await self._simple(
            action,
            fields,
            agent,
            started,
            supervisor,
            f"{agent} {'paused' if paused else 'unpaused'} in {queue or 'all queues'}"
            + (f": {reason}" if reason else ""),
            {"queue": queue or "", "reason": reason},
        )

    async def queue_remove(self, queue: str, agent: str, supervisor: str = "") -> ActionResult:
        """Remove `agent` from `queue` (the UI confirms first; only dynamic members can be removed)."""
        started = self.clock()
        why = self.unavailable()
        if why is not None:
            return self._result("queue-remove", Outcome.UNAVAILABLE, why, agent, started, supervisor=supervisor)
        fields = {"Action": "QueueRemove", "Queue": queue, "Interface": agent}
        return await self._simple(
            "queue-remove", fields, agent, started, supervisor, f"{agent} removed from {queue}", {"queue": queue}
        )

    async def hangup(self, channel: str, supervisor: str = "") -> ActionResult:
        """Hang up exactly `channel` (a full channel name the tracker knows is up)."""
        started = self.clock()
        why = self.unavailable()
        if why is not None:
            return self._result("hangup", Outcome.UNAVAILABLE, why, channel, started, supervisor=supervisor)
        try:
            exact_channel(channel)
        except ValueError as exc:
            return self._result("hangup", Outcome.UNAVAILABLE, str(exc), channel, started, supervisor=supervisor)
        ch = self.tracker.channel_by_name(channel)
        if ch is None:
            return self._result(
                "hangup",
                Outcome.CHANNEL_GONE,
                f"no live channel named {channel}",
                channel,
                started,
                supervisor=supervisor,
            )
        fields = {"Action": "Hangup", "Channel": channel}
        return await self._simple(
            "hangup",
            fields,
            channel,
            started,
            supervisor,
            f"{channel} hung up",
            {"callid": ch.linkedid},
            channel_action=True,
        )

    async def _simple(
        self,
        action: str,
        fields: dict[str, str],
        target: str,
        started: float,
        supervisor: str,
        ok_message: str,
        detail: dict[str, str],
        channel_action: bool = False,
    ) -> ActionResult:
        assert self.settings is not None
        aid = self._next_id()
        reply = await self._send(fields, self.settings.action_timeout_s, action_id=aid)
        outcome, message = reply.outcome, reply.message
        if reply.ok:
            message = ok_message
        elif (
            channel_action
            and outcome is Outcome.FAILED
            and any(s in message.lower() for s in ("not exist", "no such", "not found"))
        ):
            outcome, message = Outcome.CHANNEL_GONE, f"the channel had already gone ({message})"
        return self._result(
            action,
            outcome,
            message,
            target,
            started,
            supervisor=supervisor,
            action_ids=(aid,),
            sent=(fields,),
            detail=detail,
        )
