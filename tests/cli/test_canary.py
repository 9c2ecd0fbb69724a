"""A canary token through every headless command: never in output, logs, config or store."""

from __future__ import annotations

import base64
import urllib.parse
from pathlib import Path

from tests.cli.conftest import CANARY_SECRET, Payam
from tests.cli.mockkit import MockKit


def forms(secret: str) -> list[bytes]:
    """The ways a secret can show up: raw, URL-encoded, base64 (three alignments)."""
    raw = secret.encode()
    out = {raw, urllib.parse.quote(secret, safe="").encode()}
    for shift in range(3):  # the secret at each alignment inside a longer base64 stream
        whole = 3 * ((len(raw) - shift) // 3)
        out.add(base64.b64encode(raw[shift : shift + whole]))
    return sorted(out)


def test_the_canary_token_never_leaks(
    kit: MockKit, payam: Payam, shop: str, tmp_path: Path
) -> None:
    chat, _ = kit.inbound("bale", shop, "salam", sender="Sara")
    tail = payam.tail("--json")
    tail.line()
    kit.inbound("bale", shop, "second", sender="Sara")
    tail.line()
    tailed = tail.stop()
    results = [
        payam("send", "bale:shop", chat, "reply"),
        payam("send", "bale:shop", "Sara", "-", stdin="from stdin"),
        payam("search", "salam"),
        payam("search", "--json", "reply"),
        payam("export", "--format", "jsonl", "--out", str(tmp_path / "e.jsonl")),
        payam("export", "--format", "txt"),
        payam("backup", str(tmp_path / "b.db")),
        payam("account", "list"),
        payam("doctor"),
    ]
    assert all(r.rc == 0 for r in results[:-2]), [r.err for r in results]
    # A failing path too: the server rejects the token, and errors are printed.
    kit.control("bale", "faults", {"seed": 3, "rate": 1.0, "kinds": ["500"]})
    failing = payam("send", "bale:shop", chat, "during an outage")
    kit.control("bale", "faults", method="DELETE")

    texts = [tailed.out, tailed.err, *payam.outputs, failing.out, failing.err]
    assert (payam.data / "payam.log").exists()
    files = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and "secrets" not in p.parts  # the token file the user keeps
    ]
    assert any(p.name == "payam.db" for p in files) and any(p.name == "b.db" for p in files)
    haystacks = [t.encode() for t in texts] + [p.read_bytes() for p in files]
    # The sweep can see a token: the file the token command reads does hold it.
    assert CANARY_SECRET.encode() in (tmp_path / "secrets" / "bale-shop.token").read_bytes()
    for form in forms(CANARY_SECRET):
        assert not any(form in h for h in haystacks), form
