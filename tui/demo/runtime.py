"""``start_demo()``: everything ``payam demo`` runs on, set up and torn down in one place.

::

    with start_demo(port=8700, quiet=False) as demo:
        print(demo.banner(), file=sys.stderr)     # control-API URL, accounts, tokens, a curl
        app = PayamApp(...demo.service...)         # the app starts and stops demo.service
        app.run()

What it sets up, in order (and undoes in reverse at exit, even after an error):

1. a temporary directory (``payam-demo-*`` under the system temp dir) for the config, the data
   dir (store, locks, log) and downloads — removed at exit;
2. the in-memory keyring (:func:`tui.settings.keyrings.use_memory_keyring`), installed before
   anything could ask ``keyring`` for its backend, so the user's keyring is never loaded;
   emptied at exit;
3. the seeded world (:func:`tui.demo.world.build_world`) served by a
   :class:`~adapters.mock.ThreadedMockServer` on 127.0.0.1 (``port``: fixed, so a developer can
   drive the control API while the demo runs; default: any free port);
4. ``config.toml`` with the five accounts pointing at the mocks, and their tokens stored in the
   memory keyring through :func:`tui.settings.secrets.store_token` (the real path);
5. the store, seeded (:func:`tui.demo.seed.seed_store`);
6. a :class:`~tui.engine.service.Service` built by ``Service.from_config`` — **not started**:
   the app starts it on its own event loop, and stops it;
7. the simulated users (:class:`tui.demo.users.SimulatedUsers`), unless ``quiet``.

Nothing of the user's is read or written: no platformdirs location is resolved, the config and
data dir are the temporary ones, and the keyring is the memory one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import tempfile
import time
from collections.abc import Coroutine, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import tomlkit

from adapters import registry
from adapters.mock import MockClock, ThreadedMockServer
from adapters.secret import Secret
from tui.demo import DEFAULT_SEED
from tui.demo.history import SIZE
from tui.demo.model import DemoWorld
from tui.demo.seed import SeedReport, api_root, seed_store
from tui.demo.users import SimulatedUsers
from tui.demo.world import build_world
from tui.engine.service import Service
from tui.engine.store import Store
from tui.settings.config import load_config
from tui.settings.keyrings import MemoryKeyring, use_memory_keyring
from tui.settings.paths import Paths, make_private_dir
from tui.settings.schema import Config
from tui.settings.secrets import store_token

T = TypeVar("T")
HOST = "127.0.0.1"


class DemoError(Exception):
    """The demo could not start (one line for the user)."""


@dataclass
class Demo:
    """A running demo: its paths, config, mocks, keyring, service and users."""

    root: Path
    paths: Paths
    config: Config
    world: DemoWorld
    mocks: ThreadedMockServer
    keyring: MemoryKeyring
    service: Service
    users: SimulatedUsers | None
    seeded: SeedReport
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: every mock, and its control API under
        ``/<messenger>/__mock__/``."""
        return self.mocks.url

    def mount(self, messenger: str) -> str:
        """Where ``messenger``'s mock is served (its control API is ``<mount>/__mock__``)."""
        return self.mocks.base_url(messenger)

    def tokens(self) -> dict[str, str]:
        """``<messenger>:<name>`` → the mock bot token of each demo account."""
        return {key: a.token for key, a in self.world.accounts.items()}

    def banner(self) -> str:
        """What to print before the UI starts: where the mocks are, tokens, an example."""
        lines = [
            f"Payam demo (seed {self.world.seed}): mock servers on {self.url}",
            f'  control API: {self.url}/<messenger>/__mock__/ (README, "The control API")',
        ]
        for key, account in self.world.accounts.items():
            lines.append(f"  {key:<16} {self.mount(account.messenger):<34} token {account.token}")
        bale = self.world.account_of("bale")
        lines += [
            "  add a message while the demo runs:",
            f"    curl -s {self.mount('bale')}/__mock__/inbound "
            "-H 'content-type: application/json' \\",
            f'      -d \'{{"token":"{bale.token}","from":{{"name":"Sara","username":"sara_k"}},'
            '"text":"سلام از curl 👋"}\'',
            "  simulated users: "
            + (
                "off (--quiet)"
                if self.users is None
                else "writing every few seconds (payam demo --quiet turns them off)"
            ),
            f"  temporary files: {self.root} (removed at exit); tokens: in-memory keyring",
        ]
        return "\n".join(lines)


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion from synchronous code, even when called inside a running
    event loop (then on a worker thread with its own loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="payam-demo") as pool:
        return pool.submit(asyncio.run, coro).result()


def write_config(paths: Paths, demo: DemoWorld, mounts: dict[str, str], downloads: Path) -> Config:
    """The demo's ``config.toml``: the five accounts against the mocks; no tokens in it."""
    accounts = []
    for account in demo.accounts.values():
        adapter_class = registry.load(account.messenger)
        entry: dict[str, Any] = {
            "messenger": account.messenger,
            "name": account.name,
            "base_url": api_root(mounts[account.messenger], adapter_class),
        }
        if account.channels:
            entry["channels"] = list(account.channels)
        if account.send_only:
            entry["send_only"] = True
        accounts.append(entry)
    document = tomlkit.document()
    document.add(tomlkit.comment("Payam demo: temporary, removed when the demo ends."))
    document["downloads_dir"] = str(downloads)
    document["accounts"] = accounts
    make_private_dir(paths.config_file.parent)
    paths.config_file.write_text(tomlkit.dumps(document), encoding="utf-8")
    return load_config(paths.config_file)


@contextmanager
def start_demo(
    *,
    port: int | None = None,
    quiet: bool = False,
    seed: int = DEFAULT_SEED,
    history_size: int = SIZE,
    users_interval_s: tuple[float, float] = (3.0, 8.0),
    temp_parent: Path | None = None,
    clock: MockClock | None = None,
) -> Iterator[Demo]:
    """Set the demo up (see the module docs); undo it all when the block ends. ``clock``: the
    mock servers' clock (``make screenshots`` starts it at a fixed time)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with ExitStack() as stack:
        root = Path(tempfile.mkdtemp(prefix="payam-demo-", dir=temp_parent))
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        memory = use_memory_keyring()
        stack.callback(memory.store.clear)
        world = build_world(seed, history_size=history_size, clock=clock)
        timings["world"] = time.perf_counter() - t0
        mocks = ThreadedMockServer(world.world, host=HOST, port=port or 0)
        try:
            mocks.start()
        except OSError as exc:
            mocks.close()
            raise DemoError(f"cannot listen on {HOST}:{port or 0}: {exc.strerror or exc}") from None
        stack.callback(mocks.close)
        mounts = {m: mocks.base_url(m) for m in mocks.server.messengers}
        paths = Paths(config_file=root / "config" / "config.toml", data_dir=root / "data")
        paths.ensure_data_dir()
        config = write_config(paths, world, mounts, root / "downloads")
        for key, account in world.accounts.items():
            store_token(key, Secret(account.token))
        t1 = time.perf_counter()
        store = Store(paths.db_file)
        try:
            seeded = run_coroutine(seed_store(store, world, mounts, root / "sent"))
        finally:
            store.close()
        timings["seed"] = time.perf_counter() - t1
        service = Service.from_config(paths, config)
        users: SimulatedUsers | None = None
        if not quiet:
            users = SimulatedUsers(world, mounts, interval_s=users_interval_s)
            stack.callback(users.stop)
            users.start()
        timings["total"] = time.perf_counter() - t0
        yield Demo(root, paths, config, world, mocks, memory, service, users, seeded, timings)
