"""Keys from the terminal handled one at a time, each by whoever has the focus after the one
before it (:class:`KeysInOrder`, a base of :class:`tui.app.PayamApp`).

Textual hands a key to the focused widget's queue the moment the app reads it. Keys that arrive
together (typed fast, sent by tmux, or read after a slow frame) are therefore all queued to the
widget focused *before* the first of them was handled: ``f`` then ``abc`` in one read leaves the
letters with the chat list, because ``f``'s binding — which focuses the filter line — only runs
once ``f`` has bubbled from the list back up to the app. nchat, WeeChat and every curses program
handle keys strictly in order; so do we: while one key is on its way, later keys wait in the app,
and the next one is handed on only when the one before has been dealt with — stopped by a widget,
or back at the app with its binding run. A key whose path breaks off (its widget removed) is given
up on after :data:`PATIENCE_S`, so nothing typed is ever stuck behind it.

Some keys finish their work later than their handlers return: Enter on a chat shows the
conversation only once its first page is loaded. The app holds the keys behind such a key
(:meth:`KeysInOrder.hold_keys`) until that work is done, so the ``i`` typed right after Enter
writes in the chat rather than reaching the inbox.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Final, TypeAlias

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.timer import Timer

PATIENCE_S: Final = 0.3
"""How long a key may stay on its way before the keys behind it are handed on anyway."""

SWEEPS: Final = 4
"""How many times the way from a key's widget up to the app is swept (see ``_follow``)."""

Typed: TypeAlias = events.Key | events.Paste
"""What the reader types: a paste right behind ``i`` must reach the composer, too."""


class _Hold:
    """A stand-in for a key on its way: keys wait until :meth:`KeysInOrder.hold_keys`'s
    release is called."""


class KeysInOrder(App[int]):
    """One terminal key on its way at a time (see the module docs)."""

    _key_on_way: Typed | _Hold | None = None
    _key_until: float = 0.0  # monotonic time after which the one on its way is given up on
    _keys_waiting: deque[Typed] | None = None
    _key_watchdog: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        """Hold a terminal key while another is on its way; note where a key went."""
        if not isinstance(event, events.Key | events.Paste):
            await super().on_event(event)
            return
        if event.is_forwarded:  # back at the app, bubbled up: its bindings run now
            await super().on_event(event)
            return
        self._give_up_if_late()
        if self._key_on_way is not None and self._key_on_way is not event:
            self._hold(event)
            return
        self._start(event)
        await super().on_event(event)  # a priority binding, or forwarded to the focused widget
        if _forwarded(event) and event is self._key_on_way:
            target = self.focused or self.screen
            if not target.call_later(self._follow, event, target, target):
                self._key_done(event)
        else:
            self._key_done(event)

    def hold_keys(self, patience: float = 1.0) -> Callable[[], None]:
        """Keep the keys read from now on waiting until the function returned is called (or
        ``patience`` seconds have passed): for work a key started that finishes later and
        that the keys behind it must see done (a chat shown once its first page is in)."""
        hold = _Hold()
        # Called while the key that started the work is still on its way (Enter's binding),
        # the hold takes its place: the keys behind now wait for the work, not for the key.
        self._start(hold, patience)
        return lambda: self._key_done(hold)

    def _start(self, token: Typed | _Hold, patience: float = PATIENCE_S) -> None:
        self._key_on_way, self._key_until = token, time.monotonic() + patience

    def _give_up_if_late(self) -> None:
        on_way = self._key_on_way
        if on_way is not None and time.monotonic() > self._key_until:
            self._key_done(on_way)  # its path broke off (say, its widget went): let it go

    def _follow(self, event: Typed, node: MessagePump, target: MessagePump, sweep: int = 0) -> None:
        """``node`` has handled ``event`` (this runs from its queue, after the event), and
        whatever the key made the nodes below post to it. Go on up to the app, whether or
        not the key bubbled: each queue on the way then has dealt with what the key asked of
        it (a widget's "submitted" message to its screen; the app's own bindings). A binding
        may post to the widget in turn (Enter's "open" makes the list post "opened"), so the
        way up is swept again while a queue on it is not empty (:data:`SWEEPS` at most). At
        the app, one more turn of its queue runs what was asked of it (``focus()`` is a
        ``call_later`` on the app) before the next key is handed on."""
        if event is not self._key_on_way:
            return
        parent = node._parent
        if parent is not None:
            if not parent.call_later(self._follow, event, parent, target, sweep):
                self._key_done(event)
            return
        again = sweep + 1 < SWEEPS and _queued(target)
        if again and target.call_later(self._follow, event, target, target, sweep + 1):
            return
        if not self.call_later(self._key_done, event):
            self._key_done(event)

    def _hold(self, event: Typed) -> None:
        if self._keys_waiting is None:
            self._keys_waiting = deque()
        self._keys_waiting.append(event)
        if self._key_watchdog is None:
            self._key_watchdog = self.set_interval(PATIENCE_S / 2, self._watch_keys)

    def _watch_keys(self) -> None:
        """Give up on a key whose path broke off, so the ones behind it move."""
        self._give_up_if_late()
        if self._key_on_way is None and not self._keys_waiting and self._key_watchdog:
            self._key_watchdog.stop()
            self._key_watchdog = None

    def _key_done(self, token: Typed | _Hold) -> None:
        """``token`` has been dealt with: the next waiting key goes (back through the app's
        queue, reserved so that no newer key overtakes it)."""
        if token is not self._key_on_way:
            return
        self._key_on_way = None
        if self._keys_waiting:
            following = self._keys_waiting.popleft()
            self._start(following)
            self.post_message(following)


def _queued(node: MessagePump) -> bool:
    """Whether ``node`` or an ancestor below the app has messages waiting."""
    pump: MessagePump | None = node
    while pump is not None and pump._parent is not None:
        # getattr: mypy reads Textual's cached_property _message_queue as Never
        queue: asyncio.Queue[object] = getattr(pump, "_message_queue")  # noqa: B009
        if queue.qsize() > 0:
            return True
        pump = pump._parent
    return False


def _forwarded(event: Typed) -> bool:
    """Whether Textual forwarded ``event`` (a call: the attribute changes under mypy's feet)."""
    return event.is_forwarded


__all__ = ["PATIENCE_S", "KeysInOrder"]
