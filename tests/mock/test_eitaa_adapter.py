"""The real Eitaa adapter against the Eitaa mock over a real socket: identity, posts and files
with every send option, and the error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from adapters import http
from adapters.base import AccountSpec, SendOptions
from adapters.eitaa.adapter import EitaaAdapter
from adapters.errors import AuthFailed, Forbidden, Rejected
from adapters.mock import MockServer
from adapters.secret import Secret
from tests.mock.util import Mock

E = "eitaa"


@pytest.fixture
async def adapter_client() -> AsyncIterator[httpx.AsyncClient]:
    async with http.make_client() as client:
        yield client


def eitaa(server: MockServer, client: httpx.AsyncClient, token: str) -> EitaaAdapter:
    spec = AccountSpec(E, "news", server.base_url(E), channels=("mychannel",))
    return EitaaAdapter(spec, Secret(token), client)


async def test_identity_and_posts_with_options(
    mock: Mock, server: MockServer, adapter_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    token = await mock.bot(E, "خبرگزاری محله", channels=["mychannel"])
    adapter = eitaa(server, adapter_client, token)
    me = await adapter.me()
    assert me.name == "خبرگزاری محله" and me.id.isdigit()

    plain = await adapter.send("@mychannel", "سلام به همه 👋")
    options = SendOptions(title="اطلاعیه", pin=True, delete_after_views=100, silent=True)
    pinned = await adapter.send(
        "mychannel", "اطلاعیه مهم", reply_to=plain.message_id, options=options
    )
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    later = await adapter.send("mychannel", "فردا", options=SendOptions(schedule_at=when))
    assert later.scheduled and later.date == when
    path = tmp_path / "برنامه.gif"
    path.write_bytes(b"GIF89a" + bytes(5_000))
    gif = await adapter.send_file(
        "mychannel", path, caption="برنامه هفته", options=SendOptions(pin=True, silent=True)
    )

    chat = await mock.chat(E, token, "mychannel")
    posted = {str(m["message_id"]): m for m in chat["messages"]}
    assert posted[plain.message_id]["text"] == "سلام به همه 👋"
    assert "extra" not in posted[plain.message_id]
    first = posted[pinned.message_id]
    assert first["reply_to"] == int(plain.message_id)
    assert first["extra"] == {
        "title": "اطلاعیه",
        "pin": True,
        "disable_notification": True,
        "viewCountForDelete": 100,
    }
    media = posted[gif.message_id]
    assert media["text"] == "برنامه هفته" and media["file"]["sent_as"] == "animation"
    assert media["file"]["size"] == path.stat().st_size
    assert media["extra"] == {"pin": True, "disable_notification": True}
    (waiting,) = chat["scheduled"]
    assert str(waiting["message_id"]) == later.message_id
    assert waiting["scheduled_at"] == int(when.timestamp())


async def test_errors_map_to_the_adapter_family(
    mock: Mock, server: MockServer, adapter_client: httpx.AsyncClient
) -> None:
    token = await mock.bot(E, channels=["mychannel"])
    await mock.bot(E, "Other", channels=["theirs"])
    adapter = eitaa(server, adapter_client, token)
    with pytest.raises(Rejected):
        await adapter.send("nowhere", "x")
    with pytest.raises(Forbidden) as forbidden:
        await adapter.send("theirs", "x")
    assert forbidden.value.chat_id == "theirs"
    with pytest.raises(AuthFailed):
        await eitaa(server, adapter_client, "bot9:00000000-0000-0000-0000-000000000000").me()
    with pytest.raises(AuthFailed):
        await eitaa(server, adapter_client, "bot9:00000000-0000-0000-0000-000000000000").send(
            "mychannel", "x"
        )
