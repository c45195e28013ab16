"""The registers' part of the config: `[agents."<name>"]` (job, level, lead), `[[holidays]]`
(date, name, duty), `[registers] night_shifts`, the centre_head role; every bad value is a
ConfigError that names the key."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from floorconsole.config import Agent, ConfigError, Holiday, config_from_dict
from floorconsole.store.registers import RegisterSettings

GOOD = """
[people.qian]
name = "Qian Hua"
role = "centre_head"

[agents."Xu Jing"]
job = "hotline"
level = 2
lead = "li"
[agents."马伟"]
job = "hotline"
level = 2

[[holidays]]
date = 2026-10-01
name = "National Day 国庆节"
duty = ["Xu Jing"]
[[holidays]]
date = "2026-01-01"

[registers]
night_shifts = ["night", "late"]
"""


def parse(text: str):  # noqa: ANN201
    return config_from_dict(tomllib.loads(text), base_dir=Path("."))


def test_agents_holidays_and_night_shifts_are_read() -> None:
    cfg = parse(GOOD)
    assert cfg.agents == (Agent("Xu Jing", "hotline", 2, "li"), Agent("马伟", "hotline", 2, ""))
    assert cfg.agent("马伟") == Agent("马伟", "hotline", 2, "")
    assert cfg.holidays == (
        Holiday(date(2026, 1, 1), "", ()),
        Holiday(date(2026, 10, 1), "National Day 国庆节", ("Xu Jing",)),
    )
    assert cfg.night_shifts == ("night", "late")
    assert cfg.person("qian").can_sign and cfg.person("qian").sees_findings
    settings = RegisterSettings.from_config(cfg)
    assert settings.agents == cfg.agents and settings.holidays == cfg.holidays


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[agents."A"]\nlevel = 1', "agents.A.job"),
        ('[agents."A"]\njob = "x"\nlevel = "senior"', "agents.A.level: expected the skill level as a whole number"),
        ('[agents."A"]\njob = "x"\nlevel = 1\ngrade = 2', "agents.A: unknown key"),
        ("agents = 3", "agents: expected tables"),
        ('[[holidays]]\ndate = "Oct 1"', "holidays[0].date: expected a date such as 2026-10-01"),
        ("[[holidays]]\ndate = 2026-10-01T08:00:00", "holidays[0].date"),
        ('[[holidays]]\ndate = 2026-10-01\nduty = "Xu"', "holidays[0].duty: expected a list"),
        ("[[holidays]]\ndate = 2026-10-01\n[[holidays]]\ndate = 2026-10-01", "2026-10-01 is listed twice"),
        ('[registers]\nnight_shifts = "night"', "registers.night_shifts: expected a list"),
    ],
)
def test_bad_register_settings_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        parse(text)
