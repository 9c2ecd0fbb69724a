"""The app shell under test: a seeded store, stub adapters, and a ``PayamApp`` over them.

Nothing here touches a network: :class:`StubAdapter` answers ``me()`` (or rejects the token
``"bad"``) and long-polls forever, so an account settles in "polling" deterministically; the
store is seeded with :func:`seed` (chats of all five messengers, Persian, English and mixed, at
fixed times around :data:`NOW`). The Pilot tests that need real traffic use the served mocks
instead (``test_app_live.py``).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx

from adapters.base import AccountSpec, Adapter, Capabilities
from adapters.errors import AuthFailed
from adapters.models import (
    Batch,
    Chat,
    ChatKind,
    ChatRef,
    Identity,
    Message,
    MessageNew,
    Sender,
    Sent,
)
from adapters.secret import Secret
from tui.app import PayamApp
from tui.engine.runtime import AccountParts
from tui.engine.service import Service, ServiceOptions
from tui.engine.store import Store
from tui.engine.testing import FAKE_CAPS
from tui.settings.schema import AccountConfig, Config, NotificationsConfig
from tui.text.termbidi import BidiDecision

NOW = datetime(2025, 6, 21, 12, 0, tzinfo=UTC)
DECISION = BidiDecision("app", "app", "config", "bidi = app (tests)")
BOT_ID = "900"


class FrozenClock:
    """A clock that says :data:`NOW` (or what a test sets)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.value = now

    def now(self) -> datetime:
        """The frozen time."""
        return self.value


class StubAdapter(Adapter):
    """Identifies itself, rejects the token ``"bad"``, and long-polls forever."""

    messenger: ClassVar[str] = "telegram"
    default_base_url: ClassVar[str] = "http://127.0.0.1:9/stub"
    capabilities: ClassVar[Capabilities] = FAKE_CAPS

    async def me(self) -> Identity:
        """The bot, unless the token is ``"bad"``."""
        if self._token.reveal() == "bad":
            raise AuthFailed("Unauthorized")
        return Identity(BOT_ID, "Payam Bot", "payam_bot")

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        """Nothing ever arrives."""
        await asyncio.Event().wait()
        return Batch((), cursor)

    async def send(self, chat_id: str, text: str, **_: Any) -> Sent:
        """Accepted."""
        return Sent(chat_id, "1", NOW)

    async def edit(self, chat_id: str, message_id: str, text: str) -> None:
        """Accepted."""

    async def delete(self, chat_id: str, message_id: str) -> None:
        """Accepted."""

    async def chat_info(self, chat_id: str) -> Chat:
        """A chat named after its id."""
        return Chat(chat_id, "private", f"chat {chat_id}")


def stub_class(messenger: str, **caps: Any) -> type[StubAdapter]:
    """A :class:`StubAdapter` for ``messenger`` with changed capabilities."""
    attrs = {"messenger": messenger, "capabilities": replace(FAKE_CAPS, **caps)}
    return type(f"Stub_{messenger}", (StubAdapter,), attrs)


ACCOUNTS: dict[str, dict[str, Any]] = {
    "telegram:me": {},
    "bale:shop": {},
    "rubika:family": {},
    "eitaa:news": {"receive": False, "edit": False, "delete": False},
    "splus:work": {},
}


def parts(key: str, token: str = "good", **caps: Any) -> AccountParts:  # noqa: S107
    """Service parts for a stub account ``key``."""
    messenger, _, name = key.partition(":")
    cls = stub_class(messenger, **{**ACCOUNTS.get(key, {}), **caps})
    spec = AccountSpec(messenger, name, cls.default_base_url)
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    return AccountParts.ready(spec, cls, Secret(token), client=client)


def _msg(chat: ChatRef, mid: int, when: datetime, text: str, sender: Sender | None) -> MessageNew:
    return MessageNew(chat, Message(str(mid), chat.id, when, sender, text))


def _chat(cid: str, title: str, kind: ChatKind = "private", user: str | None = None) -> ChatRef:
    return ChatRef(cid, kind, title, user)


ME = Sender(BOT_ID, "Payam Bot", "payam_bot")
SARA_EN = Sender("11", "Sara Karimi", "sara_k")
SARA_FA = Sender("21", "سارا کریمی", "sara_fa")
MOM = Sender("31", "مامان", None)
REZA = Sender("51", "Reza رضا", "reza")
ALI = Sender("12", "Ali", "ali")
MARYAM = Sender("22", "Maryam", "maryam")
OLD = Sender("13", "Old friend", "old_friend")


def world() -> dict[str, list[MessageNew]]:
    """Every account's messages, oldest first (dates relative to :data:`NOW`)."""
    ago = NOW.__sub__
    tg_sara = _chat("11", "Sara Karimi", user="sara_k")
    tg_dev = _chat("-100", "Payam dev 🛠", "group")
    tg_old = _chat("13", "Old friend", user="old_friend")
    bale_sara = _chat("21", "سارا کریمی", user="sara_fa")
    bale_maryam = _chat("22", "Maryam")
    family = _chat("g31", "خانواده 👨\u200d👩\u200d👧", "group")
    news = _chat("-200", "اخبار فناوری", "channel", "tech_news")
    work = _chat("51", "Reza رضا", user="reza")
    return {
        "telegram:me": [
            _msg(tg_old, 1, datetime(2024, 12, 31, 20, 0, tzinfo=UTC), "Happy new year!", OLD),
            _msg(tg_dev, 2, ago(timedelta(days=9)), "The RTL layout looks right now", ALI),
            _msg(tg_sara, 3, ago(timedelta(minutes=20)), "Hi! Did the books arrive?", SARA_EN),
            _msg(tg_sara, 4, ago(timedelta(minutes=18)), "Are we still on for tomorrow?", SARA_EN),
        ],
        "bale:shop": [
            _msg(
                bale_maryam,
                1,
                datetime(2025, 3, 20, 9, 0, tzinfo=UTC),
                "قیمت ۱۲۵۰۰ تومان است؟",
                MARYAM,
            ),
            _msg(bale_sara, 2, ago(timedelta(minutes=35)), "سلام!", SARA_FA),
            _msg(bale_sara, 3, ago(timedelta(minutes=32)), "کتاب‌ها رسید", SARA_FA),
            _msg(bale_sara, 4, ago(timedelta(minutes=30)), "سلام! سفارشم کی می‌رسه؟", SARA_FA),
        ],
        "rubika:family": [
            _msg(family, 1, ago(timedelta(hours=1, minutes=55)), "شام ساعت ۸ آماده است", MOM),
        ],
        "eitaa:news": [
            _msg(news, 1, ago(timedelta(days=1)), "نسخهٔ جدید Payam منتشر شد", ME),
        ],
        "splus:work": [
            _msg(work, 1, ago(timedelta(days=3)), "فایل گزارش را فرستادم (report.pdf)", REZA),
        ],
    }


def seed(path: Path, accounts: dict[str, list[MessageNew]] | None = None) -> Path:
    """Create the store at ``path`` with :func:`world` (or ``accounts``); pin the family
    group, mute the work chat; the bot's own id is known, so its posts are outgoing."""
    store = Store(path)
    try:
        for key, events in (world() if accounts is None else accounts).items():
            store.ensure_account(key)
            store.set_identity(key, BOT_ID, "Payam Bot")
            store.apply_batch(key, Batch(tuple(events), str(len(events))), now=NOW)
        if accounts is None:
            store.set_chat_state("rubika:family", "g31", pinned=True)
            store.set_chat_state("splus:work", "51", muted=True)
    finally:
        store.close()
    return path


def config(tmp: Path, **changes: Any) -> Config:
    """A config for the stub accounts (token commands: no keyring is asked)."""
    accounts = tuple(
        AccountConfig(k.partition(":")[0], k.partition(":")[2], token_command="true")
        for k in changes.pop("keys_of", ACCOUNTS)
    )
    base = Config(
        path=tmp / "config.toml",
        accounts=accounts,
        notifications=NotificationsConfig(bell=True),
    )
    return replace(base, **changes)


def make_app(
    tmp: Path,
    *,
    seeded: bool = True,
    accounts: dict[str, AccountParts] | None = None,
    watch_interval_s: float = 3600,
    notifier: Any = None,
    **config_changes: Any,
) -> PayamApp:
    """An app over a seeded store and the five stub accounts (or ``accounts``)."""
    db = tmp / "data" / "payam.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if seeded and not db.exists():
        seed(db)
    running = accounts if accounts is not None else {k: parts(k) for k in ACCOUNTS}
    service = Service(
        db,
        list(running.values()),
        options=ServiceOptions(downloads_dir=tmp / "downloads", watch_interval_s=watch_interval_s),
    )
    cfg = config(tmp, keys_of=list(running), **config_changes)
    return PayamApp(
        service,
        cfg,
        bidi_decision=DECISION,
        clock=FrozenClock(),
        tz=UTC,
        check_keyring=False,
        notifier=notifier,
    )


async def ready(pilot: Any) -> None:
    """Let the service set every account up and the screens settle."""
    app = pilot.app
    await pilot.pause()
    await app.service.wait_ready()
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
