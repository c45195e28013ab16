"""The floor layout: the shipped demo floor, clear errors, and no made-up seats on a real floor."""

import pytest

from floorconsole.config import ConfigError
from floorconsole.layout import configured_layout, generated_layout, label_agent, layout_from_dict, load_layout


def test_shipped_demo_floor_has_sixty_seats_in_six_rows() -> None:
    layout = load_layout()
    assert len(layout.seats) == 60 and layout.rows == ["A", "B", "C", "D", "E", "F"]
    assert layout.queues == ["sales", "support", "billing", "vip"]


def test_no_layout_configured_means_no_seats_until_the_feed_names_them() -> None:
    assert configured_layout(None).seats == ()


def test_agents_are_labelled_with_their_names() -> None:
    layout = load_layout()
    first = layout.seats[0]
    assert layout.agent_label(first.agent) == f"{first.name} ({first.agent})"
    assert layout.agent_label("SIP/9999") == "SIP/9999"
    assert label_agent("JASON SMITH", "JASON SMITH") == "JASON SMITH"


def test_bad_layouts_say_what_is_wrong(tmp_path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_layout(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="needs id, row, pos and agent"):
        layout_from_dict({"seat": [{"id": "A01", "row": "A"}]})
    seat = {"id": "A01", "row": "A", "pos": 1, "agent": "SIP/1"}
    with pytest.raises(ConfigError, match="appears twice"):
        layout_from_dict({"seat": [seat, {**seat, "agent": "SIP/2"}]})
    with pytest.raises(ConfigError, match="placed at two seats"):
        layout_from_dict({"seat": [seat, {**seat, "id": "A02"}]})


def test_generated_big_floor_rows_continue_past_z() -> None:
    layout = generated_layout(5000, ("q1", "q2"))
    assert len(layout.seats) == 5000 and layout.rows[26] == "AA"
