"""The Telegram-style Bot API mock (Telegram, Bale, Soroush Plus), parametrised by a profile.

Routes, below the messenger's mount point (``/telegram``, ``/bale``, ``/splus``):

* ``GET|POST /bot<TOKEN>/<method>``: parameters from the query string, a form, JSON (on GET
  too: balethon sends GET with a JSON body) or multipart, chunked or not; method names are
  matched case-insensitively where the profile says so.
* ``GET|HEAD /file/bot<TOKEN>/<file_path or file_id>``: the file's bytes (balethon downloads by
  file_id without calling getFile).

Answers use Telegram's envelope, ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code",
"description", "parameters"?: {"retry_after"}}`` with the HTTP status equal to ``error_code``.
Every request runs through :func:`adapters.mock.pipeline.serve_call` (log, faults). What differs
per messenger is a :class:`~adapters.botapi.mock_profile.BotApiProfile`; see
``adapters/{telegram,bale,splus}/mock.py``.
"""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

from adapters.botapi.mock_ctx import Ctx
from adapters.botapi.mock_methods import Method, method_table
from adapters.botapi.mock_profile import ApiError, BotApiProfile
from adapters.botapi.mock_render import Renderer, update_key
from adapters.mock.asgi import Reply, json_reply, route_path, send_reply
from adapters.mock.ids import TelegramIds
from adapters.mock.model import MockBot, MockChat
from adapters.mock.params import ParamError, Params, read_params
from adapters.mock.pipeline import ApiCall, serve_call
from adapters.mock.registry import DemoBuilder, MockMessenger
from adapters.mock.world import EmitRule, MessengerSpec, MessengerWorld

__all__ = ["ApiError", "BotApiApp", "BotApiProfile", "make_mock"]


def error_reply(code: int, description: str, retry_after: int | None = None) -> Reply:
    """Telegram's ``ok: false`` envelope, HTTP status = ``error_code``."""
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return json_reply(body, code)


class _Errors:
    """Injected faults in Telegram's envelope."""

    def rate_limited(self, retry_after: int) -> Reply:
        return error_reply(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def server_error(self, status: int) -> Reply:
        return error_reply(status, "Internal Server Error")


class BotApiApp:
    """The ASGI app of one Telegram-style messenger over its world."""

    def __init__(self, world: MessengerWorld, profile: BotApiProfile) -> None:
        self.world = world
        self.profile = profile
        self.methods = method_table(profile)
        self._lookup = {self._key(name): m for name, m in self.methods.items()}
        self.errors = _Errors()

    def _key(self, name: str) -> str:
        return name.lower() if self.profile.case_insensitive_methods else name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = route_path(scope)
        if path.startswith("/file/bot"):
            await self._download(scope, receive, send, path.removeprefix("/file/bot"))
        elif path.startswith("/bot"):
            await self._api(scope, receive, send, path.removeprefix("/bot"))
        else:
            await send_reply(send, error_reply(404, "Not Found"))

    def _auth_error(self) -> Reply:
        return error_reply(*self.profile.auth_error)

    async def _api(self, scope: Scope, receive: Receive, send: Send, rest: str) -> None:
        token, _, name = rest.partition("/")
        problem: str | None = None
        try:
            params = await read_params(scope, receive)
        except ParamError as exc:
            params, problem = Params(), str(exc)
        method: Method | None = self._lookup.get(self._key(name)) if "/" not in name else None
        chat_id = params.values.get("chat_id")
        call = ApiCall(
            http_method=scope["method"],
            api_method=method.name if method else name,
            token=token,
            chat_id=self._wire_id(chat_id),
            poll=bool(method and method.poll),
            effect=bool(method and method.effect),
            head=scope["method"] == "HEAD",
        )

        async def handle(fault: str | None) -> Reply:
            bot = self.world.bot(token)
            if bot is None:
                return self._auth_error()
            if problem is not None:
                return error_reply(400, f"Bad Request: {problem}")
            if method is None:
                return error_reply(404, "Not Found")
            ctx = Ctx(
                self.world, self.profile, bot, params, fault, receive, Renderer(self.world, bot)
            )
            try:
                result = await method.fn(ctx)
            except ApiError as exc:
                return error_reply(exc.code, exc.description, exc.retry_after)
            except ParamError as exc:
                return error_reply(400, f"Bad Request: {exc}")
            return json_reply({"ok": True, "result": result})

        await serve_call(self.world, scope, receive, send, call, self.errors, handle)

    def _wire_id(self, value: object) -> int | str | None:
        if isinstance(value, int | str) and not isinstance(value, bool) and str(value):
            return self.world.ids.to_wire(str(value).strip())
        return None

    async def _download(self, scope: Scope, receive: Receive, send: Send, rest: str) -> None:
        token, _, file_ref = rest.partition("/")
        call = ApiCall(scope["method"], "download", token, head=scope["method"] == "HEAD")

        async def handle(fault: str | None) -> Reply:
            if self.world.bot(token) is None:
                return self._auth_error()
            with self.world.lock:
                found = self.world.files.find(file_ref)
            if found is None:
                return error_reply(404, "Not Found")
            return Reply(200, found.data, found.mime)

        await serve_call(self.world, scope, receive, send, call, self.errors, handle)


def emit_rule(profile: BotApiProfile) -> EmitRule:
    """Which world events become updates: the profile's update kinds, the bot's allowed_updates;
    a deletion never does (Telegram-style APIs send no update for it)."""

    def emits(bot: MockBot, event: str, chat: MockChat) -> bool:
        key = update_key(event, chat)
        if key is None or key not in profile.update_kinds:
            return False
        return not bot.allowed_updates or key in bot.allowed_updates

    return emits


def make_mock(profile: BotApiProfile, demo: DemoBuilder | None = None) -> MockMessenger:
    """The :class:`MockMessenger` a messenger module exposes as ``MOCK``."""
    spec = MessengerSpec(
        name=profile.messenger,
        rate_limits=profile.rate_limits,
        ids=TelegramIds,
        emits=emit_rule(profile),
        options={"profile": profile},
    )

    def create_app(world: MessengerWorld) -> BotApiApp:
        """The messenger's app over ``world``."""
        return BotApiApp(world, profile)

    return MockMessenger(spec=spec, create_app=create_app, demo=demo)
