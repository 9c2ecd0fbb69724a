"""The Eitaa (Eitaayar) mock (reference: messenger-apis.md §6, §8 "Eitaa mock").

Route, below the mount point ``/eitaa``: ``GET|POST /api/<TOKEN>/<method>``, the method name
matched **case-insensitively** (``GETME``, ``getme``, ``sendmessage``, ``SENDFILE`` are all seen
in clients), parameters from the query string, a form, a JSON body or multipart (all four are
used by some client; the query is merged under the body). Methods and parameter spellings:
:mod:`adapters.eitaa.mock_methods`.

Envelope: ``{"ok": true, "result": …}`` / ``{"ok": false, "error_code": N, "description": …}``
with the **HTTP status equal to** ``error_code`` [decision: no source shows Eitaayar's HTTP
statuses; this is Telegram's convention, which the envelope copies. The Eitaa adapter reads the
body's code first and the status only as a fallback, and eitaayarbot, eitaapy, eitaasender and
the public scripts all decode the JSON body without raising on the status, so each of them sees
the same error either way]. An unknown token is 401 ``Unauthorized`` (pyeitaa has an "auth
error" class); an unknown method 404; a chat that does not exist 400 ``chat not found``; one the
bot is not an admin of 403; a rate-limited send 429 with ``parameters.retry_after``.

Chats are the channels and groups created with the bot (``POST /eitaa/__mock__/bots`` with
``"channels": ["mychannel", {"username", "title", "id"?, "type"?}]``). Eitaayar is send-only:
the control API's ``inbound`` answers 400 and no update is ever queued.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send

from adapters.eitaa.mock_demo import demo_eitaa
from adapters.eitaa.mock_methods import METHODS, Ctx, EitaaError
from adapters.mock.asgi import Reply, json_reply, route_path, send_reply
from adapters.mock.ids import EitaaIds
from adapters.mock.model import MockBot, MockChat
from adapters.mock.params import ParamError, Params, read_params
from adapters.mock.pipeline import ApiCall, serve_call
from adapters.mock.registry import MockMessenger
from adapters.mock.world import MessengerSpec, MessengerWorld
from adapters.ratelimit import EITAA


def error_reply(code: int, description: str, retry_after: int | None = None) -> Reply:
    """``ok: false`` with the HTTP status equal to ``error_code``."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return json_reply(body, code, ascii_only=False)


class _Errors:
    """Injected faults in Eitaayar's envelope."""

    def rate_limited(self, retry_after: int) -> Reply:
        return error_reply(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def server_error(self, status: int) -> Reply:
        return error_reply(status, "Internal Server Error")


class EitaaApp:
    """The ASGI app of the Eitaa mock over its world."""

    def __init__(self, world: MessengerWorld) -> None:
        self.world = world
        self.errors = _Errors()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = route_path(scope)
        if not path.startswith("/api/"):
            await send_reply(send, error_reply(404, "Not Found"))
            return
        token, _, name = path.removeprefix("/api/").partition("/")
        problem: str | None = None
        try:
            params = await read_params(scope, receive)
        except ParamError as exc:
            params, problem = Params(), str(exc)
        method = METHODS.get(name.lower())
        call = ApiCall(
            http_method=scope["method"],
            api_method=method.name if method else name,
            token=token,
            chat_id=self._wire_id(params.values.get("chat_id")),
            effect=bool(method and method.effect),
            head=scope["method"] == "HEAD",
        )

        async def handle(fault: str | None) -> Reply:
            bot = self.world.bot(token)
            if bot is None:
                return error_reply(401, "Unauthorized")
            if method is None:
                return error_reply(404, "Not Found")
            if problem is not None:
                return error_reply(400, f"Bad Request: {problem}")
            try:
                result = await method.fn(Ctx(self.world, bot, params))
            except EitaaError as exc:
                return error_reply(exc.code, exc.description, exc.retry_after)
            except ParamError as exc:
                return error_reply(400, f"Bad Request: {exc}")
            return json_reply({"ok": True, "result": result}, ascii_only=False)

        await serve_call(self.world, scope, receive, send, call, self.errors, handle)

    def _wire_id(self, value: object) -> int | str | None:
        if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
            return self.world.ids.to_wire(str(value).strip().lstrip("@"))
        return None


def emits(bot: MockBot, event: str, chat: MockChat) -> bool:
    """Eitaayar delivers nothing to a bot."""
    return False


SPEC = MessengerSpec(name="eitaa", rate_limits=EITAA, ids=EitaaIds, receives=False, emits=emits)

MOCK = MockMessenger(spec=SPEC, create_app=EitaaApp, demo=demo_eitaa)
