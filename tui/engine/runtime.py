"""How the service builds an account's adapter: lazily, so nothing slow precedes the first paint.

An :class:`AccountParts` holds *recipes*, not objects: loading the adapter class (an import),
reading the token (the keyring backend check, a keyring read over D-Bus, or a ``token_command``
subprocess) and making the HTTP client all happen when the service's account task runs, in a
worker thread, after :meth:`tui.engine.service.Service.start` has returned and the UI has
painted. A refused keyring or a missing token then becomes an account status, not a crash.

* :func:`parts_from_config` — the recipes for a configured account (registry, proxy, keyring or
  ``token_command``);
* :meth:`AccountParts.ready` — parts from objects already made (tests, the demo).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.base import AccountSpec, Adapter
from adapters.secret import Secret

if TYPE_CHECKING:
    import httpx

    from tui.settings.schema import AccountConfig, Config


@dataclass(frozen=True, slots=True)
class AccountParts:
    """What the service needs to run one account, as recipes called when the account starts.

    ``load_class`` and ``load_token`` may block (imports, keyring, subprocess): the service
    calls them in a worker thread. ``make_client`` is called on the event loop. A client from
    ``make_client`` is closed by the service when ``owns_client`` is true.
    """

    key: str
    load_class: Callable[[], type[Adapter]]
    make_spec: Callable[[type[Adapter]], AccountSpec]
    load_token: Callable[[], Secret]
    make_client: Callable[[], httpx.AsyncClient]
    proxy: str | None = None
    owns_client: bool = True

    @property
    def messenger(self) -> str:
        """The messenger part of ``<messenger>:<name>``."""
        return self.key.partition(":")[0]

    @property
    def name(self) -> str:
        """The name part of ``<messenger>:<name>``."""
        return self.key.partition(":")[2]

    @classmethod
    def ready(
        cls,
        spec: AccountSpec,
        adapter_class: type[Adapter],
        token: Secret,
        client: httpx.AsyncClient | None = None,
        *,
        proxy: str | None = None,
    ) -> AccountParts:
        """Parts from objects already made. A given ``client`` stays the caller's to close;
        without one, the service makes (and closes) a client for ``proxy``."""

        def make() -> httpx.AsyncClient:
            if client is not None:
                return client
            from adapters.http import make_client

            return make_client(proxy=proxy)

        return cls(
            key=spec.key,
            load_class=lambda: adapter_class,
            make_spec=lambda _cls: spec,
            load_token=lambda: token,
            make_client=make,
            proxy=proxy,
            owns_client=client is None,
        )


def parts_from_config(account: AccountConfig, config: Config) -> AccountParts:
    """The recipes for a configured account: ``registry.load(messenger)``, ``account.spec()``,
    ``get_token`` (keyring, checked on first use, or ``token_command``) and
    ``make_client(proxy=account.proxy)``."""

    def load_class() -> type[Adapter]:
        from adapters import registry

        return registry.load(account.messenger)

    def make_spec(adapter_class: type[Adapter]) -> AccountSpec:
        base = account.base_url or adapter_class.default_base_url.rstrip("/")
        return AccountSpec(
            messenger=account.messenger,
            name=account.name,
            base_url=base,
            channels=account.channels,
            receive=not account.send_only,
        )

    def load_token() -> Secret:
        from tui.settings.secrets import get_token

        return get_token(account, config)

    def make() -> httpx.AsyncClient:
        from adapters.http import make_client

        return make_client(proxy=account.proxy)

    return AccountParts(
        key=account.key,
        load_class=load_class,
        make_spec=make_spec,
        load_token=load_token,
        make_client=make,
        proxy=account.proxy,
    )


def describe_token_error(exc: BaseException) -> str:
    """Words for the user when a token could not be had (never the token, never its output)."""
    from tui.settings import secrets

    if isinstance(exc, secrets.KeyringRefused):
        return f"keyring refused: {exc}"
    if isinstance(exc, secrets.SecretsError):
        return str(exc)
    return f"the token could not be read ({type(exc).__name__})"


def describe_class_error(exc: BaseException) -> str:
    """Words for the user when an adapter cannot be loaded (the reason is a plug-in's)."""
    from adapters.registry import UnknownMessenger

    if isinstance(exc, UnknownMessenger):
        return str(exc)
    return f"the adapter cannot be loaded ({type(exc).__name__})"


__all__ = ["AccountParts", "describe_class_error", "describe_token_error", "parts_from_config"]
