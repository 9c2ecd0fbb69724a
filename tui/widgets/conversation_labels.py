"""The conversation's own words (:class:`ConversationLabels`), apart from the drawing code so
that the app can build them at start without importing it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConversationLabels:
    """The UI's own words in the conversation (translate for a Persian UI)."""

    you: str = "you"
    unknown_sender: str = "channel"
    edited: str = "edited"
    deleted: str = "message deleted"
    gap: str = "messages may be missing here"
    states: Mapping[str, str] = field(
        default_factory=lambda: {
            "queued": "◷ queued",
            "sending": "↑ sending",
            "sent": "✓",
            "failed": "✗ failed",
            "unknown": "? may not have been sent",
        }
    )
    outbox_hint: str = "R resend · x discard"
    reply_missing: str = "a message not loaded (Enter to find it)"
    file_saved: str = "saved · o open"
    file_fetch: str = "s save · o open"
    empty: str = "No messages yet."
    more: str = "⋯ {count} more characters · m shows more"
    kinds: Mapping[str, str] = field(default_factory=dict)
    """Attachment kinds in the UI's words (a kind not here is shown as it is)."""
    digits: Callable[[str], str] = str
    """Payam's own numbers (sizes, counts, percentages) in the UI's digits."""

    def kind(self, kind: str) -> str:
        """An attachment kind in the UI's words."""
        return self.kinds.get(kind, kind)

    def count(self, value: int) -> str:
        """A count with thousands separated, in the UI's digits."""
        return self.digits(f"{value:,}")


__all__ = ["ConversationLabels"]
