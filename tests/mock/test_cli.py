"""``payam mock serve`` as a user runs it: a subprocess on a real port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tui.commands.mock import is_loopback


def _serve(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "mock", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture
def demo() -> Iterator[tuple[subprocess.Popen[str], list[list[str]]]]:
    process = _serve("--scenario", "demo", "--seed", "4")
    assert process.stdout is not None
    lines = [process.stdout.readline().split() for _ in range(3)]
    yield process, lines
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    process.communicate(timeout=20)  # also closes the pipes


def test_serve_prints_a_line_per_messenger_and_serves(
    demo: tuple[subprocess.Popen[str], list[list[str]]],
) -> None:
    process, lines = demo
    assert [line[0] for line in lines] == ["telegram", "bale", "splus"]
    for messenger, base_url, *tokens in lines:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith(f"/{messenger}")
        assert len(tokens) == 1
        me = httpx.get(f"{base_url}/bot{tokens[0]}/getMe", timeout=10, trust_env=False)
        assert me.status_code == 200 and me.json()["result"]["is_bot"] is True
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=20)
    assert process.returncode == 0


def test_an_empty_scenario_prints_no_tokens() -> None:
    process = _serve("--scenario", "empty")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().split() for _ in range(3)]
        assert all(len(line) == 2 for line in lines)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_a_public_address_needs_public() -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "tui", "mock", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "--public" in refused.stderr and refused.stdout == ""


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.5.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.com")


def test_a_busy_port_is_a_runtime_failure() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        failed = subprocess.run(
            [sys.executable, "-m", "tui", "mock", "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert failed.returncode == 1
    assert "cannot listen" in failed.stderr
