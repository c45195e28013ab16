"""Extract, update and compile floorconsole's message catalogs: one command.

    python tools/i18n.py            # extract -> floorconsole/locale/floorconsole.pot,
                                    # update zh_CN/en .po from it, compile every .mo
    python tools/i18n.py --check    # change nothing; exit 1 and say what is out of date
                                    # (template, catalogs, .mo) or untranslated

What is extracted: every `_("...")`, `N_("...")` and `ngettext("...", "...", n)` in
`floorconsole/` and `screens/` (Babel's Python extractor, keywords as in babel.cfg), plus the
first line of each `floorconsole/commands/*.py` docstring, which is that subcommand's
`--help` line (cli.py translates it).

English is the source language: its catalog is filled with the msgids themselves, so "no
untranslated message" holds for it by construction. zh_CN is filled by hand: after running
this, look for `msgstr ""` and `#, fuzzy` in floorconsole/locale/zh_CN/LC_MESSAGES/floorconsole.po,
translate them with the terms of docs/glossary.md, and run it again to compile.

The template carries file names but no line numbers, and a fixed header date, so two
branches that add strings to different modules merge without touching each other's lines.
Babel is a development dependency (the `test` extra); the runtime reads the committed `.mo`
files with the standard library's gettext.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "floorconsole" / "locale"
TEMPLATE = LOCALE_DIR / "floorconsole.pot"
DOMAIN = "floorconsole"
LANGUAGES = ("zh_CN", "en")
SOURCE_LANGUAGE = "en"
SOURCE_DIRS = ("floorconsole", "screens")
COMMANDS_DIR = ROOT / "floorconsole" / "commands"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
FIXED_DATE = datetime(2026, 11, 29, tzinfo=UTC)  # no churn in the header


def _catalog(locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        project="floorconsole",
        version="0.1",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
        header_comment="# Messages of floorconsole (extracted by tools/i18n.py; do not edit the .pot by hand).",
    )


def _docstring_lines() -> Iterator[tuple[str, str]]:
    """(relative file, first docstring line) of each subcommand module: its --help line."""
    for path in sorted(COMMANDS_DIR.glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if doc and path.name not in ("__init__.py", "common.py"):
            yield path.relative_to(ROOT).as_posix(), doc.strip().splitlines()[0]


def extract() -> Catalog:
    """The template: every marked message in the code, with the files it is in."""
    template = _catalog()
    for directory in SOURCE_DIRS:
        for filename, _lineno, message, comments, context in extract_from_dir(
            ROOT / directory,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
            directory_filter=lambda d: "__pycache__" not in d,
        ):
            if not (message[0] if isinstance(message, tuple) else message):
                continue
            location = (f"{directory}/{Path(filename).as_posix()}", None)
            template.add(message, locations=[location], auto_comments=comments, context=context)
    for filename, line in _docstring_lines():
        template.add(line, locations=[(filename, None)], auto_comments=["subcommand help: the module docstring"])
    return template


def _read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return _catalog(locale)
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def build() -> dict[Path, bytes]:
    """What every catalog file should contain now: the template, each .po and .mo."""
    template = extract()
    files: dict[Path, bytes] = {TEMPLATE: _po_bytes(template)}
    for language in LANGUAGES:
        path = po_path(language)
        catalog = _read(path, language)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.revision_date = FIXED_DATE
        catalog.fuzzy = False
        for message in catalog:
            if not message.id:
                continue
            if language == SOURCE_LANGUAGE:
                message.string = message.id  # the source language translates to itself
                message.flags.discard("fuzzy")
        files[path] = _po_bytes(catalog)
        # compile from what is written, so the .mo is exactly the committed .po
        files[path.with_suffix(".mo")] = _mo_bytes(read_po(io.BytesIO(files[path]), locale=language, domain=DOMAIN))
    return files


def untranslated(language: str) -> list[str]:
    """Messages of a committed catalog that are empty or fuzzy (plural forms included)."""
    catalog = _read(po_path(language), language)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail when out of date")
    args = parser.parse_args(argv)
    files = build()
    stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run python tools/i18n.py)", file=sys.stderr)
    else:
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[path])
            print(f"wrote {path.relative_to(ROOT)}")
    missing = untranslated("zh_CN") if not args.check or not stale else []
    for msgid in missing:
        print(f"zh_CN: not translated yet: {msgid!r}", file=sys.stderr)
    if missing:
        print(f"{len(missing)} message(s) to translate in {po_path('zh_CN').relative_to(ROOT)}", file=sys.stderr)
    return 1 if (args.check and stale) or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
