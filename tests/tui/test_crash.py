"""Textual's crash screen prints a traceback WITH locals (tokens included): Payam's replaces it
with a plain, scrubbed traceback on stderr (after the terminal is restored) and in the log; and
``payam`` restores the terminal's bidi mode whether the app ends or crashes."""

from __future__ import annotations

import argparse
import base64
import io
import logging
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerFailed

from adapters.secret import Secret
from tests.tui.shellkit import make_app, ready
from tui.app import PayamApp, crash_report
from tui.text import termbidi
from tui.text.termbidi import BidiDecision

APPLIED = termbidi.applied
TOKEN = "7301234567:AAH-crash-test-SECRET_token_value99"


def forms(token: str) -> list[str]:
    raw = token.encode()
    return [
        token,
        urllib.parse.quote(token, safe=""),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]


async def test_a_crash_in_a_worker_prints_no_locals_and_no_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    secret = Secret(TOKEN)  # registered with the scrubber, as every token Payam holds is

    async def deliver() -> None:
        token_in_locals = secret.reveal()
        url = f"https://api.telegram.org/bot{token_in_locals}/sendMessage"
        auth = base64.b64encode(token_in_locals.encode()).decode()
        quoted = urllib.parse.quote(token_in_locals, safe="")
        raise RuntimeError(f"request to {url} failed (auth {auth}, q={quoted})")

    app = make_app(tmp_path)
    caplog.set_level(logging.ERROR, logger="payam.ui")

    async def crash() -> None:
        async with app.run_test() as pilot:
            await ready(pilot)
            app.run_worker(deliver(), name="deliver")
            for _ in range(20):
                await pilot.pause()

    with pytest.raises(WorkerFailed):
        await crash()
    err = capsys.readouterr().err
    assert "Payam crashed" in err and "RuntimeError: request to" in err
    assert "Traceback (most recent call last)" in err and "in deliver" in err
    assert "token_in_locals =" not in err and "secret =" not in err  # no locals
    assert "╭" not in err  # not Rich's boxed traceback
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Payam crashed" in logged
    for form in forms(TOKEN):
        assert form not in err, form
        assert form not in logged, form
    assert app.return_code == 1


def test_crash_report_is_plain_and_scrubbed() -> None:
    Secret(TOKEN)
    try:
        raise ValueError(f"boom {TOKEN}")
    except ValueError as exc:
        text = crash_report(WorkerFailed(exc))
    assert text.startswith("Traceback (most recent call last)")
    assert "ValueError: boom ***" in text and TOKEN not in text


@contextmanager
def recording(decision: BidiDecision, out: io.BytesIO) -> Iterator[Any]:
    with APPLIED(decision, out) as switch:
        yield switch


@pytest.mark.parametrize("crash", [False, True])
def test_payam_runs_the_app_inside_the_bidi_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash: bool
) -> None:
    from tui.commands import tui as command

    out = io.BytesIO()
    seen: list[bytes] = []
    decision = BidiDecision("app", "app", "config", "test", send_explicit=True)
    monkeypatch.setattr(termbidi, "decide", lambda *a, **k: decision)
    monkeypatch.setattr(termbidi, "applied", lambda d, *a: recording(d, out))

    def run(self: PayamApp) -> int:
        seen.append(out.getvalue())  # what the terminal got before the UI started
        assert self.bidi_decision is decision
        assert self.text_settings.mode == "app"
        if crash:
            raise RuntimeError("the UI died")
        return 0

    monkeypatch.setattr(PayamApp, "run", run)
    args = argparse.Namespace(config=tmp_path / "config.toml", data_dir=tmp_path / "data")
    if crash:
        with pytest.raises(RuntimeError):
            command.run(args)
    else:
        assert command.run(args) == 0
    assert seen == [b"\x1b[8l"]
    assert out.getvalue() == b"\x1b[8l\x1b[8h"  # restored either way


def test_payam_without_a_command_is_the_tui(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui import cli
    from tui.commands import tui as command

    called: list[argparse.Namespace] = []
    monkeypatch.setattr(command, "run", lambda args: called.append(args) or 0)
    assert cli.main([]) == 0
    assert len(called) == 1 and called[0].command is None
