"""The composition root: one place builds the clock, engine, store and identity.

Every component is handed the one clock built here, so the console, the records and the
feed engine always agree on what time (and which shift) it is. `screens.app.run_console`
turns these parts into the Textual app; headless commands (`watch`, `report`) use them
directly. Nothing else constructs an engine or a store service for a running console.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from floorconsole.ami.gateway import AmiGateway
from floorconsole.clock import Clock
from floorconsole.clock import wall_clock as clock_for_zone
from floorconsole.config import Config, ConfigError
from floorconsole.engine import FloorEngine
from floorconsole.feed_escalation import recorder
from floorconsole.feedpos import position_file_for
from floorconsole.i18n import _
from floorconsole.identity import Actor, current_actor
from floorconsole.layout import FloorLayout, configured_layout
from floorconsole.roster.attendance_recorder import AttendanceRecorder, FollowAttendance
from floorconsole.snapshot import snapshot_file_for
from floorconsole.store import StoreService


def wall_clock(config: Config) -> Clock:
    """The wall clock, in the floor's zone (`floor.timezone`, else the machine's).

    The one place a running program gets its clock; raises ConfigError for a bad zone."""
    try:
        return clock_for_zone(config.timezone)
    except ValueError as exc:
        raise ConfigError(_("floor.timezone: {exc}").format(exc=exc)) from None


@dataclass(frozen=True)
class ConsoleParts:
    """What a running console is made of; all of it shares `clock`."""

    config: Config
    clock: Clock
    feed_path: Path
    layout: FloorLayout
    actor: Actor
    engine: FloorEngine
    service: StoreService
    # The AMI connection (and its tracker) when `[ami]` is configured; None: the console
    # runs from queue_log alone and each AMI key says why it is unavailable. It runs on the
    # console's own asyncio loop: the App starts and stops it.
    ami: AmiGateway | None = None

    def close(self) -> None:
        """Stop the engine and close the store (each at most once; errors ignored)."""
        for closer in (self.engine.stop, self.service.close):
            try:
                closer()
            except Exception:  # noqa: BLE001 - closing down: nothing useful to do
                pass


def feed_state_files(config: Config, feed_path: Path | str) -> tuple[Path, Path]:
    """(position file, floor snapshot) of a feed, next to the records database: `watch`
    writes both; a console reads the snapshot to open without refolding the shift."""
    position = position_file_for(config.db_path, feed_path)
    return position, snapshot_file_for(config.db_path, position)


def build_engine(
    config: Config,
    feed_path: Path | str,
    clock: Clock,
    layout: FloorLayout,
    service: StoreService,
    *,
    watcher: bool = False,
) -> FloorEngine:
    """The feed engine, recording feed escalations into `service` as it reads them.

    A console starts from `watch`'s snapshot when there is a usable one; the `watcher`
    (`floorconsole watch`) keeps the position and the snapshot up to date instead."""
    engine: FloorEngine | None = None

    def problem(text: str) -> None:
        if engine is not None:
            engine.report_problem(text)

    position_file, snapshot_file = feed_state_files(config, feed_path)
    engine = FloorEngine(
        config,
        Path(feed_path),
        clock=clock,
        layout=layout,
        on_escalations=recorder(service, layout, problem),
        position_file=position_file if watcher else None,
        snapshot_in=None if watcher else snapshot_file,
        snapshot_out=snapshot_file if watcher else None,
    )
    return engine


def follow_attendance(
    config: Config, engine: FloorEngine, service: StoreService, clock: Clock, actor: Actor
) -> FollowAttendance:
    """Attendance flags recorded with no console open (`floorconsole watch`): a recorder fed
    by `engine` (subscribed here: call before `engine.start()`), stepped on its own thread
    once started; a refused write is shown with the feed's health."""
    recorder = AttendanceRecorder(service, config, actor, on_problem=engine.report_problem, every_s=0.0)
    follow = FollowAttendance(recorder, clock)
    engine.subscribe(follow.on_update)
    return follow


def build_parts(
    config: Config,
    feed_path: Path | str,
    *,
    clock: Clock | None = None,
    actor: Actor | None = None,
    layout: FloorLayout | None = None,
) -> ConsoleParts:
    """Build the parts of a console on `feed_path`. `clock` defaults to the wall clock.

    Raises StoreError / ConfigError / OSError when the records or the layout cannot be
    opened, before anything starts."""
    clock = wall_clock(config) if clock is None else clock
    layout = layout if layout is not None else configured_layout(config.layout_path)
    service = StoreService.from_config(config, clock=clock)
    try:
        engine = build_engine(config, feed_path, clock, layout, service)
    except BaseException:
        service.close()
        raise
    return ConsoleParts(
        config=config,
        clock=clock,
        feed_path=Path(feed_path),
        layout=layout,
        actor=actor or current_actor(config),
        engine=engine,
        service=service,
        ami=build_ami(config, clock),
    )


def build_ami(config: Config, clock: Clock) -> AmiGateway | None:
    """The AMI gateway (not yet started) when `[ami]` is configured, else None."""
    return AmiGateway(config.ami, clock) if config.ami is not None else None
