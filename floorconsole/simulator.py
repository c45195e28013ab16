"""A realistic Asterisk (13+) queue_log writer for a floor: the demo and benchmark feed.

The simulator is a discrete-event model of a call-centre floor:

- every agent of the layout (on the roster) joins its queues (`ADDMEMBER`) when the floor
  starts, takes breaks (`PAUSE`/`UNPAUSE` with Break, Meal, Training, Meeting, Coaching),
  and now and then logs off for a while (`REMOVEMEMBER`, later `ADDMEMBER`);
- callers arrive per queue as a Poisson process whose rate follows the local time of day
  (`DAILY_PROFILE`: a quiet night, morning and afternoon peaks, a lunch dip; `profile=None`
  for the old steady rate), with occasional bursts on one queue so waits past 30 s and
  abandons happen;
- with a profile, staffing follows demand: only a night crew is logged in during the quiet
  hours, the rest log in (`ADDMEMBER`) as the morning ramps up and leave (`REMOVEMEMBER`,
  after their current call or break) as the evening tapers off (`ROSTER_MARGIN`);
- a waiting caller is rung at the longest-idle available member of its queue; most
  answer after a few seconds (`CONNECT holdtime|member_uniqueid|ringtime_s`), a few
  ring-out-prone agents let calls ring out (`RINGNOANSWER` >= 15000 ms) and the caller
  goes to the next agent; ring-all style noise (`RINGNOANSWER` 0-2000 ms from idle
  members) is sprinkled in as real FreePBX floors log it;
- callers have exponential patience (`ABANDON position|origposition|waittime`) and a
  queue timeout (`EXITWITHTIMEOUT`, same layout); a caller who hangs up while an agent
  rings gives `RINGCANCELED` for that agent;
- talk times are lognormal (median ~3.5 min, a few past 900 s); a call ends with
  `COMPLETEAGENT`/`COMPLETECALLER holdtime|calltime|origposition`, or is transferred
  (`BLINDTRANSFER exten|context|holdtime|calltime|origposition`,
  `ATTENDEDTRANSFER BRIDGE|id|holdtime|calltime|origposition`); some calls raise a custom
  `ESCALATE|reason|priority` event;
- an agent is on one call at a time and stays unavailable for `thresholds.wrapup_s` after
  each call (Asterisk does not log wrap-up, so neither do we).

Field layouts follow tests/fixtures/feeds/PROVENANCE.md (modern Asterisk). Call ids are
`<epoch>.<counter>` strings, like Asterisk's channel uniqueids. Caller numbers are fake
(`1380000NNNN`) or `anonymous`.

Public API::

    sim = Simulator(layout, thresholds, seed=0, rate=None, profile="daily")
    for line in sim.lines_between(t0, t1): ...      # pure: lines (no newline) in time order
    sim.run(path, speed=1.0, history_s=0, duration_s=None, stop_event=None)

The same seed, start time, layout and parameters (and, with a profile, the same time zone)
give the same lines, byte for byte.
"""

from __future__ import annotations

import heapq
import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from floorconsole.clock import system_clock
from floorconsole.config import Thresholds
from floorconsole.i18n import _
from floorconsole.layout import FloorLayout, generated_layout, load_layout

DEFAULT_QUEUES: tuple[str, ...] = ("sales", "support", "billing", "vip")

# Reason -> (weight, min seconds, max seconds). Meals and trainings run past the
# default long-pause threshold (900 s) on purpose: the console must show them.
PAUSE_REASONS: dict[str, tuple[float, float, float]] = {
    "Break": (0.45, 600.0, 960.0),
    "Meal": (0.15, 1500.0, 2100.0),
    "Training": (0.10, 1200.0, 2700.0),
    "Meeting": (0.10, 900.0, 1800.0),
    "Coaching": (0.20, 600.0, 1200.0),
}

ESCALATION_REASONS: tuple[str, ...] = (
    "customer insists on supervisor",
    "refund dispute",
    "repeat complaint",
    "threatens to go to the regulator",
    "billing error over limit",
    "abusive caller",
)

# Intraday arrival profile of a Chinese customer-service hotline (a bank or carrier 95xxx /
# 400 line), by local hour: DAILY_PROFILE[h] multiplies every queue's arrival rate from h:00
# to h:59. 1.0 is the reference level, the peak hour, at which `load` applies, so the peaks
# look like the old flat floor. Shape: very quiet 00:00-07:00 (3-10 % of the peak), the ramp
# as people start work at 08:00, the morning peak 10:00-11:00, the lunch dip 12:00-13:00, the
# afternoon peak 14:00-16:00, a taper after work that steepens after 19:00. About 9 % of the
# 08:00-16:00 volume arrives between 00:00 and 08:00.
DAILY_PROFILE: tuple[float, ...] = (
    0.10,
    0.06,
    0.04,
    0.03,
    0.03,
    0.04,
    0.08,
    0.22,  # 00-07 night, first callers at 07
    0.60,
    0.88,
    1.00,
    0.97,  # 08-11 ramp-up, morning peak
    0.68,
    0.76,  # 12-13 lunch dip
    0.95,
    1.00,
    0.92,  # 14-16 afternoon peak
    0.80,
    0.66,
    0.56,
    0.48,
    0.38,
    0.27,
    0.16,  # 17-23 taper
)
PROFILES: dict[str, tuple[float, ...]] = {"daily": DAILY_PROFILE}

# Rostering with a profile: the share of the floor logged in for hour h is ROSTER_MARGIN
# (a smaller team needs more slack for the same service level) times the hour's multiplier,
# or times the mean of this hour's and the next one's when that is more (staff arrive ahead
# of the morning ramp); at least ROSTER_MIN (the night crew), at most the whole floor.
# The night crew has at least NIGHT_CREW_DEPTH members in every queue.
ROSTER_MARGIN = 1.2
ROSTER_MIN = 0.15
NIGHT_CREW_DEPTH = 2
# Roster changes are decided this long before each hour; agents then log in over the next
# 15 minutes and leave 10-25 minutes later (after their current call or break).
_ROSTER_LEAD_S = 600.0

# Lines written per offered call (ring noise, ring-outs, escalations included), measured
# on the demo and 5,000-seat floors; rate mode relies on it (test_rate_mode_hits_the_event_rate...).
_LINES_PER_CALL = 3.45

# Heap event kinds (ints compare fast and keep ties deterministic with the sequence number).
_ARRIVAL, _BURST_ARRIVAL, _BURST_START, _RING_END, _PATIENCE, _TIMEOUT = range(6)
_ESCALATE, _CALL_END, _AGENT_READY, _PAUSE_WANT, _UNPAUSE, _LOGOFF_WANT, _LOGIN = range(6, 13)
_ROSTER, _SHIFT_START, _SHIFT_END = range(13, 16)

# Agent states.
_OFF, _IDLE, _RINGING, _TALKING, _WRAP, _PAUSED = range(6)


@dataclass(slots=True)
class _Caller:
    callid: str
    queue: str
    entered: float
    origpos: int
    ring_agent: str | None = None
    ring_started: float = 0.0
    ring_token: int = 0
    done: bool = False


@dataclass(slots=True)
class _Agent:
    name: str
    queues: tuple[str, ...]
    state: int = _OFF
    pending: tuple | None = None  # ("pause", reason, seconds) or ("logoff", seconds)
    ringout_p: float = 0.005
    call: _Caller | None = None
    on_duty: bool = True  # False: off the roster (goes home after the current call/break)


@dataclass
class RunStats:
    """What `Simulator.run` wrote."""

    lines: int = 0
    history_lines: int = 0
    rotations: int = 0
    last_time: float = 0.0


@dataclass
class _Burst:
    queue: str
    until: float


class Simulator:
    """A discrete-event model of a floor that emits Asterisk queue_log lines.

    `rate`: None for the natural, realistic load; or a target of events (lines) per second
    for benchmarks, reached by speeding the whole floor up (more arrivals, proportionally
    shorter talk, wrap-up, patience and pauses; ring-outs keep their real >= 15 s length).
    `load`: target agent occupancy that sets the natural arrival rates (0.76 keeps the demo
    floor busy but mostly within service level).
    `queue_timeout_s`: the queue's max wait before EXITWITHTIMEOUT (one value, vip capped at
    120 s; or per queue, 0 = none).
    `arrival_rates`: explicit calls per second per queue, overriding `load`.
    `profile`: the intraday arrival profile, applied by local time of day to every queue's
    rate: "daily" (`DAILY_PROFILE`), 24 hourly multipliers of your own, or None for a flat
    rate all day (the old behaviour). `load` and `arrival_rates` are the level at multiplier
    1.0. With a profile, agents also log in and out with demand (see `ROSTER_MARGIN`).
    `rate` mode is always flat.
    `tz`: the floor's time zone for the profile (None: the system's local time, like shifts).
    """

    def __init__(
        self,
        layout: FloorLayout,
        thresholds: Thresholds | None = None,
        seed: int = 0,
        rate: float | None = None,
        *,
        load: float = 0.76,
        arrival_rates: dict[str, float] | None = None,
        median_talk_s: float = 200.0,
        talk_sigma: float = 0.65,
        patience_mean_s: float = 300.0,
        queue_timeout_s: float | dict[str, float] = 300.0,
        burst_every_s: float = 1800.0,
        burst_factor: float = 0.8,
        pause_every_s: float = 9000.0,
        logoff_every_s: float = 6 * 3600.0,
        escalate_p: float = 0.006,  # ~4 an hour on the demo floor: a supervisor, not a crutch
        transfer_p: float = 0.08,
        ring_noise_p: float = 0.3,
        profile: str | Sequence[float] | None = "daily",
        tz: tzinfo | None = None,
    ) -> None:
        if not layout.seats:
            raise ValueError("the floor layout has no seats")
        self.layout = layout
        self.thresholds = thresholds or Thresholds()
        self.seed = seed
        self._rng = random.Random(seed)
        self.queues: list[str] = layout.queues or list(DEFAULT_QUEUES)
        self.median_talk_s = median_talk_s
        self.talk_sigma = talk_sigma
        self.patience_mean_s = patience_mean_s
        if isinstance(queue_timeout_s, dict):
            self._timeouts = {q: float(queue_timeout_s.get(q, 0.0)) for q in self.queues}
        else:
            self._timeouts = {q: float(queue_timeout_s) for q in self.queues}
            if "vip" in self._timeouts and queue_timeout_s > 0:
                # VIP callers are sent to a callback menu sooner (EXITWITHTIMEOUT).
                self._timeouts["vip"] = min(self._timeouts["vip"], 120.0)
        self.burst_every_s = burst_every_s
        self.burst_factor = burst_factor
        self.pause_every_s = pause_every_s
        self.logoff_every_s = logoff_every_s
        self.escalate_p = escalate_p
        self.transfer_p = transfer_p
        self.ring_noise_p = ring_noise_p

        self._agents: dict[str, _Agent] = {}
        for seat in layout.seats:
            queues = seat.queues or (self.queues[0],)
            self._agents[seat.agent] = _Agent(seat.agent, tuple(queues))
        # A few agents let calls ring out: the patrol finding the console must surface.
        names = list(self._agents)
        prone = self._rng.sample(names, max(2, len(names) // 20)) if len(names) > 2 else names
        for name in prone:
            self._agents[name].ringout_p = 0.2

        mean_talk = median_talk_s * math.exp(talk_sigma**2 / 2)
        self._aht_s = mean_talk + self.thresholds.wrapup_s + 4.0
        if arrival_rates is not None:
            base = {q: float(arrival_rates.get(q, 0.0)) for q in self.queues}
        else:
            base = self._natural_rates(load)
        self.natural_rates: dict[str, float] = base
        # Time compression for `rate` mode: k > 1 runs the floor k times faster.
        self.speedup = 1.0
        if rate is not None:
            if rate <= 0:
                raise ValueError("rate must be positive")
            self.speedup = max(1.0, rate / self.natural_event_rate())
        self.arrival_rates = {q: r * self.speedup for q, r in base.items()}
        # Rate mode runs k times as many calls a second as the floor would, but a floor's
        # escalations are people at the end of their patience, not a share of the benchmark's
        # load: they keep the real floor's rate per wall-clock second (~0.08/s, 270 an hour,
        # at 5,000 seats; k times that, 1.7/s at 1,000 events/s, piled up thousands nobody
        # could take over in a shift).
        self.escalate_p = escalate_p / self.speedup

        # Time of day: hourly multipliers (None = flat), the roster order (night crew first).
        self.profile: tuple[float, ...] | None = None if rate is not None else _profile_table(profile)
        self.tz = tz
        self._roster_order: list[_Agent] = []
        self._crew_size = 0
        if self.profile is not None:
            self._roster_order = self._roster_by_skill()

        # Simulation state.
        self._heap: list[tuple[float, int, int, object]] = []
        self._seq = 0
        self._now: float | None = None
        self._counter = self._rng.randrange(100, 5000)
        self._waiting: dict[str, dict[str, _Caller]] = {q: {} for q in self.queues}
        # Insertion order = longest idle first (Asterisk's "leastrecent"-like pick, O(1)).
        self._idle: dict[str, dict[str, None]] = {q: {} for q in self.queues}
        self._bursts: list[_Burst] = []
        self._out: list[tuple[float, str]] = []
        self._ring_token = 0

    # ----------------------------------------------------------------- rates
    def _natural_rates(self, load: float) -> dict[str, float]:
        """Calls/s per queue so that agents are busy `load` of their available time."""
        paused_frac = 1150.0 / (self.pause_every_s + 1150.0)
        avail = (1.0 - paused_frac) * 0.98
        rates = {q: 0.0 for q in self.queues}
        for agent in self._agents.values():
            share = load * avail / self._aht_s / len(agent.queues)
            for q in agent.queues:
                rates[q] += share
        return rates

    def natural_event_rate(self) -> float:
        """Estimated lines per second this floor writes at its natural (uncompressed) pace."""
        calls = sum(self.natural_rates.values()) * (
            1 + (self.burst_factor * 330.0 / self.burst_every_s) / len(self.queues)
        )
        memberships = sum(len(a.queues) for a in self._agents.values())
        agent_lines = memberships * (2.0 / self.pause_every_s + 2.0 / self.logoff_every_s)
        return calls * _LINES_PER_CALL + agent_lines

    # ---------------------------------------------------------- scheduling
    def _dur(self, seconds: float) -> float:
        """A duration in floor time, compressed in `rate` mode."""
        return seconds / self.speedup

    def _push(self, t: float, kind: int, arg: object = None) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, kind, arg))

    def _emit(self, t: float, callid: str, queue: str, agent: str, verb: str, *data: object) -> None:
        # Asterisk writes whole seconds; empty data still ends with "|".
        body = "|".join(str(d) for d in data) if data else ""
        self._out.append((t, f"{int(t)}|{callid}|{queue}|{agent}|{verb}|{body}"))

    def _new_uniqueid(self, t: float) -> str:
        self._counter += 1
        return f"{int(t)}.{self._counter}"

    def _start(self, t0: float) -> None:
        rng = self._rng
        self._now = t0
        self._emit(t0, "NONE", "NONE", "NONE", "QUEUESTART")
        if self.profile is not None:
            # Only the agents rostered for this hour are on the floor when it starts.
            on = {a.name for a in self._rostered(self._hour_at(t0)[0])}
            for agent in self._agents.values():
                agent.on_duty = agent.name in on
        for agent in self._agents.values():
            if not agent.on_duty:
                pass  # off the roster: logs in at a later hour (`_roster`)
            elif rng.random() < 0.05:
                # Late arrivals log in during the first quarter hour.
                self._push(t0 + self._dur(rng.uniform(30, 900)), _LOGIN, agent.name)
            else:
                self._login(t0, agent)
            self._push(t0 + self._dur(rng.expovariate(1 / self.pause_every_s)), _PAUSE_WANT, agent.name)
            self._push(t0 + self._dur(rng.expovariate(1 / self.logoff_every_s)), _LOGOFF_WANT, agent.name)
        for q, r in self.arrival_rates.items():
            if r > 0:
                self._push(self._after(t0, rng.expovariate(r)), _ARRIVAL, q)
        if self.burst_every_s > 0:
            self._push(t0 + self._dur(rng.expovariate(1 / self.burst_every_s)), _BURST_START, None)
        if self.profile is not None:
            self._push(max(t0, self._hour_at(t0)[1] - _ROSTER_LEAD_S), _ROSTER, None)

    # -------------------------------------------------------- time of day
    def _utcoffset(self, t: float) -> float:
        if self.tz is None:
            return float(time.localtime(t).tm_gmtoff)
        offset = datetime.fromtimestamp(t, self.tz).utcoffset()
        return offset.total_seconds() if offset is not None else 0.0

    def _hour_at(self, t: float) -> tuple[int, float]:
        """The local hour (0-23) at `t`, and the epoch at which that hour ends."""
        offset = self._utcoffset(t)
        start = math.floor((t + offset) / 3600.0) * 3600.0  # local, whole hours: exact
        return int(start // 3600.0) % 24, start + 3600.0 - offset

    def multiplier_at(self, t: float) -> float:
        """The profile's arrival-rate multiplier at epoch `t` (1.0 when flat)."""
        return 1.0 if self.profile is None else self.profile[self._hour_at(t)[0]]

    def _after(self, t: float, work: float) -> float:
        """When `work` seconds of reference-level arrival time have passed after `t`.

        Flat: `t + work`. With a profile the exponential gap is stretched through the
        hourly multipliers (the time change that turns a unit-rate Poisson process into one
        of rate `profile(t)`), so the random draws stay the same ones as in flat mode.
        """
        profile = self.profile
        if profile is None:
            return t + work
        while True:
            hour, end = self._hour_at(t)
            m = profile[hour]
            if m > 0 and work <= m * (end - t):
                return t + work / m
            work -= m * (end - t)
            t = end

    def _rostered(self, hour: int) -> list[_Agent]:
        """The agents logged in for local `hour` (the night crew always)."""
        profile = self.profile
        assert profile is not None
        demand = max(profile[hour], (profile[hour] + profile[(hour + 1) % 24]) / 2)
        fraction = min(1.0, max(ROSTER_MIN, ROSTER_MARGIN * demand))
        n = max(self._crew_size, math.ceil(fraction * len(self._roster_order) - 1e-9))
        return self._roster_order[:n]

    def _roster_by_skill(self) -> list[_Agent]:
        """All agents in roster order; the first k of it work when k do.

        First the night crew (`_crew_size`): walking the layout from the front, every agent
        who brings a queue up to NIGHT_CREW_DEPTH members (night crews sit together, near
        the supervisor). Then, one by one, the agent whose queues stay least staffed (as a
        share of each queue's members), in layout order on ties, so every queue gets its
        share of the agents at any hour.
        """
        members: dict[str, int] = {}
        for agent in self._agents.values():
            for q in agent.queues:
                members[q] = members.get(q, 0) + 1
        have = dict.fromkeys(members, 0)
        order: list[_Agent] = []
        groups: dict[tuple[str, ...], list[_Agent]] = {}
        for agent in self._agents.values():  # layout order
            if any(have[q] < NIGHT_CREW_DEPTH for q in agent.queues):
                order.append(agent)
                for q in agent.queues:
                    have[q] += 1
            else:
                groups.setdefault(agent.queues, []).append(agent)
        self._crew_size = len(order)
        index = {name: i for i, name in enumerate(self._agents)}
        heads = dict.fromkeys(groups, 0)

        def score(k: tuple[str, ...]) -> tuple[float, int]:
            return max((have[q] + 1) / members[q] for q in k), index[groups[k][heads[k]].name]

        while len(order) < len(self._agents):
            best = min((k for k in groups if heads[k] < len(groups[k])), key=score)
            order.append(groups[best][heads[best]])
            heads[best] += 1
            for q in best:
                have[q] += 1
        return order

    def _roster(self, t: float) -> None:
        """Shortly before an hour: who logs in for it and who goes home."""
        rng = self._rng
        hour, end = self._hour_at(t + _ROSTER_LEAD_S + 1.0)
        on = self._rostered(hour)
        for agent in on:
            if not agent.on_duty:
                self._push(t + rng.uniform(0, 900), _SHIFT_START, agent.name)
        for agent in self._roster_order[len(on) :]:
            if agent.on_duty:
                self._push(t + rng.uniform(600, 1500), _SHIFT_END, agent.name)
        self._push(end - _ROSTER_LEAD_S, _ROSTER, None)

    def _go_home(self, t: float, agent: _Agent) -> None:
        """An agent off the roster leaves the queues (a pending logoff or break stays pending)."""
        self._set_busy(agent, _OFF)
        agent.call = None
        for q in agent.queues:
            self._emit(t, "MANAGER", q, agent.name, "REMOVEMEMBER", "")

    # ------------------------------------------------------------- public
    @property
    def now(self) -> float | None:
        """Floor time reached so far (None before the first `lines_between`)."""
        return self._now

    def lines_between(self, t0: float, t1: float) -> Iterator[str]:
        """Lines (without newline) for events at times in [t0, t1), in time order.

        The first call starts the floor at `t0` (QUEUESTART, agents join their queues);
        later calls continue where the previous one stopped (`t0` must not be before it).
        """
        if self._now is None:
            self._start(t0)
        elif t0 < self._now - 1e-6:
            raise ValueError(f"the floor is already at {self._now}; cannot go back to {t0}")
        yield from self.lines_until(t1)

    def lines_until(self, t1: float) -> Iterator[str]:
        """Continue the floor up to (not including) `t1`; lines in time order."""
        if self._now is None:
            raise RuntimeError("call lines_between(t0, t1) first to start the floor")
        heap = self._heap
        out = self._out
        while True:
            if out:
                for _, line in out:
                    yield line
                out.clear()
            if not heap or heap[0][0] >= t1:
                break
            t, _, kind, arg = heapq.heappop(heap)
            self._now = t
            self._handle(t, kind, arg)
        self._now = max(self._now, t1)

    # ------------------------------------------------------------ handlers
    def _handle(self, t: float, kind: int, arg: Any) -> None:
        # `arg` is the event's payload, whose type `kind` decides (a queue or agent name,
        # a _Burst, a _Caller, a tuple of them, None): no static type follows from an int.
        if kind == _ARRIVAL:
            self._arrive(t, arg)
            self._push(self._after(t, self._rng.expovariate(self.arrival_rates[arg])), _ARRIVAL, arg)
        elif kind == _BURST_ARRIVAL:
            burst: _Burst = arg
            if t < burst.until:
                self._arrive(t, burst.queue)
                rate = self.arrival_rates[burst.queue] * self.burst_factor
                self._push(self._after(t, self._rng.expovariate(rate)), _BURST_ARRIVAL, burst)
        elif kind == _BURST_START:
            rng = self._rng
            queues = [q for q in self.queues if self.arrival_rates[q] > 0]
            if queues:
                q = rng.choices(queues, weights=[self.arrival_rates[x] for x in queues])[0]
                burst = _Burst(q, t + self._dur(rng.uniform(180, 480)))
                self._push(t, _BURST_ARRIVAL, burst)
            self._push(t + self._dur(rng.expovariate(1 / self.burst_every_s)), _BURST_START, None)
        elif kind == _RING_END:
            self._ring_end(t, *arg)
        elif kind in (_PATIENCE, _TIMEOUT):
            self._leave(t, arg, "ABANDON" if kind == _PATIENCE else "EXITWITHTIMEOUT")
        elif kind == _ESCALATE:
            caller, agent = arg
            if agent.call is caller and agent.state == _TALKING:
                reason = self._rng.choice(ESCALATION_REASONS)
                priority = self._rng.choices((1, 2, 3), weights=(2, 5, 3))[0]
                self._emit(t, caller.callid, caller.queue, agent.name, "ESCALATE", reason, priority)
        elif kind == _CALL_END:
            self._call_end(t, *arg)
        elif kind == _AGENT_READY:
            self._agent_ready(t, self._agents[arg])
        elif kind == _PAUSE_WANT:
            self._pause_want(t, self._agents[arg])
        elif kind == _UNPAUSE:
            agent = self._agents[arg]
            for q in agent.queues:
                self._emit(t, "NONE", q, agent.name, "UNPAUSE", "")
            self._set_idle(t, agent)
            self._push(t + self._dur(self._rng.expovariate(1 / self.pause_every_s)), _PAUSE_WANT, agent.name)
        elif kind == _LOGOFF_WANT:
            agent = self._agents[arg]
            away = self._rng.uniform(180, 900)
            if agent.state == _IDLE:
                self._logoff(t, agent, away)
            elif agent.state == _OFF or agent.pending is not None:
                self._push(t + self._dur(600), _LOGOFF_WANT, agent.name)
            else:
                agent.pending = ("logoff", away)
        elif kind == _LOGIN:
            agent = self._agents[arg]
            if agent.state == _OFF and agent.on_duty:  # always, without a profile
                self._login(t, agent)
            self._push(t + self._dur(self._rng.expovariate(1 / self.logoff_every_s)), _LOGOFF_WANT, agent.name)
        elif kind == _ROSTER:
            self._roster(t)
        elif kind == _SHIFT_START:
            agent = self._agents[arg]
            agent.on_duty = True
            if agent.state == _OFF:
                self._login(t, agent)
        elif kind == _SHIFT_END:
            agent = self._agents[arg]
            agent.on_duty = False
            if agent.state == _IDLE:
                self._go_home(t, agent)
            # Otherwise after the call and wrap-up, or the break (`_set_idle`).

    def _login(self, t: float, agent: _Agent) -> None:
        for q in agent.queues:
            self._emit(t, "MANAGER", q, agent.name, "ADDMEMBER", "")
        self._set_idle(t, agent)

    def _logoff(self, t: float, agent: _Agent, away: float) -> None:
        self._set_busy(agent, _OFF)
        for q in agent.queues:
            self._emit(t, "MANAGER", q, agent.name, "REMOVEMEMBER", "")
        self._push(t + self._dur(away), _LOGIN, agent.name)

    def _pause_want(self, t: float, agent: _Agent) -> None:
        rng = self._rng
        reasons = list(PAUSE_REASONS)
        reason = rng.choices(reasons, weights=[PAUSE_REASONS[r][0] for r in reasons])[0]
        _, lo, hi = PAUSE_REASONS[reason]
        seconds = rng.uniform(lo, hi)
        if agent.state == _IDLE:
            self._pause(t, agent, reason, seconds)
        elif agent.state == _OFF or agent.pending is not None or agent.state == _PAUSED:
            self._push(t + self._dur(rng.expovariate(1 / self.pause_every_s)), _PAUSE_WANT, agent.name)
        else:
            # Asked for a break mid-call: it starts when the call and wrap-up are done.
            agent.pending = ("pause", reason, seconds)

    def _pause(self, t: float, agent: _Agent, reason: str, seconds: float) -> None:
        self._set_busy(agent, _PAUSED)
        for q in agent.queues:
            self._emit(t, "NONE", q, agent.name, "PAUSE", reason)
        self._push(t + self._dur(seconds), _UNPAUSE, agent.name)

    def _set_idle(self, t: float, agent: _Agent) -> None:
        if not agent.on_duty:
            self._go_home(t, agent)
            return
        agent.state = _IDLE
        agent.call = None
        for q in agent.queues:
            self._idle[q][agent.name] = None
        # Serve the queue whose oldest unrung caller has waited longest.
        heads = []
        for q in agent.queues:
            head = self._first_unrung(q)
            if head is not None:
                heads.append((head.entered, q))
        for _entered, q in sorted(heads):
            if agent.state != _IDLE:
                break
            self._dispatch(t, q)

    def _set_busy(self, agent: _Agent, state: int) -> None:
        agent.state = state
        for q in agent.queues:
            self._idle[q].pop(agent.name, None)

    def _first_unrung(self, q: str) -> _Caller | None:
        for caller in self._waiting[q].values():
            if caller.ring_agent is None:
                return caller
        return None

    def _arrive(self, t: float, q: str) -> None:
        rng = self._rng
        callid = self._new_uniqueid(t)
        waiting = self._waiting[q]
        caller = _Caller(callid, q, t, len(waiting) + 1)
        waiting[callid] = caller
        cid = "anonymous" if rng.random() < 0.05 else f"1380000{rng.randrange(10000):04d}"
        self._emit(t, callid, q, "NONE", "ENTERQUEUE", "", cid, caller.origpos)
        self._push(t + self._dur(rng.expovariate(1 / self.patience_mean_s)), _PATIENCE, caller)
        timeout = self._timeouts.get(q, 0.0)
        if timeout > 0:
            self._push(t + self._dur(timeout), _TIMEOUT, caller)
        self._dispatch(t, q)

    def _dispatch(self, t: float, q: str) -> None:
        """Ring available members for the queue's unrung callers, oldest caller first."""
        idle = self._idle[q]
        if not idle:
            return
        for caller in list(self._waiting[q].values()):
            if not idle:
                break
            if caller.ring_agent is not None:
                continue
            name = next(iter(idle))
            self._ring(t, caller, self._agents[name])

    def _ring(self, t: float, caller: _Caller, agent: _Agent) -> None:
        rng = self._rng
        self._set_busy(agent, _RINGING)
        agent.call = caller
        self._ring_token += 1
        caller.ring_agent = agent.name
        caller.ring_started = t
        caller.ring_token = self._ring_token
        if rng.random() < agent.ringout_p:
            # Rings out: the member timeout is real time even in rate mode, so the
            # ring-no-answer rule (>= 10 s by default) still sees it.
            self._push(t + rng.uniform(15.0, 20.0), _RING_END, (caller, agent, self._ring_token, False))
        else:
            ring = self._dur(min(12.0, rng.lognormvariate(math.log(3.5), 0.45)))
            self._push(t + ring, _RING_END, (caller, agent, self._ring_token, True))

    def _ring_end(self, t: float, caller: _Caller, agent: _Agent, token: int, answered: bool) -> None:
        if caller.done or caller.ring_token != token:
            return  # the caller hung up while it rang (RINGCANCELED already written)
        rng = self._rng
        caller.ring_agent = None
        ring_ms = int((t - caller.ring_started) * 1000)
        if not answered:
            self._emit(t, caller.callid, caller.queue, agent.name, "RINGNOANSWER", ring_ms)
            self._set_idle(t, agent)  # may ring this agent again later, like Asterisk does
            self._dispatch(t, caller.queue)
            return
        if rng.random() < self.ring_noise_p:
            # Ring-all noise: other idle members rang briefly and are logged as no-answer.
            others = [a for a in self._idle[caller.queue] if a != agent.name][:8]
            for name in rng.sample(others, min(len(others), rng.randint(1, 2))):
                self._emit(t, caller.callid, caller.queue, name, "RINGNOANSWER", rng.randint(0, 2000))
        caller.done = True
        del self._waiting[caller.queue][caller.callid]
        agent.state = _TALKING
        agent.call = caller
        hold = int(t) - int(caller.entered)
        ring_s = max(0, int(t) - int(caller.ring_started))
        self._emit(t, caller.callid, caller.queue, agent.name, "CONNECT", hold, self._new_uniqueid(t), ring_s)
        talk = self._dur(max(15.0, rng.lognormvariate(math.log(self.median_talk_s), self.talk_sigma)))
        if rng.random() < self.escalate_p:
            self._push(t + talk * rng.uniform(0.3, 0.9), _ESCALATE, (caller, agent))
        self._push(t + talk, _CALL_END, (caller, agent, t))

    def _leave(self, t: float, caller: _Caller, verb: str) -> None:
        if caller.done:
            return
        caller.done = True
        waiting = self._waiting[caller.queue]
        position = 1
        for cid in waiting:
            if cid == caller.callid:
                break
            position += 1
        del waiting[caller.callid]
        if caller.ring_agent is not None:
            agent = self._agents[caller.ring_agent]
            ring_ms = int((t - caller.ring_started) * 1000)
            self._emit(t, caller.callid, caller.queue, agent.name, "RINGCANCELED", ring_ms)
            caller.ring_agent = None
            self._set_idle(t, agent)
        wait = int(t) - int(caller.entered)
        self._emit(t, caller.callid, caller.queue, "NONE", verb, position, caller.origpos, wait)

    def _call_end(self, t: float, caller: _Caller, agent: _Agent, connected: float) -> None:
        rng = self._rng
        hold = int(connected) - int(caller.entered)
        talk = int(t) - int(connected)
        roll = rng.random()
        if roll < self.transfer_p / 2:
            exten = rng.choice(("8000", "8001", "2100", "2200"))
            self._emit(
                t,
                caller.callid,
                caller.queue,
                agent.name,
                "BLINDTRANSFER",
                exten,
                "from-internal",
                hold,
                talk,
                caller.origpos,
            )
        elif roll < self.transfer_p:
            # a UUID-shaped id; the five draws in this order (same seed, same lines)
            bridge = (
                f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-{0x4000 | rng.getrandbits(12):04x}-"
                f"{0x8000 | rng.getrandbits(14):04x}-{rng.getrandbits(48):012x}"
            )
            self._emit(
                t,
                caller.callid,
                caller.queue,
                agent.name,
                "ATTENDEDTRANSFER",
                "BRIDGE",
                bridge,
                hold,
                talk,
                caller.origpos,
            )
        else:
            verb = "COMPLETEAGENT" if rng.random() < 0.48 else "COMPLETECALLER"
            self._emit(t, caller.callid, caller.queue, agent.name, verb, hold, talk, caller.origpos)
        agent.state = _WRAP
        agent.call = None
        wrap = self._dur(self.thresholds.wrapup_s)
        if wrap > 0:
            self._push(t + wrap, _AGENT_READY, agent.name)
        else:
            self._agent_ready(t, agent)

    def _agent_ready(self, t: float, agent: _Agent) -> None:
        pending, agent.pending = agent.pending, None
        if pending is None:
            self._set_idle(t, agent)
        elif pending[0] == "pause":
            self._pause(t, agent, pending[1], pending[2])
        else:
            self._logoff(t, agent, pending[1])

    # ---------------------------------------------------------------- writer
    def run(
        self,
        path: str | os.PathLike[str],
        speed: float = 1.0,
        history_s: float = 0.0,
        duration_s: float | None = None,
        stop_event: threading.Event | None = None,
        *,
        rotate_every_s: float | None = None,
        keep_rotated: int = 5,
        tick_s: float = 0.1,
        clock: Callable[[], float] = system_clock,
        on_history_done: Callable[[], None] | None = None,
    ) -> RunStats:
        """Append the floor's queue_log to `path` until stopped; returns what was written.

        First `history_s` seconds of backdated history (ending now) are written as fast as
        possible, then the floor runs live: floor time advances `speed` times as fast as
        the wall clock (so at speed > 1 timestamps run ahead of the clock). `duration_s` is
        wall-clock seconds of the live phase (None: until `stop_event` is set; 0: history
        only). Every batch ends at a line boundary and is written straight to the file, so
        a tailer never sees a partial line between batches. `rotate_every_s` renames the
        file like logrotate (queue_log -> queue_log.1 -> ...), keeping `keep_rotated`.
        """
        if speed <= 0:
            raise ValueError("speed must be positive")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        stop = stop_event or threading.Event()
        stats = RunStats()
        writer = _Writer(path, keep_rotated)
        try:
            start_wall = clock()
            if self._now is None:
                sim_start = start_wall - max(0.0, history_s)
                gen = self.lines_between(sim_start, start_wall)
            else:
                sim_start = self._now
                gen = self.lines_until(max(self._now, start_wall))
            # History: as fast as possible, in batches so a tailer sees progress.
            batch: list[str] = []
            for line in gen:
                batch.append(line)
                if len(batch) >= 5000:
                    stats.history_lines += writer.write(batch)
                    batch = []
                    if stop.is_set():
                        break
            if batch:
                stats.history_lines += writer.write(batch)
            stats.lines = stats.history_lines
            if on_history_done is not None:
                on_history_done()
            sim_live0 = self._now
            assert sim_live0 is not None  # the history loop's first next() started the floor
            wall_live0 = clock()
            last_rotate = wall_live0
            while not stop.is_set():
                wall = clock()
                if duration_s is not None and wall - wall_live0 >= duration_s:
                    break
                target = sim_live0 + (wall - wall_live0) * speed
                batch = list(self.lines_until(target))
                if batch:
                    stats.lines += writer.write(batch)
                if rotate_every_s and wall - last_rotate >= rotate_every_s:
                    writer.rotate()
                    stats.rotations += 1
                    last_rotate = wall
                stop.wait(tick_s)
        finally:
            writer.close()
        stats.last_time = self._now or 0.0
        return stats


class _Writer:
    """Appends whole-line batches with unbuffered writes; rotates by renaming."""

    def __init__(self, path: Path, keep: int) -> None:
        self.path = path
        self.keep = max(1, keep)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, lines: list[str]) -> int:
        data = ("\n".join(lines) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        return len(lines)

    def rotate(self) -> None:
        os.close(self._fd)
        # Oldest first, so no rename overwrites a file not yet moved on.
        for i in range(self.keep, 0, -1):
            src = self.path if i == 1 else self.path.with_name(f"{self.path.name}.{i - 1}")
            dst = self.path.with_name(f"{self.path.name}.{i}")
            if src.exists():
                os.replace(src, dst)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def simulator_for(
    seats: int | None = None,
    thresholds: Thresholds | None = None,
    seed: int = 0,
    rate: float | None = None,
    layout: FloorLayout | None = None,
    profile: str | Sequence[float] | None = None,
) -> Simulator:
    """A Simulator for the shipped 60-seat demo floor, or a generated floor of `seats`.

    For tests and benchmarks: flat unless a `profile` is asked for, so a feed built from a
    fixed start time is the same on every machine, whatever its time zone.
    """
    if layout is None:
        layout = generated_layout(seats, DEFAULT_QUEUES) if seats else load_layout()
    return Simulator(layout, thresholds, seed=seed, rate=rate, profile=profile)


def _profile_table(profile: str | Sequence[float] | None) -> tuple[float, ...] | None:
    """A profile name or 24 hourly multipliers -> the table (None stays None: flat)."""
    if profile is None:
        return None
    if isinstance(profile, str):
        try:
            return PROFILES[profile]
        except KeyError:
            raise ValueError(
                _("unknown arrival profile {profile} (known: {profiles})").format(
                    profile=repr(profile), profiles=", ".join(PROFILES)
                )
            ) from None
    table = tuple(float(m) for m in profile)
    if len(table) != 24 or any(not math.isfinite(m) or m < 0 for m in table) or not any(table):
        raise ValueError("an arrival profile is 24 hourly multipliers, >= 0 and not all 0")
    return table
