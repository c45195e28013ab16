import importlib

from floorconsole.cli import COMMANDS, main


def test_every_command_module_exists_and_has_its_interface() -> None:
    for module_name in COMMANDS.values():
        module = importlib.import_module(f"floorconsole.commands.{module_name}")
        assert callable(module.add_arguments) and callable(module.run), module_name
        assert module.__doc__, f"{module_name} needs a docstring (it is the --help text)"


def test_help_exits_cleanly(capsys) -> None:
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "floorconsole" in capsys.readouterr().out
