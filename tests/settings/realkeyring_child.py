"""Run inside ``dbus-run-session`` by test_real_secret_service.py (not a test module itself).

Twenty set → get → delete round trips through Payam's own ``account add`` / ``get_token`` /
``account remove``, with the real ``keyring.backends.SecretService.Keyring`` as the backend.
Prints ``round trips: N/20`` and exits 0 only when all of them worked.
"""

from __future__ import annotations

import io
import sys
import time
import uuid
from pathlib import Path

ROUNDS = 20


def main(config: Path, data: Path) -> int:
    import keyring

    from adapters import registry
    from tests.settings.helpers import FakeServer, fake_entry_points
    from tui import cli
    from tui.commands import account as account_cmd
    from tui.settings.config import load_config
    from tui.settings.keyrings import check_keyring_backend
    from tui.settings.secrets import SERVICE, get_token

    status = check_keyring_backend()
    print(f"backend: {status.name} accepted={status.accepted}", flush=True)
    if status.name != "keyring.backends.SecretService.Keyring" or not status.accepted:
        return 3
    server = FakeServer()
    registry._entry_points = fake_entry_points  # type: ignore[assignment]
    account_cmd.client_factory = server.client
    base = ["--config", str(config), "--data-dir", str(data), "account"]
    backend = keyring.get_keyring()
    ok = 0
    started = time.monotonic()
    for i in range(ROUNDS):
        token = f"{100000 + i}:CANARY-real-{uuid.uuid4().hex}"
        key = f"fake:acct{i}"
        sys.stdin = io.StringIO(token + "\n")
        if cli.main([*base, "add", "fake", f"acct{i}", "--token-stdin"]) != 0:
            print(f"round {i}: add failed", flush=True)
            continue
        settings = load_config(config)
        account = settings.account(key)
        got = get_token(account, settings).reveal() if account else None
        direct = backend.get_password(SERVICE, key)
        if got != token or direct != token:
            print(f"round {i}: read back a different value", flush=True)
            continue
        if cli.main([*base, "remove", key]) != 0 or backend.get_password(SERVICE, key) is not None:
            print(f"round {i}: remove failed", flush=True)
            continue
        ok += 1
    elapsed = time.monotonic() - started
    print(f"round trips: {ok}/{ROUNDS} in {elapsed:.2f} s", flush=True)
    return 0 if ok == ROUNDS else 1


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
