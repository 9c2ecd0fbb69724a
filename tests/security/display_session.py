"""One end-to-end run of the hostile corpus through every sink of the real ``payam`` (S1).

:func:`run_session` plays both sides:

* **The strangers**, through the served mocks' control API (:class:`~adapters.mock.
  ThreadedMockServer` on loopback): for each payload of
  :func:`~tests.security.display_corpus.corpus`, a group chat whose title carries it, and one
  message whose sender name and body carry it; a *corpus* group with every payload once more as
  a body from a sender whose name carries it, the :data:`~tests.security.display_corpus.SPLIT`
  payloads as consecutive messages, attachments whose file names carry some, and bots whose own
  names carry some. Two accounts get the same world: ``telegram:a`` and ``bale:b``.
* **The user**: ``payam tail --account telegram:a`` in a pseudo-terminal and ``payam tail
  --json --account bale:b`` through a pipe (they fetch and store everything), then the real
  TUI (``python -m tui``) in a pseudo-terminal (``TERM=xterm-256color``, 120×40), driven with
  keys through the inbox (every page), live messages arriving (the bell and the notification
  command template), the corpus chat (every page, and saving a file: a toast quoting its name),
  search (a hostile paste into the query, then every page of hits), the accounts screen and the
  command palette; then ``payam search`` (text and JSON) and ``payam export`` (txt and JSONL).

Everything captured comes back in a :class:`Session`: the TUI's raw byte stream and its screens
phase by phase, the tails' bytes, the commands' outputs, the notification commands' argv, the
log file. The tests judge it (``test_display_pty.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import MockKit, wait_sync
from tests.security.display_corpus import SPLIT, Payload, canary, corpus, tagged
from tests.security.ptyharness import PtyProcess

REPO: Final = Path(__file__).resolve().parents[2]
SIZE: Final = (120, 40)
ACCOUNTS: Final = (("telegram", "a"), ("bale", "b"))
CORPUS_INDEX: Final = 9000  # the corpus group's own title canary
SPLIT_BASE: Final = 400  # canaries of the split halves: SPLIT_BASE + 2k and + 2k + 1
LIVE_BASE: Final = 600  # canaries of the messages that arrive while the TUI runs
FILE_IDS: Final = (
    "c0-1b-esc",
    "c1-9b",
    "c1-9d",
    "csi-2J",
    "osc0-bel",
    "osc0-st",
    "osc2-unterminated",
    "osc8-st",
    "osc52-write-bel",
    "osc52-read-st",
    "c1-osc0-c1-st",
    "paste-end",
    "bidi-rlo",
    "rlo-filename",
)
LIVE_IDS: Final = (
    "osc0-bel",
    "osc2-st",
    "osc52-write-bel",
    "osc8-st",
    "c1-osc0-c1-st",
    "csi-2J",
    "csi-6n-dsr",
    "paste-end",
    "bidi-rlo",
    "c0-1b-esc",
)
BOT_NAMES: Final = {
    "telegram": tagged("x", 1, "\x1b]0;bot-title\x07 Shop \u202eevil"),
    "bale": tagged("x", 2, "\x9d2;bot-c1\x9c Bot \x1b[6n"),
}
#: The word every corpus-group body carries, per account (the TUI's search looks for it).
CORPUS_WORD: Final = {"telegram": "corpusa", "bale": "corpusb"}
PASTE: Final = "\x1b]0;pasted-title\x07pasted\x9b2J\u202e\x1b]52;c;cm0K\x07"


@dataclass
class Session:
    """What one run captured (see the module docs)."""

    root: Path
    payloads: tuple[Payload, ...]
    tui: bytes = b""
    screens: dict[str, list[str]] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    tail_text: bytes = b""
    tail_text_titles: list[str] = field(default_factory=list)
    tail_json: bytes = b""
    commands: dict[str, bytes] = field(default_factory=dict)
    notified: list[list[str]] = field(default_factory=list)
    log: bytes = b""
    timings: dict[str, float] = field(default_factory=dict)
    t0: float = field(default_factory=time.perf_counter)
    """When the session started (``timings`` are seconds since then)."""
    sent: dict[str, str] = field(default_factory=dict)
    """canary → what was sent in its field from the canary on (the shown text from the canary
    on must be ``display_safe`` of it)."""

    def seen(self, phase: str) -> set[str]:
        """Every canary shown on some screen of ``phase``."""
        found: set[str] = set()
        for screen in self.screens.get(phase, []):
            found |= canaries_in(screen)
        return found


def canaries_in(text: str) -> set[str]:
    """The canaries (``Q<field><4 digits>Z``) that appear in ``text``."""
    out: set[str] = set()
    start = text.find("Q")
    while start >= 0:
        word = text[start : start + 7]
        if len(word) == 7 and word[1].isalpha() and word[2:6].isdigit() and word[6] == "Z":
            out.add(word)
        start = text.find("Q", start + 1)
    return out


# --- the strangers --------------------------------------------------------------------------------


def build_world(kit: MockKit, messenger: str, token: str, sent: dict[str, str]) -> int:
    """Send the whole corpus to ``token``'s bot (see the module docs); how many messages."""
    payloads = corpus()
    word = CORPUS_WORD[messenger]
    count = 0

    def send(text: str, who: str, username: str, chat: dict[str, Any], **extra: Any) -> None:
        nonlocal count
        kit.inbound(messenger, token, text, sender=who, username=username, chat=chat, **extra)
        count += 1

    for i, payload in enumerate(payloads):
        title, name = tagged("t", i, payload.raw), tagged("n", i, payload.raw)
        body = f"hostile {tagged('b', i, payload.raw)}"
        sent[canary("t", i)], sent[canary("n", i)] = title, name
        sent[canary("b", i)] = tagged("b", i, payload.raw)
        send(body, name, f"u{i:04d}x", {"type": "group", "title": title})
    group = {"type": "group", "title": tagged("t", CORPUS_INDEX, "\x1b]0;corpus-title\x07")}
    sent[canary("t", CORPUS_INDEX)] = group["title"]
    for i, payload in enumerate(payloads):
        send(
            f"{word} {tagged('b', i, payload.raw)}",
            tagged("n", i, payload.raw),
            f"u{i:04d}x",
            group,
        )
    for k, (_, first, second) in enumerate(SPLIT):
        a, b = SPLIT_BASE + 2 * k, SPLIT_BASE + 2 * k + 1
        sent[canary("b", a)] = tagged("b", a, first)
        sent[canary("b", b)] = canary("b", b)
        sender = tagged("n", a, "split")
        send(f"{word} {sent[canary('b', a)]}", sender, f"s{k:03d}x", group)
        send(f"{second} {word} {canary('b', b)}", sender, f"s{k:03d}x", group)
    by_id = {p.id: (i, p) for i, p in enumerate(payloads)}
    for pid in FILE_IDS:
        i, payload = by_id[pid]
        name = tagged("f", i, payload.raw) + ".txt"
        sent[canary("f", i)] = name
        file = {"name": name, "content": f"file {i}", "kind": "document"}
        send("", tagged("n", i, payload.raw), f"u{i:04d}x", group, file=file)
    return count


def send_live(kit: MockKit, token: str, sent: dict[str, str]) -> int:
    """Messages that arrive while the TUI runs (each announced: bell and command)."""
    by_id = {p.id: p for p in corpus()}
    for j, pid in enumerate(LIVE_IDS):
        raw = by_id[pid].raw
        n = LIVE_BASE + j
        title, name, body = tagged("t", n, raw), tagged("n", n, raw), tagged("b", n, raw)
        sent[canary("t", n)], sent[canary("n", n)], sent[canary("b", n)] = title, name, body
        kit.inbound(
            "telegram",
            token,
            body,
            sender=name,
            username=f"live{j:02d}x",
            chat={"type": "group", "title": title},
        )
    return len(LIVE_IDS)


# --- the user -------------------------------------------------------------------------------------


def environment(root: Path) -> dict[str, str]:
    """A clean environment for every ``payam`` run: a temp HOME, no proxies, UTF-8."""
    home = root / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    for var, sub in {
        "XDG_CONFIG_HOME": ".config",
        "XDG_DATA_HOME": ".local/share",
        "XDG_CACHE_HOME": ".cache",
        "XDG_STATE_HOME": ".local/state",
        "XDG_RUNTIME_DIR": "run",
    }.items():
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    return env


RECORDER: Final = """import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(sys.argv[2:]) + "\\n")
"""


def write_config(root: Path, kit: MockKit, tokens: dict[str, str]) -> Path:
    """``config.toml``: both accounts on the mocks (tokens via ``token_command``), the bidi
    mode fixed (no terminal probe), DEBUG logging, and the notification command template."""
    recorder = root / "recorder.py"
    recorder.write_text(RECORDER, encoding="utf-8")
    secrets = root / "secrets"
    secrets.mkdir(mode=0o700)
    lines = ['bidi = "app"', 'log_level = "debug"', f'downloads_dir = "{root / "downloads"}"']
    argv = [sys.executable, str(recorder), str(root / "notified.jsonl")]
    argv += ["{account}", "{messenger}", "{chat}", "{sender}", "{text}"]
    lines += ["", "[notifications]", "bell = true", "desktop = false"]
    lines.append("command = [" + ", ".join(json.dumps(a) for a in argv) + "]")
    for messenger, name in ACCOUNTS:
        token_file = secrets / f"{messenger}-{name}.token"
        token_file.write_text(tokens[messenger] + "\n", encoding="utf-8")
        token_file.chmod(0o600)
        lines += [
            "",
            "[[accounts]]",
            f'messenger = "{messenger}"',
            f'name = "{name}"',
            f'base_url = "{kit.api_root(messenger)}"',
            f'token_command = "cat {token_file}"',
        ]
    config = root / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


class Payam:
    """``python -m tui --config … --data-dir …`` in the session's environment."""

    def __init__(self, root: Path, config: Path) -> None:
        self.root = root
        self.config = config
        self.data = root / "data"
        self.env = environment(root)

    def argv(self, *args: str) -> list[str]:
        base = [sys.executable, "-m", "tui", "--config", str(self.config)]
        return [*base, "--data-dir", str(self.data), *args]

    def run(self, session: Session, name: str, *args: str) -> None:
        """Run a command; its stdout is ``session.commands[name]``, its stderr under
        ``name + " (stderr)"``."""
        done = subprocess.run(
            self.argv(*args), capture_output=True, env=self.env, cwd=REPO, timeout=120, check=False
        )
        assert done.returncode == 0, (args, done.stderr.decode("utf-8", "replace"))
        session.commands[name] = done.stdout
        session.commands[f"{name} (stderr)"] = done.stderr

    def pty(self, *args: str) -> PtyProcess:
        return PtyProcess(self.argv(*args), env=self.env, cwd=REPO, size=SIZE)


def tail_until(process: PtyProcess | subprocess.Popen[bytes], read: Any, count: int) -> None:
    """Wait until a tail printed ``count`` lines (hang-guarded)."""
    wait_sync(lambda: read().count(b"\n") >= count, f"{count} lines from payam tail")


@contextmanager
def served() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=77) as server:
        kit = MockKit(server)
        try:
            yield kit
        finally:
            kit.close()


def run_session(root: Path) -> Session:
    """Play the whole session (see the module docs) under ``root``."""
    session = Session(root, corpus())
    t0 = session.t0
    with served() as kit:
        tokens = {m: kit.bot(m, BOT_NAMES[m], f"hostile_{m}_bot") for m, _ in ACCOUNTS}
        counts = {m: build_world(kit, m, tokens[m], session.sent) for m, _ in ACCOUNTS}
        session.timings["world"] = time.perf_counter() - t0
        payam = Payam(root, write_config(root, kit, tokens))
        _tails(payam, session, counts)
        session.timings["tails"] = time.perf_counter() - t0
        _tui(payam, kit, tokens["telegram"], session)
        session.timings["tui"] = time.perf_counter() - t0
        for word in CORPUS_WORD.values():
            payam.run(session, f"search {word}", "search", word)
            payam.run(session, f"search --json {word}", "search", "--json", word)
        payam.run(session, "export txt", "export", "--format", "txt")
        payam.run(session, "export jsonl", "export", "--format", "jsonl")
        session.timings["commands"] = time.perf_counter() - t0
    notified = root / "notified.jsonl"
    if notified.exists():
        session.notified = [json.loads(x) for x in notified.read_text("utf-8").splitlines()]
    session.log = b"".join(p.read_bytes() for p in sorted(payam.data.glob("payam.log*")))
    return session


def _tails(payam: Payam, session: Session, counts: dict[str, int]) -> None:
    """``tail`` (text, in a pty) on telegram:a and ``tail --json`` (a pipe) on bale:b, until
    each printed every message."""
    text = payam.pty("tail", "--account", "telegram:a")
    proc = subprocess.Popen(
        payam.argv("tail", "--json", "--account", "bale:b"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=payam.env,
        cwd=REPO,
    )
    chunks: list[bytes] = []
    assert proc.stdout is not None
    stdout = proc.stdout

    def pump() -> None:
        for line in iter(stdout.readline, b""):
            chunks.append(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        tail_until(text, lambda: text.output, counts["telegram"])
        tail_until(proc, lambda: b"".join(chunks), counts["bale"])
    finally:
        text.stop(quit_keys="\x03")
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    session.tail_text = text.output
    session.tail_text_titles = [*text.screen.titles]
    session.tail_json = b"".join(chunks)


def _snap(tui: PtyProcess, session: Session, phase: str) -> str:
    screen = tui.shown()
    session.screens.setdefault(phase, []).append(screen)
    return screen


def _page(tui: PtyProcess, session: Session, phase: str, key: str, *, limit: int = 80) -> None:
    """Press ``key`` until two presses in a row change nothing, keeping every screen."""
    before = _snap(tui, session, phase)
    unchanged = 0
    for _ in range(limit):
        tui.press(key)
        after = _snap(tui, session, phase)
        unchanged = unchanged + 1 if after == before else 0
        if unchanged == 2:
            return
        before = after
    raise AssertionError(f"{phase}: still changing after {limit} × {key}")


def _open_corpus_chat(tui: PtyProcess) -> None:
    """Filter the inbox down to the corpus chats, then open the first."""
    tag = canary("t", CORPUS_INDEX)
    tui.press("f")
    tui.wait_for(lambda s: "Filter:" in s, "the filter line")
    tui.type(tag)
    tui.wait_for(lambda s: f"“{tag}”" in s and "2 of" in s, "the filtered inbox")
    tui.press("enter")  # back to the list, keeping the filter
    for _ in range(3):
        tui.press("enter")
        try:
            tui.wait_for(lambda s: "▸ QF" in s, "the corpus chat", timeout=10)
            return
        except AssertionError:
            continue
    tui.wait_for(lambda s: "▸ QF" in s, "the corpus chat")


def _tui(payam: Payam, kit: MockKit, token: str, session: Session) -> None:
    tui = payam.pty()
    try:
        tui.wait_for(lambda s: "QT" in s, "the inbox with the hostile chats")
        tui.wait_quiet(0.6)
        session.timings["tui-up"] = time.perf_counter() - session.t0
        _page(tui, session, "inbox", "pagedown")
        session.timings["inbox"] = time.perf_counter() - session.t0
        # Live messages: announced with the bell and the command template.
        tui.press("home")
        live = send_live(kit, token, session.sent)
        notified = payam.root / "notified.jsonl"
        wait_sync(
            lambda: notified.exists() and len(notified.read_text("utf-8").splitlines()) >= live,
            "the notification commands",
        )
        tui.wait_quiet(0.6)
        _snap(tui, session, "live")
        # The corpus chat: open it through the inbox filter, save a file, read every page.
        _open_corpus_chat(tui)
        tui.wait_quiet()
        _snap(tui, session, "conversation")
        tui.press("s")
        tui.wait_for(lambda s: "QF" in s and "Saved" in s, "the saved-file toast")
        _snap(tui, session, "toast")
        _page(tui, session, "conversation", "pageup", limit=200)
        tui.press("escape")
        tui.press("escape")
        # Search: a hostile paste into the query first, then every page of hits.
        tui.press("/")
        tui.type("\x1b[200~" + PASTE + "\x1b[201~")
        tui.wait_quiet(0.6)
        _snap(tui, session, "paste")
        tui.press("ctrl+u")
        tui.type(CORPUS_WORD["telegram"])
        tui.wait_for(lambda s: "QB" in s, "search hits")
        tui.press("enter")
        tui.wait_quiet(0.6)
        _page(tui, session, "search", "pagedown", limit=200)
        tui.press("escape")
        tui.press("escape")
        # The accounts screen (the bots' own names), the command palette (chat titles).
        tui.press("ctrl+a")
        tui.wait_quiet(0.6)
        _snap(tui, session, "accounts")
        tui.press("escape")
        tui.press("ctrl+p")
        tui.type("QT00")
        tui.wait_quiet(0.8)
        _snap(tui, session, "palette")
        tui.press("escape")
    finally:
        session.answers = [*tui.screen.answers]
        rc = tui.stop()
        session.tui = tui.output
        session.titles = [*tui.screen.titles]
    assert rc == 0, f"payam exited with {rc}:\n{tui.shown()}"
