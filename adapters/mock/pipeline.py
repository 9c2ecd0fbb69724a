"""One bot-API request through the mock: log it, draw a fault, run the handler, answer.

Every messenger app calls :func:`serve_call` for each request to its API routes (uploads and
downloads included; never for ``__mock__``), giving its own :class:`WireErrors` so injected
errors have that messenger's envelope. Fault semantics (CONTRACTS §2):

========== =====================================================================================
429        the messenger's rate-limit error (``retry_after`` 1–3 s where it has one); not run
500, 502   that status (502 an HTML page, as a proxy sends); not run
reset      the connection is reset (TCP RST), no response; not run
hang       no response for ``hang_s``, then the connection is closed; not run
truncate   run; a 200 whose body is the first half of the real answer
replay     run with ``fault="replay"`` (getUpdates adds already-confirmed updates)
ambiguous  (``ambiguous_send``) run; then the connection is closed with no response
========== =====================================================================================
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from starlette.types import Receive, Scope, Send

from adapters.mock.asgi import Reply, abort_connection, proxy_502, send_reply, wait_disconnect
from adapters.mock.faults import LoggedRequest
from adapters.mock.world import MessengerWorld

log = logging.getLogger("payam.mock")

Handler = Callable[[str | None], Awaitable[Reply]]
"""Runs the request; gets the fault that lets it run ("truncate", "replay", …) or None."""


class WireErrors(Protocol):
    """A messenger's own error answers for injected faults."""

    def rate_limited(self, retry_after: int) -> Reply:
        """The messenger's 429 (Rubika: ``TOO_REQUESTS`` with no hint, HTTP 200)."""

    def server_error(self, status: int) -> Reply:
        """An internal error with that status (Rubika: ``SERVER_ERROR``)."""


@dataclass
class ApiCall:
    """What the app knows about a request before running it."""

    http_method: str
    api_method: str
    token: str | None
    chat_id: int | str | None = None
    poll: bool = False  # a getUpdates: "replay" applies
    effect: bool = False  # changes state on the server: "ambiguous_send" applies
    head: bool = False  # answer without a body


async def serve_call(
    world: MessengerWorld,
    scope: Scope,
    receive: Receive,
    send: Send,
    call: ApiCall,
    errors: WireErrors,
    handler: Handler,
) -> None:
    """Log, maybe inject a fault, run ``handler`` and send its reply."""
    entry = world.log.add(
        LoggedRequest(
            t=world.clock.now(),
            http_method=call.http_method,
            api_method=call.api_method,
            token=call.token,
            chat_id=call.chat_id,
        )
    )
    plan = world.faults
    fault = plan.draw(poll=call.poll, effect=call.effect) if plan is not None else None
    entry.fault = fault
    reply: Reply
    if plan is not None and fault == "429":
        reply = errors.rate_limited(plan.retry_after())
    elif fault == "500":
        reply = errors.server_error(500)
    elif fault == "502":
        reply = proxy_502()
    elif fault == "reset":
        abort_connection(scope, rst=True)
        return
    elif plan is not None and fault == "hang":
        # Ends early if the client gives up, so a hung request never outlives its client.
        await wait_disconnect(receive, plan.hang_s)
        abort_connection(scope, rst=False)
        return
    else:
        try:
            reply = await handler(fault)
        except Exception:
            log.exception("mock %s: %s failed", world.name, call.api_method)
            reply = errors.server_error(500)
        if fault == "ambiguous_send":
            abort_connection(scope, rst=False)
            return
        if fault == "truncate":
            reply = Reply(200, reply.body[: len(reply.body) // 2], reply.content_type)
    entry.status = reply.status
    if fault == "429" or reply.status == 429:
        entry.retry_after = retry_after_hint(reply)
    await send_reply(send, reply, head=call.head)


def retry_after_hint(reply: Reply) -> float | None:
    """The ``parameters.retry_after`` a rate-limit answer carries (None: no hint given)."""
    try:
        body = json.loads(reply.body)
    except ValueError:
        return None
    params = body.get("parameters") if isinstance(body, dict) else None
    value = params.get("retry_after") if isinstance(params, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
