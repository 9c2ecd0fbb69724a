"""Which messengers have a mock, and the root app that mounts them all on one port.

Each messenger's mock lives in a module (``adapters/<name>/mock.py``) exposing ``MOCK``, a
:class:`MockMessenger`: the world's :class:`~adapters.mock.world.MessengerSpec`, a factory for the
messenger's ASGI app over a :class:`~adapters.mock.world.MessengerWorld`, and optionally the
messenger's part of the ``demo`` scenario. Modules that do not exist yet are skipped, so
Rubika and Eitaa appear as soon as their ``mock.py`` lands; a plug-in adds itself with
:func:`register`.

The root app serves ``/<messenger>/__mock__/…`` with the shared control API and
``/<messenger>/…`` with the messenger's app (``root_path`` = ``/<messenger>``), so each API sits
under its real path: ``/bale/bot<TOKEN>/getMe``, ``/rubika/v3/<TOKEN>/getMe``.
"""

from __future__ import annotations

import importlib
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.mock.asgi import json_reply, send_reply
from adapters.mock.world import MessengerSpec, MessengerWorld, MockWorld

log = logging.getLogger("payam.mock")

DemoBuilder = Callable[[MessengerWorld, random.Random], None]


@dataclass(frozen=True)
class MockMessenger:
    """Everything the mock server needs to know about one messenger."""

    spec: MessengerSpec
    create_app: Callable[[MessengerWorld], ASGIApp]
    demo: DemoBuilder | None = None  # fills the world for ``--scenario demo``

    @property
    def name(self) -> str:
        """The messenger's name (its mount prefix)."""
        return self.spec.name


MOCK_MODULES: dict[str, str] = {
    "telegram": "adapters.telegram.mock",
    "bale": "adapters.bale.mock",
    "splus": "adapters.splus.mock",
    "rubika": "adapters.rubika.mock",
    "eitaa": "adapters.eitaa.mock",
}
"""messenger -> module with a ``MOCK`` attribute; in the order ``mock serve`` prints them."""


def register(messenger: str, module: str) -> None:
    """Add (or replace) the module that holds ``messenger``'s ``MOCK``."""
    MOCK_MODULES[messenger] = module


def load_mocks(names: Iterable[str] | None = None) -> dict[str, MockMessenger]:
    """The available mocks, in :data:`MOCK_MODULES` order.

    With ``names`` every one named must load (``KeyError``/``ImportError`` otherwise); without,
    a module that does not exist yet is skipped quietly and one that fails to import is logged
    and skipped, so one broken mock never takes the others down.
    """
    wanted = list(names) if names is not None else None
    out: dict[str, MockMessenger] = {}
    for name, path in MOCK_MODULES.items():
        if wanted is not None and name not in wanted:
            continue
        try:
            module = importlib.import_module(path)
            mock = module.MOCK
        except ModuleNotFoundError as exc:
            if wanted is not None or exc.name != path:
                raise
            continue
        except Exception:
            if wanted is not None:
                raise
            log.warning("mock for %s failed to load; skipped", name, exc_info=True)
            continue
        if not isinstance(mock, MockMessenger) or mock.name != name:
            raise TypeError(f"{path}.MOCK must be a MockMessenger named {name!r}")
        out[name] = mock
    if wanted is not None:
        missing = set(wanted) - set(out)
        if missing:
            raise KeyError(f"no mock registered for {sorted(missing)}")
    return out


class MountApp:
    """The root ASGI app: ``/<messenger>/__mock__`` → control API, ``/<messenger>`` → its API."""

    def __init__(self, world: MockWorld) -> None:
        from adapters.mock.control import create_control_app

        self.world = world
        mocks = load_mocks(list(world.messengers))
        self.apps: dict[str, ASGIApp] = {}
        self.controls: dict[str, ASGIApp] = {}
        for name, mock in mocks.items():
            self.apps[name] = mock.create_app(world[name])
            self.controls[name] = create_control_app(world[name])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # no lifespan or websocket support is needed
        path: str = scope["path"]
        name, _, rest = path.lstrip("/").partition("/")
        app = self.apps.get(name)
        if app is None:
            listing = {"messengers": sorted(self.apps), "paths": [f"/{n}" for n in self.apps]}
            status = 200 if path in ("", "/") else 404
            await send_reply(send, json_reply(listing, status, ascii_only=False))
            return
        mount = f"/{name}"
        if rest == "__mock__" or rest.startswith("__mock__/"):
            app, mount = self.controls[name], f"/{name}/__mock__"
        child = dict(scope)
        child["root_path"] = scope.get("root_path", "") + mount
        await app(child, receive, send)
