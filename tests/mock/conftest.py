"""Fixtures for the mock-server tests: a served world on a real loopback socket, and a client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.mock import MockServer
from tests.mock.util import Mock


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    """Every available mock on 127.0.0.1, an empty world."""
    async with MockServer(seed=7) as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """A raw httpx client (no proxies from the environment)."""
    async with httpx.AsyncClient(timeout=20.0, trust_env=False) as http:
        yield http


@pytest.fixture
def mock(server: MockServer, client: httpx.AsyncClient) -> Mock:
    """Helpers bound to the served world and the client."""
    return Mock(server, client)
