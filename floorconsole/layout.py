"""The floor layout: which seat stands where, who sits there, which queues they serve.

Format (TOML), see `data/floor-demo.toml`:

    [[seat]]
    id = "A01"            # seat label shown on the floor map
    row = "A"             # row on the floor map (rows are drawn in file order)
    pos = 1               # position within the row, 1-based
    agent = "SIP/1001"    # the member interface or agent name the feed uses
    name = "Wang Fang"    # the person's display name
    queues = ["sales"]

Agents the feed mentions that the layout does not know are still shown (in the seat
table, and on the map in an "unplaced" row), never dropped.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from floorconsole.config import ConfigError, data_file
from floorconsole.i18n import _


@dataclass(frozen=True)
class SeatPlace:
    """One seat on the map."""

    seat_id: str
    row: str
    pos: int
    agent: str
    name: str
    queues: tuple[str, ...] = ()


@dataclass(frozen=True)
class FloorLayout:
    """All seats, in file order; `rows` keeps the rows in the order first seen."""

    seats: tuple[SeatPlace, ...]

    @property
    def rows(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.seats:
            seen.setdefault(s.row, None)
        return list(seen)

    def by_agent(self) -> dict[str, SeatPlace]:
        return {s.agent: s for s in self.seats}

    @cached_property
    def _names(self) -> dict[str, str]:
        return {s.agent: s.name for s in self.seats if s.name and s.name != s.agent}

    def agent_label(self, agent: str) -> str:
        """`label_agent` with this layout's names."""
        return label_agent(agent, self._names.get(agent))

    @property
    def queues(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.seats:
            for q in s.queues:
                seen.setdefault(q, None)
        return list(seen)


def label_agent(agent: str, name: str | None) -> str:
    """How a supervisor names an agent in written records: `Liu Bo (SIP/1038)`; without a
    name (an agent the layout does not know) it stays as the feed wrote it."""
    return f"{name} ({agent})" if name and name != agent else agent


def load_layout(path: Path | None = None) -> FloorLayout:
    """Read a layout file (default: the shipped demo floor); ConfigError says what is wrong."""
    path = path or data_file("floor-demo.toml")
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(_("floor layout not found: {path}").format(path=path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: not valid TOML: {exc}").format(path=path, exc=exc)) from None
    return layout_from_dict(raw, source=str(path))


def configured_layout(path: Path | None) -> FloorLayout:
    """The floor the console shows: the configured layout file, or, with none configured,
    an empty layout (every seat then comes from the feed). The shipped demo floor is only
    for the demo and the simulator: a real floor must never show its 60 made-up agents."""
    return load_layout(path) if path is not None else FloorLayout(())


def layout_from_dict(raw: dict, source: str = "layout") -> FloorLayout:
    seats = []
    seen_ids: set[str] = set()
    seen_agents: set[str] = set()
    for i, item in enumerate(raw.get("seat", [])):
        try:
            place = SeatPlace(
                seat_id=str(item["id"]),
                row=str(item["row"]),
                pos=int(item["pos"]),
                agent=str(item["agent"]),
                name=str(item.get("name", item["agent"])),
                queues=tuple(str(q) for q in item.get("queues", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                _("{source}: seat #{n} needs id, row, pos and agent ({exc})").format(source=source, n=i + 1, exc=exc)
            ) from None
        if place.seat_id in seen_ids:
            raise ConfigError(
                _("{source}: seat id {seat_id} appears twice").format(source=source, seat_id=repr(place.seat_id))
            )
        if place.agent in seen_agents:
            raise ConfigError(
                _("{source}: agent {agent} is placed at two seats").format(source=source, agent=repr(place.agent))
            )
        seen_ids.add(place.seat_id)
        seen_agents.add(place.agent)
        seats.append(place)
    return FloorLayout(tuple(seats))


def generated_layout(n_seats: int, queues: tuple[str, ...], per_row: int = 10) -> FloorLayout:
    """A synthetic floor of `n_seats` (used by the simulator and benchmarks for big floors)."""
    seats = []
    for i in range(n_seats):
        row_index, pos = divmod(i, per_row)
        row = _row_name(row_index)
        seats.append(
            SeatPlace(
                seat_id=f"{row}{pos + 1:02d}",
                row=row,
                pos=pos + 1,
                agent=f"SIP/{1001 + i}",
                name=f"Agent {1001 + i}",
                queues=(queues[i % len(queues)],) if queues else (),
            )
        )
    return FloorLayout(tuple(seats))


def _row_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name
