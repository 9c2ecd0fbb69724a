"""`payam` alone (the TUI) parses its global options without loading every command module;
a command, a bad option or --help still gets the full parser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui import cli

PROBE = """
import sys
import tui.cli as cli
import tui.commands.tui as tui_command
def run(args):
    loaded = sorted(m for m in sys.modules if m.startswith("tui.commands."))
    print(args.command, args.config, ",".join(loaded))
    return 0
tui_command.run = run
sys.exit(cli.main(sys.argv[1:]))
"""


def probe(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=False
    )


def test_the_bare_tui_loads_no_command_module_but_its_own() -> None:
    done = probe("--config", "x.toml", "--data-dir", "d")
    assert done.returncode == 0, done.stderr
    command, config, loaded = done.stdout.split()
    assert (command, config) == ("None", "x.toml")
    assert loaded == "tui.commands.tui"


def test_a_config_file_named_like_a_command_is_still_a_config_file() -> None:
    done = probe("--config", "tail")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["None", "tail"]


def test_commands_bad_options_and_help_get_the_full_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as help_exit:
        cli.main(["--help"])
    assert help_exit.value.code == 0
    assert "tail" in capsys.readouterr().out  # the commands are listed
    with pytest.raises(SystemExit) as bad:
        cli.main(["--bogus"])
    assert bad.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
    with pytest.raises(SystemExit) as tail_help:
        cli.main(["tail", "--help"])
    assert tail_help.value.code == 0
    assert "usage: payam tail" in capsys.readouterr().out
