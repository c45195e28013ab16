"""A report as titled tables of text cells: what every format (md, csv, html, xlsx, text) renders.

Builders translate as they build (`_()` at build time), so a renderer only lays cells out.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    """One section: a title, column headings, rows of cells, and a note under the title."""

    title: str
    columns: tuple[str, ...]
    rows: list[list[str]]
    note: str = ""

    def column(self, heading: str) -> list[str]:
        """Every cell of the column headed `heading` (tests and spot checks)."""
        i = self.columns.index(heading)
        return [r[i] for r in self.rows]


@dataclass(frozen=True)
class Document:
    """A whole report: a title, lines under it, its tables in reading order, footer lines."""

    title: str
    tables: list[Table]
    intro: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    name: str = "report"  # file-name stem: `monthly-2026-10`

    def table(self, title: str) -> Table:
        """The table titled `title`; KeyError if there is none."""
        for t in self.tables:
            if t.title == title:
                return t
        raise KeyError(title)
