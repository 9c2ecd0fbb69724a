"""Request parameters the way bot APIs take them: query, form, JSON (also on GET), multipart.

Real clients use every encoding (messenger-apis.md §1, §2.1, §6.1): Telegram libraries send form
or JSON, balethon sends GET requests *with a JSON body*, Eitaa clients put everything in the query
string, uploads come as multipart. The body (chunked or with a Content-Length; the server
de-chunks) is merged over the query string. In form and multipart bodies nested objects arrive
as JSON strings; :meth:`Params.json` decodes either form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Receive, Scope

BodyKind = Literal["none", "form", "json", "multipart", "other"]
MAX_BODY = 64 * 1024 * 1024


class ParamError(ValueError):
    """A parameter is missing, malformed, or the body cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart body."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Params:
    """Every parameter of one request, and how the body was encoded."""

    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)
    body_kind: BodyKind = "none"

    def has(self, name: str) -> bool:
        """Was ``name`` given (as a value or a file)?"""
        return name in self.values or name in self.files

    def text(self, name: str) -> str | None:
        """A parameter as a string (numbers and booleans converted), or None."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise ParamError(f"{name} must be a string")

    def integer(self, name: str) -> int | None:
        """A parameter as an int, or None; :class:`ParamError` if it is not one."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise ParamError(f"{name} must be an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise ParamError(f"{name} must be an integer")

    def number(self, name: str) -> float | None:
        """A parameter as a float, or None; :class:`ParamError` if it is not one."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise ParamError(f"{name} must be a number")

    def flag(self, name: str) -> bool:
        """A boolean parameter ("true", "1", "on" and JSON true count as true)."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "on", "yes")
        return bool(value)

    def json(self, name: str) -> Any:
        """A nested object or array: as sent in a JSON body, or decoded from a JSON string."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ParamError(f"{name} must be JSON") from None
        return value

    def chat_ref(self, name: str = "chat_id") -> str | None:
        """A chat id or ``@username`` as the internal string."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | str | float):
            raise ParamError(f"{name} must be an integer or a string")
        if isinstance(value, float):
            if not value.is_integer():
                raise ParamError(f"{name} must be an integer or a string")
            value = int(value)
        return str(value).strip()


def _content_type(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return str(value.decode("latin-1").split(";", 1)[0].strip().lower())
    return ""


async def read_params(scope: Scope, receive: Receive, *, max_body: int = MAX_BODY) -> Params:
    """Parse the query string and the body. Raises :class:`ParamError` on a malformed body."""
    params = Params()
    query = scope.get("query_string", b"").decode("latin-1")
    params.values.update(parse_qsl(query, keep_blank_values=True))
    ctype = _content_type(scope)
    request = Request(scope, receive)
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            form = await request.form(max_part_size=max_body)
        except Exception as exc:  # starlette raises several parser exceptions
            raise ParamError(f"cannot parse the form body: {exc}") from None
        params.body_kind = "multipart" if ctype == "multipart/form-data" else "form"
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                params.files[key] = Upload(
                    value.filename or key, value.content_type or "application/octet-stream", data
                )
            else:
                params.values[key] = value
        await form.close()
        return params
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_body:
            raise ParamError("request body too large")
    stripped = body.strip()
    if not stripped:
        return params
    if ctype.endswith("json") or stripped[:1] == b"{":  # balethon: GET with a JSON body
        try:
            decoded = json.loads(body)
        except ValueError:
            raise ParamError("the JSON body cannot be parsed") from None
        if not isinstance(decoded, dict):
            raise ParamError("the JSON body must be an object")
        params.values.update(decoded)
        params.body_kind = "json"
        return params
    params.body_kind = "other"
    return params
