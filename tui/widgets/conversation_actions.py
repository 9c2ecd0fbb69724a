"""The conversation's keys: the message cursor, and what it does to its message (a mixin of
:class:`~tui.widgets.conversation.ConversationView`): each action posts one of the view's
messages; which actions apply is decided per message and per messenger in ``check_action`` (the
footer then hides the others).
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import events

from tui.engine.records import StoredMessage
from tui.i18n import I18n
from tui.text import display_safe
from tui.widgets.conversation_model import MessageItem
from tui.widgets.conversation_render import opener_argv
from tui.widgets.textline import Direction
from tui.widgets.toast import toast

if TYPE_CHECKING:
    from textual.message import Message
    from textual.notifications import SeverityLevel

    from adapters.base import Capabilities
    from tui.widgets.conversation import ConversationView
    from tui.widgets.conversation_model import MessageWindow

DIRECTIONS: tuple[Direction, ...] = ("auto", "rtl", "ltr", "majority")


def _view(mixin: object) -> ConversationView:
    return cast("ConversationView", mixin)


class MessageActions:
    """Actions on the message under the cursor."""

    if TYPE_CHECKING:
        window: MessageWindow
        capabilities: Capabilities | None
        _links: list[str]

        def post_message(self, message: Message) -> bool: ...

        def notify(
            self,
            message: str,
            *,
            title: str = "",
            severity: SeverityLevel = "information",
            timeout: float | None = None,
            markup: bool = True,
        ) -> None: ...

    @property
    def cursor_message(self) -> StoredMessage | None:
        """The message under the cursor."""
        v = _view(self)
        if v.cursor_id is None:
            return None
        at = v.window.index(v.cursor_id)
        return v.window.messages[at] if at is not None else None

    def _move_cursor(self, delta: int) -> bool:
        v = _view(self)
        messages = v.window.messages
        if not messages:
            return False
        at = v.window.index(v.cursor_id) if v.cursor_id is not None else None
        target = (len(messages) - 1 if delta < 0 else 0) if at is None else at + delta
        if not 0 <= target < len(messages):
            return False
        v.cursor_id = messages[target].id
        return True

    def _scroll_to_cursor(self) -> None:
        v = _view(self)
        if v.cursor_id is None or v.cursor_id not in v._msg_items:
            return
        i = v._msg_items[v.cursor_id]
        top, bottom = v._offsets[i], v._offsets[i + 1] - 1
        height = v.scrollable_content_region.height
        y = int(v.scroll_y)
        if top < y or bottom - top >= height:
            v.go_to(top)
        elif bottom >= y + height:
            v.go_to(bottom - height + 1)
        v._after_change()

    def _center(self, message_id: int) -> None:
        v = _view(self)
        i = v._msg_items[message_id]
        height = v.scrollable_content_region.height
        v.go_to(max(0, v._offsets[i] - height // 3))

    def select(self, message_id: int) -> bool:
        """Put the cursor on a loaded message and show it."""
        v = _view(self)
        if message_id not in v._msg_items:
            return False
        v.cursor_id = message_id
        v._scroll_to_cursor()
        return True

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` messages (older at the top asks for more history)."""
        v = _view(self)
        if v._move_cursor(delta):
            v._scroll_to_cursor()
        elif delta < 0 and v.window.has_older:
            v.go_to(0)
            v._after_change()
        elif delta > 0 and v.window.has_newer:
            v.go_to(v.max_scroll_y)
            v._after_change()

    def action_page(self, delta: int) -> None:
        """Scroll a page and put the cursor on the first/last message that starts in view."""
        v = _view(self)
        height = v.scrollable_content_region.height
        v.go_to(v.scroll_y + delta * max(1, height - 2))
        y = int(v.scroll_y)
        candidates = [
            (v._offsets[i], m) for m, i in v._msg_items.items() if y <= v._offsets[i] < y + height
        ]
        if candidates:
            v.cursor_id = (min if delta < 0 else max)(candidates)[1]
        v._after_change()

    def action_edge(self, oldest: bool) -> None:
        """Go to the oldest or the newest message (loading that end of the chat first)."""
        v = _view(self)
        window = v.window
        if (window.has_older if oldest else window.has_newer) and window.messages:
            v.post_message(v.EdgeWanted(oldest))
            return
        if window.messages:
            v.select(window.messages[0 if oldest else -1].id)
            v.go_to(0 if oldest else v.max_scroll_y)

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the message clicked."""
        v = _view(self)
        offset = event.get_content_offset(v)
        if offset is None or not v._items:
            return
        line_y = offset.y + int(v.scroll_y) - v.top_pad()
        i = bisect_right(v._offsets, line_y) - 1
        if 0 <= i < len(v._items):
            item = v._items[i]
            if isinstance(item, MessageItem):
                v.cursor_id = item.message.id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide message actions that do not apply to the message under the cursor."""
        message = self.cursor_message
        caps = self.capabilities
        if action in ("reply", "edit", "delete", "copy", "follow_reply"):
            if message is None or message.deleted:
                return False
            if action == "reply":
                return caps is None or caps.reply
            if action == "edit":
                return message.outgoing and (caps is None or caps.edit)
            if action == "delete":
                return caps is None or caps.delete
            if action == "follow_reply":
                return message.reply_to is not None
        if action in ("resend", "discard"):
            states = (
                ("failed", "unknown") if action == "resend" else ("queued", "failed", "unknown")
            )
            return message is not None and message.outgoing and message.delivery in states
        if action in ("open", "save"):
            return message is not None and not message.deleted and bool(message.attachments)
        if action == "show_more" and not parameters:
            return message is not None and _view(self).is_cut(message)
        return True

    def _target(self) -> StoredMessage | None:
        message = self.cursor_message
        if message is None:
            _view(self).app.bell()
        return message

    def action_reply(self) -> None:
        """Reply to the message under the cursor."""
        if (message := self._target()) is not None:
            self.post_message(_view(self).ReplyRequested(message))

    def action_edit(self) -> None:
        """Edit the own message under the cursor."""
        if (message := self._target()) is not None:
            self.post_message(_view(self).EditRequested(message))

    def action_delete(self) -> None:
        """Delete the message under the cursor (after a question)."""
        if (message := self._target()) is not None:
            self.post_message(_view(self).DeleteRequested(message))

    def action_resend(self) -> None:
        """Resend the failed own message under the cursor."""
        if (message := self._target()) is not None:
            self.post_message(_view(self).ResendRequested(message))

    def action_discard(self) -> None:
        """Discard the unsent own message under the cursor."""
        if (message := self._target()) is not None:
            self.post_message(_view(self).DiscardRequested(message))

    def action_copy(self) -> None:
        """Copy the message's logical text (sanitised) with the app's OSC 52."""
        if (message := self._target()) is not None:
            _view(self).app.copy_to_clipboard(display_safe(message.text))
            toast(_view(self), I18n.of(self)("conv.copied"), timeout=2)

    def action_save(self, open_after: bool = False) -> None:
        """Download the message's first attachment."""
        message = self._target()
        if message is None or not message.attachments:
            return
        att = message.attachments[0]
        if att.local_path is not None and not open_after:
            path = display_safe(att.local_path, "name")
            toast(_view(self), I18n.of(self)("conv.already_saved", path=path))
            return
        self.post_message(_view(self).SaveRequested(message, att, open_after))

    def action_open(self) -> None:
        """Open the message's first attachment (downloading it first if needed)."""
        message = self._target()
        if message is None or not message.attachments:
            return
        att = message.attachments[0]
        if att.local_path is None:
            self.action_save(open_after=True)
            return
        path = Path(att.local_path)
        self.post_message(_view(self).OpenAttachment(path, opener_argv(path)))

    def action_follow_reply(self) -> None:
        """Go to the message the cursor's message replies to (loading around it if needed)."""
        message = self._target()
        if message is not None and message.reply_to is not None:
            self.action_jump_reply(message.id)

    def action_jump_reply(self, message_id: int) -> None:
        """Go to the message that message ``message_id`` quotes."""
        at = self.window.index(message_id)
        if at is None:
            return
        reply_to = self.window.messages[at].reply_to
        if reply_to is None:
            return
        quoted = self.window.find(reply_to)
        if quoted is not None:
            self.select(quoted.id)
        else:
            self.post_message(_view(self).JumpWanted(reply_to))

    def action_open_link(self, index: int) -> None:
        """A link was clicked: tell the app (it opens it; the URL never becomes an action)."""
        if 0 <= index < len(self._links):
            self.post_message(_view(self).LinkClicked(self._links[index]))

    def action_show_more(self, message_id: int | None = None) -> None:
        """Lay out more of a long body (the cursor's message, or ``message_id``)."""
        v = _view(self)
        at = v.window.index(message_id) if message_id is not None else None
        message = self.cursor_message if message_id is None else None
        if at is not None:
            message = v.window.messages[at]
        if message is not None and v.is_cut(message):
            v.show_more(message)

    def action_cycle_direction(self) -> None:
        """auto → rtl → ltr → majority → auto, for this chat."""
        direction = DIRECTIONS[(DIRECTIONS.index(_view(self).direction) + 1) % len(DIRECTIONS)]
        _view(self).direction = direction
        toast(_view(self), I18n.of(self)("conv.direction", direction=direction), timeout=2)
        self.post_message(_view(self).DirectionChanged(direction))
