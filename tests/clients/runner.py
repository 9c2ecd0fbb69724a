"""Running the cases: each selected case's bot and chat prepared on the mock, its driver started
in its library's venv; all cases at once, each test waits for its own."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from adapters.mock import ThreadedMockServer
from tests.clients.cases import (
    INBOUND,
    INBOUND_NAME,
    TEXTS,
    UPLOAD,
    UPLOAD_NAME,
    USER_NAME,
    Case,
    b64,
)
from tests.clients.harness import DriverRun, VenvPool, driver_env, run_driver

# A chat that does not exist, in each messenger's id style: sending there must fail.
BAD_CHAT: dict[str, Any] = {
    "telegram": 4242424242,
    "bale": 4242424242,
    "splus": 4242424242,
    "rubika": "b0NoSuchChat00000000000000000000",
    "eitaa": "no_such_channel_4242",
}
WAIT_S = 60.0  # the longest a driver waits for any one event (a hang guard)


@dataclass
class Prepared:
    """A case's bot and chat on the mock, and the driver's config."""

    config: dict[str, Any]
    bot_id: Any
    username: str


@dataclass
class CaseRun:
    """What a case produced: the driver's run, or why it did not run."""

    case: Case
    prepared: Prepared | None = None
    run: DriverRun | None = None
    skip_reason: str | None = None


class Runner:
    """Starts every selected case's driver in parallel; :meth:`result` waits for one."""

    def __init__(
        self, mocks: ThreadedMockServer, pool: VenvPool, workdir: Path, cases: list[Case]
    ) -> None:
        self.mocks = mocks
        self.pool = pool
        self.workdir = workdir
        self.http = httpx.Client(timeout=30.0, trust_env=False)
        self._http_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, len(cases)), thread_name_prefix="client-driver"
        )
        self._futures: dict[str, Future[CaseRun]] = {}
        for case in cases:
            self.pool.get(case.library)
        for case in cases:
            self._futures[case.id] = self._executor.submit(self._run, case)

    def result(self, case: Case) -> CaseRun:
        future = self._futures.get(case.id)
        if future is None:  # not seen at collection (should not happen); run it now
            future = self._futures[case.id] = self._executor.submit(self._run, case)
        return future.result()

    def runs(self) -> list[CaseRun]:
        return [f.result() for f in self._futures.values() if f.done() and not f.exception()]

    def control(self, messenger: str, path: str, body: Any = None) -> Any:
        url = f"{self.mocks.base_url(messenger)}/__mock__/{path}"
        with self._http_lock:
            response = self.http.request("GET" if body is None else "POST", url, json=body)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        return response.json()

    def _prepare(self, case: Case) -> Prepared:
        slug = case.slug
        username = f"payam_{slug}_bot"
        bot_body: dict[str, Any] = {"name": f"Payam {case.id}", "username": username}
        channel = f"payam_{slug}_news"
        if not case.receives:
            bot_body["channels"] = [channel]
        created = self.control(case.messenger, "bots", bot_body)
        token = created["token"]
        user = {"name": USER_NAME, "username": f"sara_{slug}"}
        if case.receives:  # the user writes first: only then may the bot write to them
            started = self.control(
                case.messenger, "inbound", {"token": token, "from": user, "text": TEXTS["start"]}
            )
            chat_id = started["chat_id"]
        else:
            chat_id = channel
        api_base = self.mocks.base_url(case.messenger)
        config = {
            "messenger": case.messenger,
            "api_base": api_base,
            "control": f"{api_base}/__mock__",
            "token": token,
            "chat_id": chat_id,
            "bad_chat_id": BAD_CHAT[case.messenger],
            "user": user,
            "texts": TEXTS,
            "file": {"name": UPLOAD_NAME, "b64": b64(UPLOAD)},
            "inbound_file": {"name": INBOUND_NAME, "content_b64": b64(INBOUND), "kind": "document"},
            "wait_s": WAIT_S,
        }
        return Prepared(config, created["bot_id"], username)

    def _run(self, case: Case) -> CaseRun:
        if case.messenger not in self.mocks.server.messengers:
            return CaseRun(case, skip_reason=f"no {case.messenger} mock on this checkout")
        outcome = CaseRun(case)
        outcome.prepared = self._prepare(case)
        venv = self.pool.get(case.library).result()
        if venv.python is None:
            outcome.skip_reason = venv.skip_reason
            return outcome
        workdir = self.workdir / case.slug
        workdir.mkdir(parents=True, exist_ok=True)
        home = workdir / "home"
        home.mkdir(exist_ok=True)
        outcome.run = run_driver(
            venv, case.library.driver, outcome.prepared.config, workdir, driver_env(home)
        )
        return outcome

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.http.close()
