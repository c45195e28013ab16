"""The patrol checklist (what a patrol checks, and the deduction for each finding)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from floorconsole.config import ConfigError, data_file
from floorconsole.i18n import _


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    label_zh: str
    deduction: int
    sensitive: bool = False  # e.g. signs of strain: shown only to staff with a role


def load_checklist(path: Path | None = None) -> tuple[ChecklistItem, ...]:
    """Read the checklist table (default: the shipped `data/patrol_checklist.toml`)."""
    path = path or data_file("patrol_checklist.toml")
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        items = tuple(
            ChecklistItem(
                code=str(i["code"]),
                label=str(i["label"]),
                label_zh=str(i.get("label_zh", "")),
                deduction=int(i.get("deduction", 0)),
                sensitive=bool(i.get("sensitive", False)),
            )
            for i in raw["item"]
        )
    except FileNotFoundError:
        raise ConfigError(_("patrol checklist not found: {path}").format(path=path)) from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(_("{path}: bad patrol checklist ({exc})").format(path=path, exc=exc)) from None
    codes = [i.code for i in items]
    if len(codes) != len(set(codes)):
        raise ConfigError(_("{path}: duplicate item codes").format(path=path))
    return items
