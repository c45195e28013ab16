"""The AMI keys on the main screen: listen, whisper, barge, take the call over, pause or
unpause, remove from a queue, hang up — on the selected seat, or on the selected escalation
when the escalation list has the focus.

`AmiKeys` is a mixin of `FloorApp`: its bindings are spliced into the App's, its actions
check who may act (`floorconsole.ami.live.refusal`) and whether AMI can (`AmiGateway.
unavailable`), ask what must be confirmed (`screens/ami_confirm.py`), and run the
gateway's coroutine in a worker on the App's loop, so a key never waits for Asterisk.
Every outcome — done, failed, refused — is shown and written to the audit through the
store service from its `ActionResult`.

The live state is pushed, not polled: the gateway calls back on the App's loop after each
folded burst of AMI events or change of its connection status (`AmiChanges`, coalesced);
the App posts an `AmiUpdated` (a newer one still queued absorbs an older one, so a burst
becomes one screen update) and repaints only what moved: the header's AMI line, the live
cells of the agents that changed, the escalation list when one of its calls did. The 1 s
tick only moves what runs with the clock (`reconnecting in 4 s`; the `3:12`s redraw with
the panels' own clock).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from floorconsole.ami.commands import ActionResult, Outcome, SpyMode
from floorconsole.ami.gateway import NOT_CONFIGURED, AmiChanges, AmiGateway, ConnectionState
from floorconsole.ami.live import LiveFloor, action_text, clock_text, refusal
from floorconsole.i18n import N_, _
from floorconsole.masking import mask_caller
from floorconsole.store import Store


class AmiUpdated(Message, bubble=False):
    """The AMI gateway pushed what changed (agents, calls, status). A newer one still in the
    queue takes in an older one's sets, so a burst is one repaint and loses nothing."""

    def __init__(self, changes: AmiChanges) -> None:
        super().__init__()
        self.agents: set[str] = set(changes.agents)
        self.calls: set[str] = set(changes.calls)
        self.status = changes.status

    def can_replace(self, message: Message) -> bool:
        # called on the older message with the newer one still queued behind it
        if isinstance(message, AmiUpdated):
            message.agents |= self.agents
            message.calls |= self.calls
            message.status = message.status or self.status
            return True
        return False


# show=False: without AMI the footer keeps its size; `?` and the palette list them all.
# With AMI the main two are shown (`ami_show_keys`), under these short labels (the long
# description stays the key's tooltip); screens/footer.py makes room for them at 80.
AMI_BINDINGS: list[BindingType] = [
    Binding("L", "ami_listen", N_("Listen (AMI)"), show=False),
    Binding("W", "ami_whisper", N_("Whisper (AMI)"), show=False),
    Binding("B", "ami_barge", N_("Barge (AMI)"), show=False),
    Binding("T", "ami_take_call", N_("Take the call over (AMI)"), show=False),
    Binding("P", "ami_pause", N_("Pause / unpause agent (AMI)"), show=False),
    Binding("R", "ami_remove", N_("Remove agent from queue (AMI)"), show=False),
    Binding("X", "ami_hangup", N_("Hang up channel (AMI)"), show=False),
]

AMI_FOOTER_LABELS = {"T": N_("Take call"), "P": N_("Pause")}

AMI_ACTION_HELP = {
    "ami_listen": N_("Ring your phone into the selected agent's call, listening only (ChanSpy q)"),
    "ami_whisper": N_("Ring your phone into the call; the agent hears you, the caller does not"),
    "ami_barge": N_("Ring your phone into the call; both hear you"),
    "ami_take_call": N_("Move the caller from the agent to your phone (after a confirmation)"),
    "ami_pause": N_("Pause the selected agent with a reason, or unpause them"),
    "ami_remove": N_("Log the selected agent off their queue (after a confirmation)"),
    "ami_hangup": N_("Hang up the agent's exact channel (after a confirmation; allowed roles only)"),
}

_SEVERITY = {Outcome.OK: "information", Outcome.UNAVAILABLE: "warning", Outcome.TIMEOUT: "warning"}


class AmiKeys:
    """Mixin for FloorApp (it provides parts, config, actor, service, clock, _panel ...)."""

    AMI_BINDINGS: ClassVar[list[BindingType]] = AMI_BINDINGS
    ami: AmiGateway | None
    ami_live: LiveFloor | None
    ami_results: list[ActionResult]
    _ami_busy: set[tuple[str, str]]

    # ---- lifecycle (called by FloorApp) ----------------------------------------------

    def ami_init(self) -> None:
        app: Any = self
        self.ami = app.parts.ami
        self.ami_live = LiveFloor(self.ami.tracker, app.config.mask_keep_digits) if self.ami is not None else None
        if self.ami_live is not None:
            self.ami_live.paused_since_hint = self._paused_since
        self.ami_results = []  # every outcome shown, newest last (tests, benchmarks)
        self._ami_busy = set()
        if self.ami is not None:
            self.ami_show_keys()

    def ami_show_keys(self) -> None:
        """AMI is configured: its keys join the footer (this App's bindings, not the class's,
        so a console without AMI and the snapshots are as before)."""
        from dataclasses import replace

        keys = self._app._bindings.key_to_bindings
        for key, label in AMI_FOOTER_LABELS.items():
            keys[key] = [
                replace(b, show=True, description=_(label), tooltip=_(b.description)) for b in keys.get(key, ())
            ]

    async def ami_start(self) -> None:
        """Connect in the background and show the live column; nothing when not configured."""
        from screens.escalations_panel import EscalationsPanel
        from screens.seat_table import SeatTable

        app: Any = self
        if self.ami is None or self.ami_live is None:
            return
        app._panel(SeatTable).enable_live()
        app._panel(EscalationsPanel).call_text = self.ami_live.call_text
        # push: the gateway calls back on this loop; post_message is safe from any thread
        self.ami.subscribe(lambda changes: app.post_message(AmiUpdated(changes)))
        self._ami_header()
        await self.ami.start()

    async def ami_stop(self) -> None:
        if self.ami is not None:
            await self.ami.stop()

    def on_ami_updated(self, msg: AmiUpdated) -> None:
        from screens.resilience import guarded_call

        guarded_call(self, "showing an AMI update", lambda: self.ami_apply(msg.agents, msg.calls, msg.status))

    def ami_apply(self, agents: set[str], calls: set[str], status: bool) -> None:
        """Repaint what the gateway said moved: the header's AMI line, the live cells of the
        agents that changed (those with a seat row or in a queue), the escalation list when
        one of its calls changed."""
        from screens.escalations_panel import EscalationsPanel
        from screens.seat_table import SeatTable

        app: Any = self
        if self.ami is None or self.ami_live is None:
            return
        if status:
            self._ami_header()
        if agents:
            seats, members = app.floor.seats, self.ami.tracker.member_queues
            shown = [a for a in agents if a in seats or a in members]
            if shown:
                app._panel(SeatTable).set_live(self.ami_live.cells(shown, app.clock()))
        panel = app._panel(EscalationsPanel)
        if status or (calls and any(e.callid in calls for e in panel.items)):
            panel.refresh()

    def ami_tick(self) -> None:
        """Once a second (the App's tick): only the part of the AMI line that runs with the
        clock, `reconnecting in 4 s`."""
        if self.ami is not None and self.ami.status.state is ConnectionState.RECONNECTING:
            self._ami_header()

    def _ami_header(self) -> None:
        from screens.header import FloorHeader

        if self.ami is None:
            return
        status = self.ami.status
        level = (
            "ok"
            if status.usable and status.synced
            else ("alert" if status.state is not ConnectionState.CONNECTING else "warn")
        )
        self._app._panel(FloorHeader).set_ami(status.line(), level)

    # ---- the keys --------------------------------------------------------------------

    def action_ami_listen(self) -> None:
        self._ami_spy(SpyMode.LISTEN)

    def action_ami_whisper(self) -> None:
        self._ami_spy(SpyMode.WHISPER)

    def action_ami_barge(self) -> None:
        self._ami_spy(SpyMode.BARGE)

    def action_ami_take_call(self) -> None:
        target = self._ami_target("take-over", need_call=True)
        if target is None:
            return
        agent, callid, queue = target
        gw, app = self.ami, self._app
        assert gw is not None
        tracker = gw.tracker
        live = tracker.agent(agent)
        call = tracker.agent_calls.get(agent)
        caller = tracker.caller_channel(agent)
        since = live.connected_since or (caller.answered if caller is not None else None)
        queue = (call.queue if call else "") or queue or self._queue_of(agent)
        number = mask_caller(caller.caller_num if caller else "", app.config.mask_keep_digits) or "—"
        lines = [
            _("Agent: {who}").format(who=self._who(agent)),
            _("Queue: {q}").format(q=queue or "—"),
            _("Talk time: {t}").format(t=clock_text(app.clock() - since) if since is not None else "—"),
            _("Caller: {n}").format(n=number),
            _("The caller is moved to your extension (BlindTransfer of the agent's channel)."),
            _("Done only when your phone and the caller are in one call; otherwise the call stays with the agent."),
        ]

        def answer(yes: bool | None) -> None:
            if yes:
                self._ami_run("take-over", agent, lambda: gw.take_over(app.actor.os_user, agent, callid, queue))
            else:
                app.notify(_("Take-over cancelled; the call stays with the agent."), timeout=3)

        from screens.ami_confirm import AmiConfirm

        app.push_screen(AmiConfirm(_("Take this call over?"), lines, _("take it over")), answer)

    def action_ami_pause(self) -> None:
        gw, app = self.ami, self._app
        if gw is not None and (sel := self._ami_selection()) is not None and gw.tracker.agent(sel[0]).paused:
            agent = sel[0]
            if self._ami_target("unpause") is not None:
                self._ami_run("unpause", agent, lambda: gw.unpause(agent, None, app.actor.os_user))
            return
        target = self._ami_target("pause")
        if target is None:
            return
        agent = target[0]
        assert gw is not None

        def answer(reason: str | None) -> None:
            if reason:
                self._ami_run("pause", agent, lambda: gw.pause(agent, reason, None, app.actor.os_user))

        from screens.ami_confirm import PauseReason

        app.push_screen(PauseReason(self._who(agent)), answer)

    def action_ami_remove(self) -> None:
        target = self._ami_target("queue-remove")
        if target is None:
            return
        agent, _callid, queue = target
        gw, app = self.ami, self._app
        assert gw is not None
        queues = sorted(gw.tracker.member_queues.get(agent, ()))
        if queue and queue in queues:
            queues = [queue]
        if not queues:
            self._ami_refuse("queue-remove", agent, _("{who} is in no queue AMI knows of").format(who=self._who(agent)))
            return
        lines = [
            _("Agent: {who}").format(who=self._who(agent)),
            _("Queue(s): {q}").format(q=", ".join(queues)),
            _("The agent stops getting calls from the queue until they log in again."),
        ]

        async def remove_all() -> ActionResult:
            result: ActionResult | None = None
            for q in queues[:-1]:
                result = await gw.queue_remove(q, agent, app.actor.os_user)
                await self._ami_finish(result)
            return await gw.queue_remove(queues[-1], agent, app.actor.os_user)

        def answer(yes: bool | None) -> None:
            if yes:
                self._ami_run("queue-remove", agent, remove_all)

        from screens.ami_confirm import AmiConfirm

        app.push_screen(AmiConfirm(_("Remove the agent from the queue?"), lines, _("remove")), answer)

    def action_ami_hangup(self) -> None:
        target = self._ami_target("hangup", need_call=True)
        if target is None:
            return
        agent = target[0]
        gw, app = self.ami, self._app
        assert gw is not None
        channel = gw.tracker.agent(agent).agent_channel
        if channel is None:
            self._ami_refuse("hangup", agent, _("{who} has no live channel").format(who=self._who(agent)))
            return
        lines = [
            _("Agent: {who}").format(who=self._who(agent)),
            _("Channel: {c}").format(c=channel),
            _("This ends the call for the agent and the caller."),
        ]

        def answer(yes: bool | None) -> None:
            if yes:
                self._ami_run("hangup", channel, lambda: gw.hangup(channel, app.actor.os_user))

        from screens.ami_confirm import AmiConfirm

        app.push_screen(AmiConfirm(_("Hang up this channel?"), lines, _("hang up")), answer)

    # ---- the steps -------------------------------------------------------------------

    @property
    def _app(self) -> Any:
        return self

    def _who(self, agent: str) -> str:
        app = self._app
        row = app.floor.seats.get(agent)
        name = row.name if row is not None and row.name else app.names.get(agent, "")
        return f"{name} ({agent})" if name and name != agent else agent

    def _paused_since(self, agent: str) -> float | None:
        row = self._app.floor.seats.get(agent)
        return row.since if row is not None and row.state == "PAUSED" else None

    def _queue_of(self, agent: str) -> str:
        """The queue of the agent's call as the floor shows it (one queue), else ""."""
        row = self._app.floor.seats.get(agent)
        queues = tuple(row.queues) if row is not None else ()
        if len(queues) != 1 and self.ami is not None:
            queues = tuple(sorted(self.ami.tracker.member_queues.get(agent, ())))
        return queues[0] if len(queues) == 1 else ""

    def _ami_selection(self) -> tuple[str, str | None, str | None] | None:
        """(agent, callid, queue): the selected escalation's when the escalation list has the
        focus, else the selected seat's."""
        from screens.escalations_panel import EscalationsPanel

        app = self._app
        panel = app._panel(EscalationsPanel)
        if panel.has_focus and panel.selected is not None:
            e = panel.selected
            return e.agent, (e.callid if e.callid and e.callid.upper() != "NONE" else None), e.queue or None
        seat = app.selected_seat()
        if seat is None:
            return None
        return seat.agent, None, None

    def _ami_spy(self, mode: SpyMode) -> None:
        target = self._ami_target(mode.value, need_call=True)
        if target is not None:
            agent, gw, app = target[0], self.ami, self._app
            assert gw is not None
            self._ami_run(mode.value, agent, lambda: gw.spy(app.actor.os_user, agent, mode))

    def _ami_target(self, action: str, need_call: bool = False) -> tuple[str, str | None, str | None] | None:
        """The selection, when this person may do `action` and AMI can; else says why
        (and audits the refusal) and returns None."""
        app = self._app
        sel = self._ami_selection()
        if sel is None:
            app.notify(_("Select a seat (or an escalation) first."), severity="warning", timeout=3)
            return None
        agent = sel[0]
        why = refusal(app.config, app.actor.os_user, action)
        if why is None and self.ami is None:
            app.notify(_(NOT_CONFIGURED), severity="warning", timeout=5, markup=False)
            return None
        if why is None:
            assert self.ami is not None
            phone = app.actor.os_user if action in ("listen", "whisper", "barge", "take-over") else None
            why = self.ami.unavailable(phone, agent, need_call=need_call)
        if why is None and (action, agent) in self._ami_busy:
            app.notify(
                _("{action} on {who} is still going on").format(action=action_text(action), who=agent), timeout=3
            )
            return None
        if why is not None:
            self._ami_refuse(action, agent, why)
            return None
        return sel

    def _ami_refuse(self, action: str, target: str, why: str) -> None:
        app = self._app
        now = app.clock()
        result = ActionResult(action, Outcome.UNAVAILABLE, why, target, app.actor.os_user, started=now, finished=now)
        app.run_worker(self._ami_finish(result), group="ami", exit_on_error=False)

    def _ami_run(self, action: str, target: str, start: Callable[[], Coroutine[Any, Any, ActionResult]]) -> None:
        """Run the gateway's coroutine in a worker; show and audit its result."""
        app = self._app
        key = (action, target)
        self._ami_busy.add(key)

        async def work() -> None:
            try:
                result = await start()
            except Exception as exc:  # noqa: BLE001 - an action's bug is shown, never fatal
                now = app.clock()
                result = ActionResult(
                    action,
                    Outcome.FAILED,
                    f"{type(exc).__name__}: {exc}",
                    target,
                    app.actor.os_user,
                    started=now,
                    finished=now,
                )
            finally:
                self._ami_busy.discard(key)
            await self._ami_finish(result)

        app.run_worker(work(), group="ami", exit_on_error=False)

    async def _ami_finish(self, result: ActionResult) -> None:
        """Show the outcome and write the audit row."""
        app = self._app
        self.ami_results.append(result)
        del self.ami_results[:-200]
        severity = _SEVERITY.get(result.outcome, "error")
        label = result.action.replace("-", " ")
        app.notify(f"{label}: {result.message}", severity=severity, timeout=8 if result.ok else 12, markup=False)
        try:
            await asyncio.wrap_future(
                app.service.submit(
                    Store.record_audit, result.audit_action, app.actor, result.target, result.audit_detail
                )
            )
        except Exception as exc:  # noqa: BLE001 - the records refused: say so, keep going
            app.notify(_("The audit row was not written: {e}").format(e=exc), severity="error", markup=False)
