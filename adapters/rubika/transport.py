"""Rubika's HTTP layer: URLs, the envelope, and the mapping to the adapter error family.

Rubika answers HTTP 200 for errors too [CONFLICT on the body, see :func:`wire.envelope`]:

============================  ====================================================
``INVALID_ACCESS``            :class:`AuthFailed` on any call (the token is rejected)
``TOO_REQUESTS``              :class:`RateLimited` (``retry_after`` if one is sent,
                              else the 3 s default with ``known=False``)
``SERVER_ERROR``, HTTP ≥ 500  :class:`Transient` for reads, :class:`Ambiguous` for writes
``INVALID_INPUT``, others     :class:`Rejected` with the server's text
any failure of ``getMe``      :class:`AuthFailed` (CONTRACTS §1), except rate limits and
                              server errors
============================  ====================================================

Transport failures go through :func:`adapters.http.request`; every error is raised outside
the ``except`` block that saw the cause, so no exception chain reaches a URL with the token.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from adapters import http, upload
from adapters.base import Progress
from adapters.errors import AdapterError, Ambiguous, AuthFailed, RateLimited, Rejected, Transient
from adapters.rubika import wire
from adapters.secret import Secret

log = logging.getLogger(__name__)
T = TypeVar("T")


def api_error(failure: wire.ApiFailure, what: str, *, effect: bool, me: bool) -> AdapterError:
    """The adapter error for a Rubika error envelope (see the module's table)."""
    detail = f"{what}: {failure.code}" + (f": {failure.message}" if failure.message else "")
    if failure.code == "INVALID_ACCESS":
        return AuthFailed(f"token rejected ({detail})")
    if failure.code == "TOO_REQUESTS":
        return RateLimited(failure.retry_after) if failure.retry_after else RateLimited()
    if failure.code == "SERVER_ERROR":
        return (Ambiguous if effect else Transient)(detail)
    if me:
        return AuthFailed(f"token rejected ({detail})")
    return Rejected(detail)


def answer(parse: Callable[[dict[str, Any]], T], data: dict[str, Any], what: str) -> T:
    """``parse(data)`` for a read; an answer of the wrong shape is :class:`Transient`."""
    error: AdapterError | None = None
    try:
        return parse(data)
    except wire.WireError as exc:
        error = Transient(f"{what}: unexpected answer ({exc})")
    raise error


class RubikaApi:
    """``POST <base>/v3/<TOKEN>/<method>`` with a JSON body; the token leaves the Secret here."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: Secret) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self._token = token

    def url(self, method: str) -> str:
        """The method's URL (the token is a path segment; a malformed one is never sent)."""
        token = self._token.reveal()
        if not token or any(c in token for c in "/?#") or token != token.strip():
            raise AuthFailed("the token has an invalid format")
        return f"{self.base_url}/v3/{token}/{method}"

    def absolute(self, url: str) -> str:
        """An upload/download URL as given, or resolved against the API's origin if relative."""
        if urllib.parse.urlsplit(url).scheme:
            return url
        return urllib.parse.urljoin(self.base_url, url)

    async def call(
        self, method: str, payload: dict[str, Any], *, effect: bool, me: bool = False
    ) -> dict[str, Any]:
        """Call ``method``; ``data`` of the envelope, or the mapped adapter error."""
        response = await http.request(
            self.client, "POST", self.url(method), json=payload, effect=effect, what=method
        )
        log.debug("rubika %s: HTTP %s", method, response.status_code)
        body = self.body(response, method, effect=effect, me=me)
        error: AdapterError | None = None
        try:
            result = wire.envelope(body)
        except wire.WireError as exc:
            error = (Ambiguous if effect else Transient)(f"{method}: unreadable response ({exc})")
        if error is not None:
            raise error
        if isinstance(result, wire.ApiFailure):
            raise api_error(result, method, effect=effect, me=me)
        return result

    @staticmethod
    def body(response: httpx.Response, what: str, *, effect: bool, me: bool) -> Any:
        """The JSON body; HTTP-level failures (Rubika itself always answers 200) mapped."""
        status = response.status_code
        if status >= 500:
            raise http.server_error(status, effect=effect, what=what)
        if status == 429:
            raise RateLimited()
        if 200 <= status < 300:
            return http.decode_json(response, effect=effect, what=what)
        # A proxy, or a server that one day uses HTTP statuses: an envelope wins if present.
        failure: wire.ApiFailure | None = None
        try:
            parsed = wire.envelope(http.decode_json(response, effect=False, what=what))
            failure = parsed if isinstance(parsed, wire.ApiFailure) else None
        except (AdapterError, wire.WireError):
            failure = None
        if failure is not None:
            raise api_error(failure, what, effect=effect, me=me)
        if status == 401 or (me and 400 <= status < 500):
            raise AuthFailed(f"token rejected ({what}: HTTP {status})")
        raise Rejected(f"{what}: HTTP {status}")

    async def upload(self, url: str, path: Path, size: int, progress: Progress | None) -> str:
        """Step 2 of sending a file: multipart part ``file`` to ``upload_url``; its file_id.

        Nothing anyone can see changes if this fails (an unused upload is dropped), so every
        failure here is :class:`Transient`, never :class:`Ambiguous`.
        """
        body = upload.file_body(path, size, progress=progress)
        error: AdapterError | None = None
        try:
            response = await http.request(
                self.client,
                "POST",
                url,
                content=body.stream,
                headers=body.headers,
                effect=False,
                what="upload",
            )
        except OSError as exc:  # the file could not be read while streaming
            error = Rejected(f"upload: cannot read the file ({exc.strerror or exc})")
        if error is not None:
            raise error
        result: str | wire.ApiFailure | None = None
        try:
            result = wire.upload_file_id(self.body(response, "upload", effect=False, me=False))
        except wire.WireError as exc:
            error = Transient(f"upload: unreadable response ({exc})")
        if error is not None:
            raise error
        if isinstance(result, wire.ApiFailure):
            raise api_error(result, "upload", effect=False, me=False)
        assert result is not None
        return result
