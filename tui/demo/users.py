"""The simulated users: people who keep writing while the demo runs.

Every few seconds (seeded, randomised) one of the demo's people writes into one of the chats
they are in — through the mock's **control API over HTTP**, exactly as a developer would with
``curl``; the message then reaches Payam the real way (the bot's update queue, the account's
sync loop, the store, a notice to the UI). Sometimes they reply to the latest message, edit
their last message (every receiving messenger tells bots about edits) or delete it (only where
the messenger tells bots: Rubika). And they answer the user: each chat is watched (``GET
chats/<id>``) for the account's new messages — sent from the demo's composer, or delivered from
the outbox — and someone there answers ("ممنون!") a moment later, as a reply to it.

Eitaa is send-only (no one can write to an Eitaa bot), so nobody is simulated there. Everything
runs in one daemon thread with its own HTTP client; :meth:`SimulatedUsers.stop` ends it
promptly. ``payam demo --quiet`` simply does not create them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from tui.demo.model import DemoChat, DemoWorld

log = logging.getLogger("payam.demo")

ActionKind = Literal["new", "reply", "edit", "delete", "answer"]
EDIT_SUFFIXES = (" 🙂", "!", " (ببخشید، اصلاح شد)", " — edited", "؟")
WATCH_EVERY_S = 1.0
WEIGHTS = {"private": 1.0, "group": 1.6}


@dataclass(frozen=True, slots=True)
class Action:
    """One thing a simulated user did (``message_id``: the wire id the mock answered)."""

    kind: ActionKind
    chat: str  # DemoChat.key
    message_id: str
    text: str
    sender: str


class ControlClient:
    """The mock control API (CONTRACTS §2) over HTTP, for the few calls the users need."""

    def __init__(self, mounts: Mapping[str, str], timeout_s: float = 10.0) -> None:
        self.mounts = dict(mounts)
        self.http = httpx.Client(timeout=timeout_s, trust_env=False)

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()

    def _call(self, messenger: str, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(f"{self.mounts[messenger]}/__mock__/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def inbound(
        self, chat: DemoChat, token: str, who: dict[str, Any], text: str, reply_to: str | None
    ) -> str:
        """A user's message into ``chat``; the new message's wire id."""
        body: dict[str, Any] = {
            "token": token,
            "chat": {"id": chat.wire_id, "type": chat.kind},
            "from": who,
            "text": text,
        }
        if reply_to is not None:
            body["reply_to"] = reply_to
        return str(self._call(chat.messenger, "inbound", body)["message_id"])

    def edit(self, chat: DemoChat, token: str, message_id: str, text: str) -> None:
        """The user edits their message."""
        body = {"token": token, "chat_id": chat.wire_id, "message_id": message_id, "text": text}
        self._call(chat.messenger, "edit", body)

    def delete(self, chat: DemoChat, token: str, message_id: str) -> None:
        """The user deletes their message."""
        body = {"token": token, "chat_id": chat.wire_id, "message_id": message_id}
        self._call(chat.messenger, "delete", body)

    def messages(self, chat: DemoChat, token: str) -> list[dict[str, Any]]:
        """What the bot's side of ``chat`` holds at the mock (oldest first)."""
        url = f"{self.mounts[chat.messenger]}/__mock__/chats/{chat.wire_id}"
        response = self.http.get(url, params={"token": token})
        response.raise_for_status()
        found: list[dict[str, Any]] = response.json()["messages"]
        return found


class SimulatedUsers:
    """The demo's people, writing in a background thread (see the module docs)."""

    def __init__(
        self,
        demo: DemoWorld,
        mounts: Mapping[str, str],
        *,
        seed: int | None = None,
        interval_s: tuple[float, float] = (3.0, 8.0),
        first_after_s: float = 2.0,
        answer_after_s: tuple[float, float] = (1.5, 4.0),
    ) -> None:
        self.demo = demo
        self.control = ControlClient(mounts)
        self.rng = random.Random(f"demo-users:{demo.seed if seed is None else seed}")
        self.interval_s = interval_s
        self.first_after_s = first_after_s
        self.answer_after_s = answer_after_s
        self.chats = [c for c in demo.chats.values() if c.receives and c.people]
        self.actions: list[Action] = []
        self.errors = 0
        self._mine: dict[str, list[Action]] = {}
        self._seen_own: dict[str, set[str]] = {}
        self._due: list[tuple[float, Action, DemoChat, str]] = []  # answers waiting their time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Remember the account's messages so far, then start writing in the background."""
        if self._thread is not None:
            return
        self.look_for_own(answer=False)
        self._thread = threading.Thread(target=self._run, name="payam-demo-users", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop writing (returns once the thread has ended) and close the HTTP client."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self.control.close()

    @property
    def running(self) -> bool:
        """True while the background thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        next_step = time.monotonic() + self.first_after_s
        next_watch = time.monotonic() + WATCH_EVERY_S
        while not self._stop.is_set():
            now = time.monotonic()
            try:
                if now >= next_watch:
                    self.look_for_own()
                    next_watch = now + WATCH_EVERY_S
                self._answer_due(now)
                if now >= next_step:
                    self.step()
                    next_step = now + self.rng.uniform(*self.interval_s)
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                self.errors += 1
                log.warning("simulated user: %s", type(exc).__name__)
            wake = min([next_step, next_watch, *(d[0] for d in self._due)])
            self._stop.wait(max(0.01, wake - time.monotonic()))

    # --- unprompted messages -------------------------------------------------------------

    def _token(self, chat: DemoChat) -> str:
        return self.demo.accounts[chat.account].token

    def _record(self, action: Action) -> Action:
        with self._lock:
            self.actions.append(action)
        if action.kind in ("new", "reply", "answer"):
            self._mine.setdefault(action.chat, []).append(action)
        log.info("simulated %s in %s: %s", action.kind, action.chat, action.message_id)
        return action

    def step(self, chat_key: str | None = None, kind: ActionKind | None = None) -> Action:
        """One unprompted action now, in ``chat_key`` (default: a chat picked at random);
        ``kind`` forces what it is (``new``, ``reply``, ``edit``, ``delete``), else the dice
        decide. Editing or deleting needs a message this simulator sent in that chat."""
        if chat_key is not None:
            chat = self.demo.chats[chat_key]
        else:
            weights = [WEIGHTS.get(c.kind, 1.0) for c in self.chats]
            chat = self.rng.choices(self.chats, weights)[0]
        token = self._token(chat)
        roll = self.rng.random()
        recent = self._mine.get(chat.key, [])
        if kind is None:
            if recent and chat.edits_emitted and roll < 0.12:
                kind = "edit"
            elif recent and chat.deletes_emitted and roll < 0.18:
                kind = "delete"
            else:
                kind = "reply" if roll < 0.35 else "new"
        if kind in ("edit", "delete"):
            if not recent:
                raise ValueError(f"nothing of the simulated users' to {kind} in {chat.key}")
            last = recent[-1]
            if kind == "edit":
                text = last.text + self.rng.choice(EDIT_SUFFIXES)
                self.control.edit(chat, token, last.message_id, text)
                return self._record(Action("edit", chat.key, last.message_id, text, last.sender))
            recent.pop()
            self.control.delete(chat, token, last.message_id)
            return self._record(Action("delete", chat.key, last.message_id, "", last.sender))
        who = self.rng.choice(chat.people)
        text = self.rng.choice(chat.lines) if chat.lines else "🙂"
        reply_to = None
        if kind == "reply":
            shown = [m for m in self.control.messages(chat, token) if not m["deleted"]]
            reply_to = str(shown[-1]["message_id"]) if shown else None
        message_id = self.control.inbound(chat, token, who, text, reply_to)
        done: ActionKind = "reply" if reply_to is not None else "new"
        return self._record(Action(done, chat.key, message_id, text, who["name"]))

    # --- answering the user ----------------------------------------------------------------

    def look_for_own(self, *, answer: bool = True) -> list[str]:
        """Check every chat for the account's new messages; schedule an answer to the newest
        of each chat (``answer=False``: only remember them). Returns the chats concerned."""
        found: list[str] = []
        for chat in self.chats:
            token = self._token(chat)
            own = [
                str(m["message_id"])
                for m in self.control.messages(chat, token)
                if m["direction"] == "out" and not m["deleted"]
            ]
            seen = self._seen_own.setdefault(chat.key, set())
            new = [m for m in own if m not in seen]
            seen.update(new)
            if new and answer and chat.answers:
                who = self.rng.choice(chat.people)
                text = self.rng.choice(chat.answers)
                due = time.monotonic() + self.rng.uniform(*self.answer_after_s)
                self._due.append(
                    (due, Action("answer", chat.key, "", text, who["name"]), chat, new[-1])
                )
                found.append(chat.key)
        return found

    def _answer_due(self, now: float) -> None:
        ready = [d for d in self._due if d[0] <= now]
        self._due = [d for d in self._due if d[0] > now]
        for _, planned, chat, reply_to in ready:
            who = next((p for p in chat.people if p["name"] == planned.sender), chat.people[0])
            message_id = self.control.inbound(chat, self._token(chat), who, planned.text, reply_to)
            self._record(Action("answer", chat.key, message_id, planned.text, planned.sender))

    def answer_now(self) -> list[Action]:
        """Send every planned answer at once (tests; the thread waits for their time)."""
        before = len(self.actions)
        self._answer_due(float("inf"))
        with self._lock:
            return self.actions[before:]
