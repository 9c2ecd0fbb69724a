"""The control API of CONTRACTS §2, implemented once and mounted under ``/<m>/__mock__/``.

Tests and bot developers use it to play the users' side: create bots, inject a user's message,
edit or delete it, read back what a chat holds, inject faults, read the request log, move the
clock and scale the rate limits. Ids are accepted as JSON strings or integers and answered in
the messenger's wire type. Answers are JSON (readable UTF-8); failures are
``{"error": "<reason>"}`` with a 4xx status. Faults never touch these routes.

Additions beyond the contract (README, "Mock servers for bot developers"): ``inbound`` takes
optional ``entities`` (wire form), ``date`` and ``file`` (``{"name","mime"?,"kind"?,
"content"|"content_b64"}``); ``POST callback`` (a button press); ``POST raw_update`` (an
arbitrary update body, for poison-update tests); ``GET faults``, ``GET clock``, ``GET limits``;
``DELETE requests`` clears the log.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from adapters.mock.asgi import dumps
from adapters.mock.faults import FaultPlan
from adapters.mock.model import MockBot, MockChat, MockMessage, StoredFile
from adapters.mock.world import MessengerWorld, MockError

Endpoint = Callable[[Request], Awaitable[Response]]


def _json(obj: Any, status: int = 200) -> Response:
    return Response(dumps(obj, ascii_only=False), status, media_type="application/json")


def _guard(fn: Endpoint) -> Endpoint:
    """Turn :class:`MockError` and bad input into ``{"error": …}`` answers."""

    async def run(request: Request) -> Response:
        try:
            return await fn(request)
        except MockError as exc:
            return _json({"error": exc.message}, exc.status)
        except (KeyError, TypeError, ValueError) as exc:
            what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            return _json({"error": what or "bad request"}, 400)

    return run


def _username_for(name: str) -> str:
    """A Latin username for a bot created without one ("Shop Bot" → "shop_bot")."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "mock"
    return base if base.endswith("bot") else f"{base}_bot"


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise MockError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise MockError(400, "the body must be a JSON object")
    return body


class ControlAPI:
    """The endpoints over one messenger world."""

    def __init__(self, world: MessengerWorld) -> None:
        self.world = world
        self.wire = world.ids.to_wire

    # --- rendering -----------------------------------------------------------------------------

    def chat_json(self, chat: MockChat) -> dict[str, Any]:
        """A chat with wire-typed ids."""
        out: dict[str, Any] = {"id": self.wire(chat.id), "type": chat.type}
        for key in ("title", "username", "description"):
            if getattr(chat, key):
                out[key] = getattr(chat, key)
        if chat.user_id is not None:
            out["user_id"] = self.wire(chat.user_id)
        out["member_count"] = chat.member_count
        return out

    def file_json(self, f: StoredFile) -> dict[str, Any]:
        """A stored file's description."""
        return {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_path": f.file_path,
            "name": f.name,
            "mime": f.mime,
            "size": f.size,
            "kind": f.kind,
        }

    def message_json(self, m: MockMessage) -> dict[str, Any]:
        """A message as ``GET chats/<id>`` lists it."""
        sender = self.world.users.get(m.sender_id) if m.sender_id else None
        out: dict[str, Any] = {
            "message_id": self.wire(m.message_id),
            "from": None
            if sender is None
            else {"id": self.wire(sender.id), "name": sender.name, "username": sender.username},
            "text": m.text,
            "date": int(m.date),
            "direction": m.direction,
            "edited": m.edit_date is not None,
            "deleted": m.deleted,
        }
        if m.file is not None:
            out["file"] = self.file_json(m.file) | {"sent_as": m.media_kind}
        if m.entities:
            out["entities"] = m.entities
        if m.reply_to is not None:
            out["reply_to"] = self.wire(m.reply_to)
        if m.forward:
            out["forward"] = m.forward
        if m.scheduled_at is not None:
            out["scheduled_at"] = int(m.scheduled_at)
        if m.extra:
            out["extra"] = m.extra
        return out

    def bot_json(self, bot: MockBot) -> dict[str, Any]:
        """A bot as ``GET bots`` lists it."""
        chats = [self.world.chats[c] for c in bot.dialogs if c in self.world.chats]
        return {
            "token": bot.token,
            "bot_id": self.wire(bot.bot_id),
            "name": bot.name,
            "username": bot.username,
            "chats": [self.chat_json(c) for c in chats],
        }

    def _chat(self, ref: Any) -> MockChat:
        chat = self.world.resolve_chat(self.world.ids.normalize(ref))
        if chat is None:
            raise MockError(404, "no such chat")
        return chat

    # --- endpoints -----------------------------------------------------------------------------

    async def bots(self, request: Request) -> Response:
        """``POST bots`` creates one; ``GET bots`` lists them."""
        if request.method == "GET":
            with self.world.lock:
                listing = [self.bot_json(b) for b in self.world.bots.values()]
            return _json({"bots": listing})
        body = await _body(request)
        name = str(body["name"])
        channels = body.get("channels") or []
        if isinstance(channels, str | dict):
            channels = [channels]
        if not isinstance(channels, list):
            raise MockError(400, "channels must be a list of usernames or objects")
        bot = self.world.add_bot(
            name,
            str(body.get("username") or _username_for(name)),
            token=str(body["token"]) if body.get("token") else None,
            channels=channels,
        )
        return _json({"token": bot.token, "bot_id": self.wire(bot.bot_id)})

    async def inbound(self, request: Request) -> Response:
        """A user's message to the bot."""
        body = await _body(request)
        if not self.world.spec.receives:
            raise MockError(400, f"{self.world.name} bots cannot receive messages")
        bot = self.world.require_bot(body.get("token"))
        sender = body.get("from")
        if not isinstance(sender, dict):
            raise MockError(400, "from must be an object with a name")
        chat = body.get("chat")
        if chat is not None and not isinstance(chat, dict):
            raise MockError(400, "chat must be an object")
        reply_to = body.get("reply_to")
        file = self._file(body["file"]) if body.get("file") else None
        message = self.world.inbound(
            bot,
            sender=sender,
            chat=chat,
            text=str(body.get("text") or ""),
            reply_to=None if reply_to is None else self.world.ids.normalize(reply_to),
            entities=body.get("entities"),
            file=file,
            media_kind=file.kind if file else None,
            date=body.get("date"),
        )
        return _json(
            {"chat_id": self.wire(message.chat_id), "message_id": self.wire(message.message_id)}
        )

    def _file(self, spec: Any) -> StoredFile:
        if not isinstance(spec, dict):
            raise MockError(400, "file must be an object")
        if "content_b64" in spec:
            try:
                data = base64.b64decode(str(spec["content_b64"]), validate=True)
            except (binascii.Error, ValueError):
                raise MockError(400, "file.content_b64 is not base64") from None
        else:
            data = str(spec.get("content", "")).encode("utf-8")
        kind = str(spec.get("kind") or "document")
        with self.world.lock:
            return self.world.files.add(
                data, name=str(spec.get("name") or ""), mime=spec.get("mime"), kind=kind
            )

    async def edit(self, request: Request) -> Response:
        """A user edits their message; answers whether an update was queued."""
        body = await _body(request)
        bot = self.world.require_bot(body.get("token"))
        chat = self._chat(body["chat_id"])
        mid = self.world.ids.normalize(body["message_id"])
        with self.world.lock:
            before = bot.queue.last_seq
            self.world.user_edit(bot, chat.id, mid, str(body["text"]))
            emitted = bot.queue.last_seq != before
        return _json({"emitted": emitted})

    async def delete(self, request: Request) -> Response:
        """A user deletes their message; answers whether an update was queued."""
        body = await _body(request)
        bot = self.world.require_bot(body.get("token"))
        chat = self._chat(body["chat_id"])
        mid = self.world.ids.normalize(body["message_id"])
        with self.world.lock:
            before = bot.queue.last_seq
            self.world.user_delete(bot, chat.id, mid)
            emitted = bot.queue.last_seq != before
        return _json({"emitted": emitted})

    async def callback(self, request: Request) -> Response:
        """A user presses an inline button under one of the bot's messages."""
        body = await _body(request)
        bot = self.world.require_bot(body.get("token"))
        chat = self._chat(body["chat_id"])
        mid = self.world.ids.normalize(body["message_id"])
        cbid = self.world.callback(bot, chat.id, mid, body["from"], str(body.get("data") or ""))
        return _json({"callback_query_id": cbid})

    async def raw_update(self, request: Request) -> Response:
        """Queue an arbitrary update body (poison-update tests)."""
        body = await _body(request)
        bot = self.world.require_bot(body.get("token"))
        update = body.get("update")
        if not isinstance(update, dict):
            raise MockError(400, "update must be an object")
        record = bot.queue.push("raw", data={"update": update})
        return _json({"update_id": record.seq})

    async def chat(self, request: Request) -> Response:
        """What the bot's side of a chat holds; posts whose ``scheduled_at`` the mock clock has
        not reached yet (Eitaa) are listed under ``scheduled`` instead of ``messages``."""
        bot = self.world.require_bot(request.query_params.get("token"))
        chat = self._chat(request.path_params["chat_id"])
        now = self.world.clock.now()
        with self.world.lock:
            dialog = bot.dialogs.get(chat.id)
            messages: list[dict[str, Any]] = []
            scheduled: list[dict[str, Any]] = []
            for m in dialog.messages.values() if dialog else ():
                waiting = m.scheduled_at is not None and m.scheduled_at > now
                (scheduled if waiting else messages).append(self.message_json(m))
            out = {"chat": self.chat_json(chat), "messages": messages}
            if scheduled:
                out["scheduled"] = scheduled
            return _json(out)

    async def faults(self, request: Request) -> Response:
        """Install (POST), remove (DELETE) or show (GET) the fault plan."""
        if request.method == "DELETE":
            self.world.set_faults(None)
            return _json({})
        if request.method == "GET":
            plan = self.world.faults
            return _json({"faults": plan.describe() if plan else None})
        body = await _body(request)
        plan = FaultPlan(
            seed=int(body.get("seed", 0)),
            rate=float(body["rate"]),
            kinds=body["kinds"],
            hang_s=float(body.get("hang_s", 30.0)),
        )
        self.world.set_faults(plan)
        return _json({})

    async def requests(self, request: Request) -> Response:
        """The request log, optionally of one token; DELETE clears it."""
        if request.method == "DELETE":
            self.world.log.clear()
            return _json({})
        token = request.query_params.get("token")
        entries = [e.to_json() for e in self.world.log.entries(token)]
        return _json({"requests": entries})

    async def clock(self, request: Request) -> Response:
        """Show or advance the mock clock."""
        if request.method == "POST":
            body = await _body(request)
            self.world.clock.advance(float(body.get("advance_s", 0)))
        return _json({"now": self.world.clock.now()})

    async def limits(self, request: Request) -> Response:
        """Show or scale the rate table."""
        if request.method == "POST":
            body = await _body(request)
            self.world.set_rate_scale(float(body["scale"]))
        lim = self.world.spec.rate_limits.scaled(self.world.rate_scale)
        return _json(
            {
                "scale": self.world.rate_scale,
                "private_per_s": lim.private_per_s,
                "group_per_s": lim.group_per_s,
                "overall_per_s": lim.overall_per_s,
                "burst": lim.burst,
            }
        )


def create_control_app(world: MessengerWorld) -> Router:
    """The control API for ``world`` (mount it at ``/<messenger>/__mock__``)."""
    api = ControlAPI(world)
    routes = [
        Route("/bots", _guard(api.bots), methods=["GET", "POST"]),
        Route("/inbound", _guard(api.inbound), methods=["POST"]),
        Route("/edit", _guard(api.edit), methods=["POST"]),
        Route("/delete", _guard(api.delete), methods=["POST"]),
        Route("/callback", _guard(api.callback), methods=["POST"]),
        Route("/raw_update", _guard(api.raw_update), methods=["POST"]),
        Route("/chats/{chat_id}", _guard(api.chat), methods=["GET"]),
        Route("/faults", _guard(api.faults), methods=["GET", "POST", "DELETE"]),
        Route("/requests", _guard(api.requests), methods=["GET", "DELETE"]),
        Route("/clock", _guard(api.clock), methods=["GET", "POST"]),
        Route("/limits", _guard(api.limits), methods=["GET", "POST"]),
    ]
    return Router(routes)
