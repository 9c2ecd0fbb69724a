"""Opt-in smoke tests against the REAL messenger APIs (``make live-smoke``).

Skipped unless a token is given in the environment, so ``make test`` never leaves the machine:

    PAYAM_LIVE_TELEGRAM_TOKEN=… PAYAM_LIVE_BALE_TOKEN=… make live-smoke

Each messenger's test runs ``getMe`` and one short ``getUpdates`` (Eitaa: ``getMe`` only, it
cannot receive) through Payam's own adapter, to check the wire facts the mocks imitate against
reality. ``PAYAM_LIVE_<M>_BASE_URL`` overrides the API root (a proxy path, say), and
``PAYAM_LIVE_PROXY`` sends everything through a proxy (``socks5h://…``, ``http://…``).
Polling consumes nothing: the cursor is not confirmed, so the bot's pending updates stay queued.
"""

from __future__ import annotations

import os

import pytest

from adapters import http, registry
from adapters.base import AccountSpec
from adapters.models import Batch
from adapters.secret import Secret

MESSENGERS = ("telegram", "bale", "splus", "rubika", "eitaa")

pytestmark = pytest.mark.live


@pytest.fixture(autouse=True)
def keep_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's isolation fixture clears PAYAM_*; give the live ones back."""
    for key, value in LIVE_ENV.items():
        monkeypatch.setenv(key, value)


LIVE_ENV = {k: v for k, v in os.environ.items() if k.startswith("PAYAM_LIVE_")}


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_get_me_and_one_poll(messenger: str) -> None:
    token = LIVE_ENV.get(f"PAYAM_LIVE_{messenger.upper()}_TOKEN")
    if not token:
        pytest.skip(f"set PAYAM_LIVE_{messenger.upper()}_TOKEN to check {messenger} for real")
    cls = registry.load(messenger)
    base = LIVE_ENV.get(f"PAYAM_LIVE_{messenger.upper()}_BASE_URL") or cls.default_base_url
    spec = AccountSpec(messenger, "live", base, receive=cls.capabilities.receive)
    async with http.make_client(proxy=LIVE_ENV.get("PAYAM_LIVE_PROXY")) as client:
        adapter = cls(spec, Secret(token), client)
        me = await adapter.me()
        assert me.id, "getMe returned no id"
        print(f"{messenger}: getMe -> id {me.id}, @{me.username}")
        if not cls.capabilities.receive:
            return
        batch = await adapter.poll(None, 0.0)
        assert isinstance(batch, Batch)
        kinds = sorted({type(e).__name__ for e in batch.events})
        print(f"{messenger}: one poll -> {len(batch.events)} events {kinds}, cursor {batch.cursor}")
