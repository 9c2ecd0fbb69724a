"""The seeded demo world: all five messengers, a dozen chats, one of them 20,000 messages long.

:func:`build_world` starts from the mock servers' ``demo`` scenario
(:func:`adapters.mock.scenarios.build_scenario`, which each messenger's mock fills) and adds the
demo's chats from :mod:`tui.demo.chats_shop`, :mod:`tui.demo.chats_social` and
:mod:`tui.demo.history`. The same seed gives the same world: the same tokens, ids, people and
texts, at the same distances from "now" (only the absolute dates follow the mock clock).
"""

from __future__ import annotations

import random
from typing import Any

from adapters.mock import MockClock, MockWorld, build_scenario
from tui.demo import DEFAULT_SEED, chats_shop, chats_social, history
from tui.demo.model import ACCOUNT_NAMES, Builder, DemoAccount, DemoWorld, OwnMessage

CHANNELS: dict[str, tuple[str, ...]] = {"bale": ("golsorkh_news",), "eitaa": ("mahalle_news",)}
SEND_ONLY = frozenset({"eitaa"})


def build_world(
    seed: int = DEFAULT_SEED,
    *,
    clock: MockClock | None = None,
    history_size: int = history.SIZE,
) -> DemoWorld:
    """The demo world for ``seed`` (``history_size``: messages in the long group)."""
    world = MockWorld(seed, clock=clock)
    missing = [m for m in ACCOUNT_NAMES if m not in world]
    if missing:
        raise RuntimeError(f"the demo needs every messenger's mock; missing: {missing}")
    tokens = build_scenario(world, "demo", seed)
    demo = DemoWorld(seed, world)
    for messenger, name in ACCOUNT_NAMES.items():
        account = DemoAccount(
            messenger,
            name,
            tokens[messenger][0],
            channels=CHANNELS.get(messenger, ()),
            send_only=messenger in SEND_ONLY,
        )
        demo.accounts[account.key] = account

    def builder(messenger: str) -> Builder:
        return Builder(demo, messenger, random.Random(f"demo-world:{seed}:{messenger}"))

    chats_shop.build(builder("bale"))
    chats_social.build_rubika(builder("rubika"))
    chats_social.build_eitaa(builder("eitaa"))
    chats_social.build_splus(builder("splus"))
    telegram = builder("telegram")
    chats_social.build_telegram(telegram)
    demo.histories.append(history.build(telegram, size=history_size))
    _mirror_bot_messages(demo)
    return demo


def _mirror_bot_messages(demo: DemoWorld) -> None:
    """The scenario's own messages (the bot's replies, the channel posts) as delivered outbox
    rows, so the store shows what the servers hold. Posts still scheduled are left out: the
    server keeps them until their time."""
    have = {(o.chat, o.server_id) for o in demo.own}
    extra: list[OwnMessage] = []
    for chat in demo.chats.values():
        mw = demo.world[chat.messenger]
        bot = mw.bot(demo.accounts[chat.account].token)
        dialog = bot.dialogs.get(chat.chat_id) if bot is not None else None
        now = mw.clock.now()
        for m in dialog.messages.values() if dialog is not None else ():
            server_id = str(mw.ids.to_wire(m.message_id))
            if m.direction != "out" or (chat.key, server_id) in have:
                continue
            if m.scheduled_at is not None and m.scheduled_at > now:
                continue
            file = (m.file.name, m.file.data, m.media_kind or m.file.kind) if m.file else None
            reply = str(mw.ids.to_wire(m.reply_to)) if m.reply_to is not None else None
            extra.append(
                OwnMessage(chat.key, m.text, m.date, server_id=server_id, reply_to=reply, file=file)
            )
    demo.own.extend(extra)


def describe(demo: DemoWorld) -> list[tuple[Any, ...]]:
    """What the world holds, without absolute times (and without Rubika's message ids, which
    are time-based like the real ones): for comparing two builds of a seed."""
    now = demo.world.clock.now()
    out: list[tuple[Any, ...]] = [("account", a.key, a.token) for a in demo.accounts.values()]
    position: dict[tuple[str, str], int] = {}
    for chat in demo.chats.values():
        out.append(("chat", chat.key, chat.wire_id, chat.kind, chat.title, chat.unread))
        mw = demo.world[chat.messenger]
        bot = mw.bot(demo.accounts[chat.account].token)
        dialog = bot.dialogs.get(chat.chat_id) if bot is not None else None
        held = dialog.messages if dialog is not None else {}
        order = list(held)
        for i, m in enumerate(held.values()):
            position[(chat.key, str(mw.ids.to_wire(m.message_id)))] = i
            sender = mw.users[m.sender_id].name if m.sender_id in mw.users else None
            age = round((now - m.date) / 60)
            reply = order.index(m.reply_to) if m.reply_to in held else None
            out.append(("msg", chat.key, i, sender, m.text, age, m.deleted, reply))
    out.extend(
        ("own", o.chat, o.text, o.state, position.get((o.chat, o.server_id or "")))
        for o in demo.own
    )
    for h in demo.histories:
        for event in h.events[:: max(1, len(h.events) // 500)]:
            msg = getattr(event, "message", None)
            if msg is not None:
                sender = msg.sender.name if msg.sender else None
                out.append(("history", h.chat, msg.id, sender, msg.text, msg.reply_to))
    return out
