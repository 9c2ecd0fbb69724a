"""token_command: no shell, first line of stdout, timeout, and output never in errors or logs."""

from __future__ import annotations

import json
import logging
import shlex
import sys
import time
from pathlib import Path

import pytest

from tests.settings.helpers import CANARY, leaks
from tui.settings.config import parse_config
from tui.settings.secrets import Secret, TokenCommandFailed, get_token, run_token_command


def py(script: str) -> str:
    return shlex.join([sys.executable, "-c", script])


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_first_line_of_stdout_becomes_a_secret(debug_logs: pytest.LogCaptureFixture) -> None:
    token = run_token_command(py(f"print({CANARY!r}); print('url: https://x'); print('user: me')"))
    assert isinstance(token, Secret) and token.reveal() == CANARY
    assert not leaks(debug_logs.text)


def test_no_shell_is_involved(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    # With a shell, the ';' would run touch. Without one, it is just an argument to print.
    token = run_token_command(py("import sys; print(sys.argv[1])") + f" ';touch {marker}'")
    assert token.reveal() == f";touch {marker}"
    assert not marker.exists()


def test_failure_says_how_without_the_output(debug_logs: pytest.LogCaptureFixture) -> None:
    script = f"import sys; print({CANARY!r}); print({CANARY!r}, file=sys.stderr); sys.exit(3)"
    with pytest.raises(TokenCommandFailed) as info:
        run_token_command(py(script), key="bale:shop")
    message = str(info.value)
    assert "bale:shop" in message and "exit status 3" in message
    assert not leaks(message) and not leaks(repr(info.value)) and not leaks(debug_logs.text)
    assert info.value.__context__ is None


def test_timeout_stops_the_command_and_its_children(debug_logs: pytest.LogCaptureFixture) -> None:
    # The grandchild keeps stdout open: only killing the process group lets us return.
    command = shlex.join(["sh", "-c", f"echo {CANARY}; sleep 60 & sleep 60"])
    started = time.monotonic()
    with pytest.raises(TokenCommandFailed, match=r"did not finish within 0.5 s") as info:
        run_token_command(command, timeout_s=0.5)
    assert time.monotonic() - started < 10
    assert not leaks(str(info.value)) and not leaks(debug_logs.text)


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("payam-no-such-command-xyz --flag", "'payam-no-such-command-xyz' not found"),
        (py("pass"), "printed no token"),
        (py("import sys; sys.stdout.buffer.write(b'\\xff\\xfe\\n')"), "printed no token"),
        ("", "is empty"),
    ],
)
def test_other_failures(command: str, problem: str) -> None:
    with pytest.raises(TokenCommandFailed, match=problem):
        run_token_command(command)


def test_stdin_is_closed() -> None:
    # A command that would wait for input gets EOF at once instead of hanging on the terminal.
    token = run_token_command(py("import sys; data = sys.stdin.read(); print('got', len(data))"))
    assert token.reveal() == "got 0"


def test_get_token_uses_the_account_command_and_config_timeout(tmp_path: Path) -> None:
    text = (
        "token_command_timeout = 1\n[[accounts]]\nmessenger = 'bale'\nname = 'a'\n"
        f"token_command = {json.dumps(py(f'print({CANARY!r})'))}\n"
        "[[accounts]]\nmessenger = 'bale'\nname = 'slow'\n"
        f"token_command = {json.dumps(py('import time; time.sleep(30)'))}\n"
    )
    config = parse_config(text, tmp_path / "c.toml")
    fast, slow = config.accounts
    assert get_token(fast, config).reveal() == CANARY
    with pytest.raises(TokenCommandFailed, match="bale:slow did not finish within 1 s"):
        get_token(slow, config)
