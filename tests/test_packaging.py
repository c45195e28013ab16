"""Every package directory in the tree is installed (a non-editable install misses the rest)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_python_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapped = {v: k for k, v in config.get("package-dir", {}).items()}
    found = set()
    for init in list(ROOT.glob("floorconsole/**/__init__.py")) + list(ROOT.glob("screens/**/__init__.py")):
        rel = init.parent.relative_to(ROOT).as_posix()
        found.add(mapped.get(rel, rel.replace("/", ".")))
    assert found <= listed, f"missing from pyproject packages: {sorted(found - listed)}"


def test_stylesheets_ship_with_their_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for css in list(ROOT.glob("screens/**/*.tcss")):
        package = css.parent.relative_to(ROOT).as_posix().replace("/", ".")
        assert "*.tcss" in config["package-data"].get(package, []), f"{css} would not be installed"
