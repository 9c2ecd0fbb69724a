"""The Rubika Bot API v3 mock (reference: messenger-apis.md §5, §8 "Rubika mock").

Routes, below the mount point ``/rubika``:

* ``POST /v3/<TOKEN>/<method>``: a JSON object body (``{}`` or none when there are no
  parameters); a form or a query string is accepted too, and so is GET.
* ``HEAD /v3/<anything>``: 200, no body, with a ``Date`` header from the mock clock (aiorubi's
  time probe, from which it builds its first cursor). No token check.
* ``POST /upload/<ticket>``: step 2 of sending a file, multipart part ``file`` →
  ``{"status": "OK", "data": {"file_id"}}``. ``requestSendFile`` hands out the absolute URL,
  built from the request's ``Host`` header, so it works however the client reached the mock.
* ``GET|HEAD /download/<file_id>/<name>``: the bytes, as the ``download_url`` of ``getFile``
  says; no token (a plain GET, as on the real service).

Answers: ``{"status": "OK", "data": {...}}``; every API error is HTTP 200 with the combined body
``{"status": CODE, "dev_message", "error_code": CODE, "error_message"}`` (aiorubi reads
``status``/``dev_message``, peyk ``error_code``/``error_message``; both only test ``status !=
"OK"``). An unknown token is ``INVALID_ACCESS``; the rate table gives ``TOO_REQUESTS`` with no
``retry_after``. Injected faults (CONTRACTS §2) go through :func:`serve_call` on every route
above: ``429`` is ``TOO_REQUESTS`` with HTTP 200; ``500`` is HTTP 500 with a
``SERVER_ERROR`` body [CONFLICT: the contract says "that status"; aiorubi and the adapter read
both an HTTP ≥ 500 and ``SERVER_ERROR`` as a server error]; ``502`` the proxy's HTML page.

Updates: ``NewMessage``, ``UpdatedMessage``, ``RemovedMessage`` (a user's delete, via the control
API) and ``StartedBot`` (a user's first message to the bot), 24 h retention; cursor semantics in
:mod:`adapters.rubika.mock_methods`. Inline-keypad taps (the control API's ``callback``) are not
delivered: Rubika sends them to a ``ReceiveInlineMessage`` endpoint, which the mock never calls.
"""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

from adapters.mock.asgi import Reply, json_reply, route_path, send_reply
from adapters.mock.ids import RubikaIds
from adapters.mock.model import MockBot, MockChat
from adapters.mock.params import ParamError, Params, read_params
from adapters.mock.pipeline import ApiCall, serve_call
from adapters.mock.registry import MockMessenger
from adapters.mock.world import MessengerSpec, MessengerWorld
from adapters.ratelimit import RUBIKA
from adapters.rubika.mock_demo import demo_rubika
from adapters.rubika.mock_methods import METHODS, Ctx, RubikaError, invalid
from adapters.rubika.mock_render import FILE_KINDS

MAX_UPLOAD = 50 * 1024 * 1024  # unknown for Rubika (§5.5): Telegram's 50 MB
EMITTED = frozenset({"new", "edited", "deleted", "started"})


def ok_reply(data: object) -> Reply:
    """The success envelope (readable UTF-8, as the real service answers)."""
    return json_reply({"status": "OK", "data": data}, ascii_only=False)


def error_reply(code: str, message: str, status: int = 200) -> Reply:
    """The combined error body both client families read; HTTP 200 unless ``status``."""
    body = {"status": code, "dev_message": message, "error_code": code, "error_message": message}
    return json_reply(body, status, ascii_only=False)


class _Errors:
    """Injected faults in Rubika's envelope."""

    def rate_limited(self, retry_after: int) -> Reply:
        return error_reply("TOO_REQUESTS", "too many requests")  # no retry_after on Rubika

    def server_error(self, status: int) -> Reply:
        return error_reply("SERVER_ERROR", "internal server error", status)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def public_base(scope: Scope) -> str:
    """``<scheme>://<Host><mount>``: where the client reached this app."""
    host = _header(scope, b"host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


class RubikaApp:
    """The ASGI app of the Rubika mock over its world."""

    def __init__(self, world: MessengerWorld) -> None:
        self.world = world
        self.errors = _Errors()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = route_path(scope)
        if path == "/v3" or path.startswith("/v3/"):
            if scope["method"] == "HEAD":
                await self._time_probe(scope, receive, send)
            else:
                await self._api(scope, receive, send, path.removeprefix("/v3/"))
        elif path.startswith("/upload/"):
            await self._upload(scope, receive, send, path.removeprefix("/upload/"))
        elif path.startswith("/download/"):
            await self._download(scope, receive, send, path.removeprefix("/download/"))
        else:
            await send_reply(send, Reply(404, b"404 page not found", "text/plain"))

    async def _time_probe(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = ApiCall("HEAD", "HEAD", None, head=True)

        async def handle(fault: str | None) -> Reply:
            return Reply(200, b"", "application/json", (("date", self.world.clock.http_date()),))

        await serve_call(self.world, scope, receive, send, call, self.errors, handle)

    async def _api(self, scope: Scope, receive: Receive, send: Send, rest: str) -> None:
        token, _, name = rest.partition("/")
        problem: str | None = None
        try:
            params = await read_params(scope, receive)
        except ParamError as exc:
            params, problem = Params(), str(exc)
        method = METHODS.get(name)
        chat_id = params.values.get("chat_id", params.values.get("to_chat_id"))
        call = ApiCall(
            http_method=scope["method"],
            api_method=name,
            token=token,
            chat_id=chat_id if isinstance(chat_id, str) and chat_id else None,
            poll=bool(method and method.poll),
            effect=bool(method and method.effect),
        )
        base = public_base(scope)

        async def handle(fault: str | None) -> Reply:
            bot = self.world.bot(token)
            if bot is None:
                return error_reply("INVALID_ACCESS", "invalid access: the token is not valid")
            if problem is not None:
                return error_reply("INVALID_INPUT", problem)
            if method is None:
                return error_reply("INVALID_INPUT", f"method {name!r} not found")
            try:
                data = await method.fn(Ctx(self.world, bot, params, fault, base))
            except RubikaError as exc:
                return error_reply(exc.code, exc.message)
            except ParamError as exc:
                return error_reply("INVALID_INPUT", str(exc))
            return ok_reply(data)

        await serve_call(self.world, scope, receive, send, call, self.errors, handle)

    async def _upload(self, scope: Scope, receive: Receive, send: Send, ticket: str) -> None:
        with self.world.lock:
            tickets = self.world.ext.get("rubika", {}).get("tickets", {})
            info = tickets.get(ticket.strip("/"))
        token = str(info["token"]) if info else None
        problem: str | None = None
        try:
            params = await read_params(scope, receive, max_body=MAX_UPLOAD + 1024 * 1024)
        except ParamError as exc:
            params, problem = Params(), str(exc)
        call = ApiCall(scope["method"], "upload", token, effect=True)

        async def handle(fault: str | None) -> Reply:
            try:
                if info is None or scope["method"] != "POST":
                    raise invalid("the upload URL is not valid")
                if problem is not None:
                    raise invalid(problem)
                upload = params.files.get("file")
                if upload is None:
                    raise invalid("the multipart part 'file' is missing")
                if not upload.data:
                    raise invalid("the file is empty")
                if len(upload.data) > MAX_UPLOAD:
                    raise invalid("the file is too large")
            except RubikaError as exc:
                return error_reply(exc.code, exc.message)
            generic = upload.content_type in ("", "application/octet-stream")
            with self.world.lock:
                stored = self.world.files.add(
                    upload.data,
                    name=upload.filename,
                    mime=None if generic else upload.content_type,
                    kind=FILE_KINDS[str(info["type"])],
                )
            return ok_reply({"file_id": stored.file_id})

        await serve_call(self.world, scope, receive, send, call, self.errors, handle)

    async def _download(self, scope: Scope, receive: Receive, send: Send, rest: str) -> None:
        file_id = rest.partition("/")[0]
        head = scope["method"] == "HEAD"
        call = ApiCall(scope["method"], "download", None, head=head)

        async def handle(fault: str | None) -> Reply:
            with self.world.lock:
                stored = self.world.files.by_id(file_id)
            if stored is None or scope["method"] not in ("GET", "HEAD"):
                return Reply(404, b"404 page not found", "text/plain")
            return Reply(200, stored.data, stored.mime)

        await serve_call(self.world, scope, receive, send, call, self.errors, handle)


def emits(bot: MockBot, event: str, chat: MockChat) -> bool:
    """Rubika delivers new, edited and removed messages and StartedBot; no button taps."""
    return event in EMITTED


SPEC = MessengerSpec(
    name="rubika",
    rate_limits=RUBIKA,
    ids=RubikaIds,
    emits=emits,
    reseed_after_s=None,  # cursors are time-prefixed: there is no counter to reseed
)

MOCK = MockMessenger(spec=SPEC, create_app=RubikaApp, demo=demo_rubika)
