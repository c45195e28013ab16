"""Read a roster file as centres keep it (CSV or XLSX) into `RosterEntry`s, or say why not.

One row per person per shift: date, person, shift, seat/queue group. Headers in English or
Chinese (日期/姓名/班次/组别, docs/roster.md lists every accepted spelling). Every bad row is
listed with its line number and the reason; the caller imports nothing unless the list is
empty (`RosterFile.ok`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from floorconsole.i18n import _
from floorconsole.roster.model import RosterEntry
from floorconsole.roster.settings import RosterSettings
from floorconsole.shifts import ShiftDef

# Column -> the header spellings accepted for it (compared lower-cased, spaces trimmed).
HEADERS: dict[str, tuple[str, ...]] = {
    "day": ("date", "day", "日期", "排班日期", "值班日期"),
    "person": ("person", "agent", "name", "staff", "姓名", "人员", "坐席", "坐席员", "员工", "工号"),
    "shift": ("shift", "班次", "班别", "班种"),
    "group": (
        "group",
        "seat",
        "queue",
        "queue group",
        "seat group",
        "组别",
        "班组",
        "座席组",
        "坐席组",
        "技能组",
        "队列",
    ),
}
REQUIRED = ("day", "person", "shift")  # the group may be left empty
MAX_ROWS = 50_000  # a month of a big floor is a few thousand; more is the wrong file
MAX_PROBLEMS_SHOWN = 200

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%d.%m.%Y")
_ZH_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one line of the file (line 1 is the first line, the header's)."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("line {line}: {message}").format(line=self.line, message=self.message)


@dataclass
class RosterFile:
    """A read roster: its entries, and every problem found (import only when there are none)."""

    source: str
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.entries)


def parse_date(value: Any) -> date:
    """A roster date: an XLSX date cell, or text as 2026-12-01, 2026/12/01, 2026年12月1日 ...
    ValueError says what was found."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = _ZH_DATE.match(text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", text):
        return datetime.fromisoformat(text).date()
    raise ValueError(_("not a date: {value!r} (write it as 2026-12-01)").format(value=text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a staff number typed into a spreadsheet comes back as 1001.0
    return str(value).strip()


def _header_map(header: Sequence[Any]) -> tuple[dict[str, int], list[str]]:
    """Column -> index, and the problems with the header (missing or repeated columns)."""
    found: dict[str, int] = {}
    problems: list[str] = []
    for index, raw in enumerate(header):
        name = _cell(raw).lstrip("\ufeff").strip().lower()
        for column, spellings in HEADERS.items():
            if name in spellings:
                if column in found:
                    problems.append(_("the column {column!r} appears twice").format(column=_cell(raw)))
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        wanted = "; ".join(f"{c}: {' / '.join(HEADERS[c][:4])}" for c in missing)
        problems.append(
            _("the header lacks a column ({wanted}); found {found}").format(
                wanted=wanted, found=", ".join(repr(_cell(h)) for h in header if _cell(h)) or _("nothing")
            )
        )
    return found, problems


def shift_lookup(shifts: Sequence[ShiftDef], settings: RosterSettings) -> dict[str, str]:
    """Lower-cased name or alias -> the configured shift's name."""
    table = {s.name.lower(): s.name for s in shifts}
    table.update(dict(settings.shift_aliases))
    return table


def read_rows(
    rows: Iterable[tuple[int, Sequence[Any]]], source: str, shifts: Sequence[ShiftDef], settings: RosterSettings
) -> RosterFile:
    """Check `(line number, cells)` rows, the first non-empty one being the header."""
    out = RosterFile(source)
    lookup = shift_lookup(shifts, settings)
    known = ", ".join(sorted({s.name for s in shifts}))
    header: dict[str, int] | None = None
    seen: dict[tuple[date, str, str], int] = {}
    count = 0
    for line, cells in rows:
        if not any(_cell(c) for c in cells):
            continue  # blank lines are not rows
        if header is None:
            header, problems = _header_map(cells)
            out.problems.extend(RowProblem(line, p) for p in problems)
            if problems:
                return out  # without its columns no row can be read
            continue
        count += 1
        if count > MAX_ROWS:
            out.problems.append(RowProblem(line, _("more than {n} rows: is this a roster?").format(n=MAX_ROWS)))
            return out

        def get(column: str, cells: Sequence[Any] = cells, header: dict[str, int] = header) -> Any:
            i = header.get(column)
            return cells[i] if i is not None and i < len(cells) else None

        why: list[str] = []
        day: date | None = None
        raw_day = get("day")
        if raw_day is None or not _cell(raw_day):
            why.append(_("the date is empty"))
        else:
            try:
                day = parse_date(raw_day)
            except ValueError as exc:
                why.append(str(exc))
        person = _cell(get("person"))
        if not person:
            why.append(_("the person is empty"))
        elif len(person) > 100:
            why.append(_("the person's name is longer than 100 characters"))
        raw_shift = _cell(get("shift"))
        shift = lookup.get(raw_shift.lower())
        if not raw_shift:
            why.append(_("the shift is empty"))
        elif shift is None:
            why.append(_("unknown shift {shift!r} (configured: {known})").format(shift=raw_shift, known=known))
        group = _cell(get("group"))
        if len(group) > 100:
            why.append(_("the group is longer than 100 characters"))
        if not why and day is not None and shift is not None:
            key = (day, person, shift)
            if key in seen:
                why.append(
                    _("{person} is already on the {shift} shift of {day} (line {first})").format(
                        person=person, shift=shift, day=day.isoformat(), first=seen[key]
                    )
                )
            else:
                seen[key] = line
                out.entries.append(RosterEntry(day, person, shift, group))
        out.problems.extend(RowProblem(line, w) for w in why)
    if header is None:
        out.problems.append(RowProblem(1, _("the file is empty: expected a header and one row per person per shift")))
    elif not out.entries and not out.problems:
        out.problems.append(RowProblem(1, _("the file has a header but no rows")))
    return out


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # Excel in a Chinese locale saves CSV as GBK; UTF-8 (with or without BOM) is tried first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValueError(_("the file is neither UTF-8 nor GBK text"))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _xlsx_rows(path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    import zipfile

    import openpyxl  # imported when a spreadsheet is read: the console never needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValueError(_("{path} is not a readable .xlsx workbook ({exc})").format(path=path, exc=exc)) from None
    try:
        sheet = book.worksheets[0]  # the roster is the first sheet
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        book.close()


def read_roster(path: Path | str, shifts: Sequence[ShiftDef], settings: RosterSettings | None = None) -> RosterFile:
    """Read a .csv or .xlsx roster; ValueError when the file cannot be read at all."""
    path = Path(path)
    settings = settings or RosterSettings()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_rows(_xlsx_rows(path), str(path), shifts, settings)
    if suffix in (".csv", ".txt", ".tsv"):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValueError(_("cannot read {path}: {why}").format(path=path, why=exc.strerror or exc)) from None
        return read_rows(_csv_rows(data), str(path), shifts, settings)
    if suffix == ".xls":
        raise ValueError(_("{path}: the old .xls format cannot be read; save it as .xlsx or .csv").format(path=path))
    raise ValueError(_("{path}: expected a .csv or .xlsx roster").format(path=path))
