"""In-process runners: every mock on one loopback port, for tests, benches and the demo.

Async code::

    async with MockServer(scenario="demo", seed=1) as mocks:
        url = mocks.base_url("bale")            # http://127.0.0.1:<port>/bale
        token = mocks.tokens["bale"][0]
        mocks.world["bale"].inbound(...)        # or drive it over HTTP via the control API

Synchronous code (or a second event loop, like the TUI's) uses :class:`ThreadedMockServer`,
which runs the same server on its own loop in a daemon thread::

    with ThreadedMockServer() as mocks:
        httpx.get(mocks.base_url("telegram") + f"/bot{token}/getMe")

The world is thread-safe, so either runner's ``world`` can be driven from any thread. Both can
``stop()`` and ``start()`` again on the same port with the same world (a server restart, with
connection refused in between).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from types import TracebackType

from adapters.mock.registry import MountApp
from adapters.mock.scenarios import build_scenario
from adapters.mock.server import MockHTTPServer
from adapters.mock.world import MockWorld


class MockServer:
    """The mock servers of every available messenger, on one port."""

    def __init__(
        self,
        world: MockWorld | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        scenario: str = "empty",
        seed: int = 0,
    ) -> None:
        """``world``: an existing world to serve (``scenario`` is then not applied)."""
        if world is None:
            world = MockWorld(seed)
            self.tokens = build_scenario(world, scenario, seed)
        else:
            self.tokens = {m: list(world[m].bots) for m in world}
        self.world = world
        self.host = host
        self.app = MountApp(world)
        self._http = MockHTTPServer(self.app, host, port)
        self.running = False

    @property
    def port(self) -> int:
        """The port listened on (known after the first start)."""
        return self._http.port

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def messengers(self) -> list[str]:
        """The messengers served, in ``payam mock serve`` order."""
        return list(self.app.apps)

    def base_url(self, messenger: str) -> str:
        """Where ``messenger``'s API lives: the adapter's ``base_url``."""
        if messenger not in self.app.apps:
            raise KeyError(f"no mock for {messenger!r}; serving {self.messengers}")
        return f"{self.url}/{messenger}"

    async def start(self) -> None:
        """Listen (again, on the same port after a stop)."""
        if not self.running:
            await self._http.start()
            self.running = True

    async def stop(self) -> None:
        """Close the port and every open connection; the world is kept."""
        if self.running:
            await self._http.stop()
            self.running = False

    async def __aenter__(self) -> MockServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


class ThreadedMockServer:
    """A :class:`MockServer` on its own event loop in a daemon thread (for synchronous code)."""

    def __init__(
        self,
        world: MockWorld | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        scenario: str = "empty",
        seed: int = 0,
    ) -> None:
        self.server = MockServer(world, host=host, port=port, scenario=scenario, seed=seed)
        self.world = self.server.world
        self.tokens = self.server.tokens
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://HOST:PORT``."""
        return self.server.url

    @property
    def port(self) -> int:
        """The port listened on (known after the first start)."""
        return self.server.port

    def base_url(self, messenger: str) -> str:
        """Where ``messenger``'s API lives: the adapter's ``base_url``."""
        return self.server.base_url(messenger)

    def _run(self, ready: concurrent.futures.Future[None]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        ready.set_result(None)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def start(self) -> None:
        """Start the thread (first call) and the server; returns once it listens."""
        if self._thread is None:
            ready: concurrent.futures.Future[None] = concurrent.futures.Future()
            self._thread = threading.Thread(
                target=self._run, args=(ready,), name="payam-mock", daemon=True
            )
            self._thread.start()
            ready.result(timeout=10)
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(timeout=10)

    def stop(self) -> None:
        """Stop serving (the thread stays for a later :meth:`start`)."""
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(timeout=10)

    def close(self) -> None:
        """Stop serving and end the thread."""
        if self._loop is None or self._thread is None:
            return
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> ThreadedMockServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
