"""The domain never imports Textual: importing every floorconsole module must not load it."""

import pkgutil
import subprocess
import sys

import floorconsole


def test_domain_modules_do_not_import_textual() -> None:
    names = [m.name for m in pkgutil.walk_packages(floorconsole.__path__, "floorconsole.")]
    names = [n for n in names if n != "floorconsole.__main__"]
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.') or m == 'screens' or m.startswith('screens.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"domain modules imported: {out.stdout.strip()}"
