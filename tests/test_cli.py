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


def test_global_options_before_or_after_the_subcommand(tmp_path, capsys) -> None:
    db = tmp_path / "floor.db"
    assert main(["--db", str(db), "log", "add", "--kind", "notice", "--body", "before"]) == 0
    assert main(["log", "add", "--kind", "notice", "--body", "after", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["log", "list", "--json", f"--db={db}"]) in (0,)
    out = capsys.readouterr().out
    assert "before" in out and "after" in out


def test_broken_pipe_on_stdout_is_not_a_traceback(tmp_path) -> None:
    import subprocess
    import sys

    from floorconsole.identity import Actor
    from floorconsole.store import Store

    db = tmp_path / "floor.db"
    with Store(db) as store:  # enough output to fill the pipe; one Store, not 300 CLI runs
        for i in range(300):
            store.add_entry("notice", f"entry {i} " + "x" * 200, Actor("Li Na", "li", "pts/1"))
    proc = subprocess.run(
        f"{sys.executable} -m floorconsole --db {db} log list --json | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
