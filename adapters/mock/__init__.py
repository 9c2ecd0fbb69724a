"""The shared mock engine: world state, control API, faults, scenarios and the HTTP server.

Payam ships faithful mocks of every messenger API (ARCHITECTURE.md "The mock servers",
CONTRACTS.md §2). This package is the messenger-neutral part; each messenger adds a small module
``adapters/<name>/mock.py`` on top of it.

Map of the package
==================

``world``      :class:`MockWorld` (every messenger under one :class:`MockClock`) and
               :class:`MessengerWorld` (one messenger's bots, users, chats, messages, files,
               rate limiter, fault plan and request log). Thread-safe: every mutation takes
               ``world.lock``; long polls are woken from any thread.
``spec``       :class:`MessengerSpec` (what differs per messenger, as data) and ``MockError``.
``model``      the records: ``MockBot``, ``MockUser``, ``MockChat``, ``MockMessage``,
               ``StoredFile``, ``Dialog`` (one bot's side of one chat).
``ids``        :class:`IdScheme` per id style (``TelegramIds``, ``RubikaIds``, ``EitaaIds``) and
               :func:`object_id` (24-hex, time-prefixed cursors).
``updates``    :class:`UpdateQueue`: monotonic update ids, ack, 24 h retention, replay, long-poll
               tickets (a new poll terminates the older one).
``files``      :class:`FileStore`: files by ``file_id`` and by ``file_path``.
``faults``     :class:`FaultPlan` (seeded) and :class:`RequestLog`.
``pipeline``   :func:`serve_call`: log → fault → handler → answer, for every API request.
``params``     query / form / JSON (also on GET) / multipart parameters.
``asgi``       the ``payam.connection`` extension, ``Reply``, JSON helpers.
``control``    the control API (``/<m>/__mock__/…``), written once for every messenger.
``registry``   :class:`MockMessenger`, the messenger → module table, the root :class:`MountApp`.
``server``     :class:`MockHTTPServer`, asyncio + h11, with connection-level fault control.
``runner``     :class:`MockServer` (async context manager) and :class:`ThreadedMockServer`.
``scenarios``  ``empty`` and the seeded ``demo``.

Adding a messenger (Rubika, Eitaa, a plug-in)
=============================================

1. Write ``adapters/<name>/mock.py`` exposing ``MOCK = MockMessenger(spec, create_app, demo)``.
   The registry (:data:`adapters.mock.registry.MOCK_MODULES`) already lists ``rubika`` and
   ``eitaa``; the module is picked up as soon as it exists and is served under ``/<name>``
   with the control API under ``/<name>/__mock__``. A plug-in calls ``registry.register``.

2. ``spec = MessengerSpec(name, rate_limits, ids=..., receives=..., emits=...)``:

   * ``ids``: ``RubikaIds`` mints ``b0…``/``u0…``/``g0…``/``c0…`` string ids (a private chat gets
     its own stable ``b0…`` id per (bot, user), as Rubika updates show), 64-character tokens,
     large numeric-string message ids; ``EitaaIds`` mints ``bot<digits>:<uuid>`` tokens and
     numeric channel ids. ``world.ids.to_wire`` gives the wire type; the control API uses it.
   * ``receives=False`` (Eitaa): ``inbound`` answers 400, nothing is ever queued.
   * ``emits(bot, event, chat) -> bool`` decides which neutral events become updates:
     ``"new"``, ``"edited"``, ``"deleted"`` (Telegram-style: never; Rubika: ``RemovedMessage``),
     ``"callback"``, ``"started"`` (a user's first message opens a private chat; Rubika:
     ``StartedBot``). Rubika emits all but ``callback``.
   * ``options``: free-form data for your app.

3. ``create_app(world) -> ASGI app``. Route below your mount point with
   ``asgi.route_path(scope)``; parse with ``params.read_params`` (Eitaa needs all four
   encodings; method names: compare ``.lower()``); run every API request through
   ``pipeline.serve_call(world, scope, receive, send, ApiCall(...), errors, handler)`` with your
   ``WireErrors`` (Rubika: ``TOO_REQUESTS``/``SERVER_ERROR`` bodies, HTTP 200 — the 502 proxy page
   stays HTML). Faults, the request log and ``ambiguous_send``/``reset``/``hang`` then work
   unchanged. ``Reply`` is a complete answer; ``json_reply`` builds one.

4. Use the world, not your own state, so the control API sees everything:

   * bots: ``world.add_bot``, ``world.bot(token)`` (None → your auth error, e.g. Rubika
     ``INVALID_ACCESS``); chats: ``world.resolve_chat(id_or_username)``, ``world.access(bot,
     chat)`` (``"not_started"`` → the bot cannot start a private chat).
   * messages: ``world.bot_send(bot, chat, text=…, entities=…, reply_to=…, file=…,
     media_kind=…, scheduled_at=…, extra={…})`` for what the bot sends (Eitaa: a future
     ``date`` → ``scheduled_at``; ``title``/``pin``/``viewCountForDelete`` → ``extra``; the
     control API's ``chats`` shows both); ``world.bot_edit`` / ``world.bot_delete``;
     ``world.message(bot, chat_id, message_id)``. Rubika keeps ``metadata`` in ``entities``.
   * rate limits: ``world.rate_check(bot, chat)`` on message-producing requests only (> 0:
     answer your 429 / ``TOO_REQUESTS``).
   * files: ``world.files.add(data, name=…, mime=…, kind=…)``, ``files.by_id``, ``files.find``.
     Rubika's three-step upload: keep tickets in ``world.ext["rubika"]`` (or ``bot.ext``),
     serve ``/upload/<ticket>`` and ``/download/<file_id>`` from your app (both through
     ``serve_call``, so faults hit them), return ``file_id`` from ``files.add``.
   * updates: ``bot.queue`` is an :class:`UpdateQueue` of :class:`UpdateRecord` (``seq``, ``t``,
     ``kind``, snapshots of ``chat`` and ``message``, ``data``). Rubika cursors:
     ``object_id(record.t, record.seq)`` is 24 hex, time-prefixed and increasing; answer
     ``getUpdates(offset_id)`` with ``queue.confirm_where(lambda r: cursor(r) <= offset_id)``
     then ``queue.select(limit, replay=fault == "replay")`` (compare cursors as strings, so
     cursors the server never issued — aiorubi's ``f"{ts:08x}" + "0"*16`` — work), and echo
     ``offset_id`` as ``next_offset_id`` when nothing is new. Rubika has no long poll; for a
     Telegram-like one see ``queue.begin_poll`` / ``wait_for_updates``. ``HEAD /v3/…``: answer
     with ``("date", world.clock.http_date())`` in the reply headers (the server adds a real-time
     ``Date`` only when the app sets none).
   * ``world.ext`` / ``bot.ext``: per-messenger state, keyed by your messenger's name.

5. ``demo(world, rng)``: add your part of the demo scenario (Rubika: a family group; Eitaa: a
   channel with scheduled posts) with ``world.add_bot`` and ``world.inbound`` (``date`` in the
   past); keep it seeded by ``rng``.

6. Tests: over a real socket with :class:`MockServer`; one test per quirk.
"""

from __future__ import annotations

from adapters.mock.clock import MockClock
from adapters.mock.ids import EitaaIds, IdScheme, RubikaIds, TelegramIds, object_id
from adapters.mock.registry import MockMessenger, MountApp, load_mocks, register
from adapters.mock.runner import MockServer, ThreadedMockServer
from adapters.mock.scenarios import SCENARIOS, build_scenario
from adapters.mock.spec import MessengerSpec, MockError
from adapters.mock.world import MessengerWorld, MockWorld

__all__ = [
    "SCENARIOS",
    "EitaaIds",
    "IdScheme",
    "MessengerSpec",
    "MessengerWorld",
    "MockClock",
    "MockError",
    "MockMessenger",
    "MockServer",
    "MockWorld",
    "MountApp",
    "RubikaIds",
    "TelegramIds",
    "ThreadedMockServer",
    "build_scenario",
    "load_mocks",
    "object_id",
    "register",
]
