"""What the app builds from the config for Textual and the colleague widgets: Payam's themes
as Textual ``Theme`` objects, the conversation's words in the UI's language, and the date
formatter shared by the conversation and search views."""

from __future__ import annotations

from datetime import tzinfo
from typing import get_args

from textual.theme import Theme

from adapters.models import AttachmentKind
from tui.i18n import I18n
from tui.settings.schema import Calendar
from tui.themes import THEMES
from tui.widgets.conversation_labels import ConversationLabels
from tui.widgets.dates import GregorianFormatter, JalaliFormatter, TimeFormatter


def payam_themes() -> list[Theme]:
    """``payam-dark`` and ``payam-light`` (see :mod:`tui.themes`)."""
    return [
        Theme(
            name=spec.name,
            primary=spec.primary,
            secondary=spec.secondary,
            accent=spec.accent,
            foreground=spec.foreground,
            background=spec.background,
            surface=spec.surface,
            panel=spec.panel,
            success=spec.success,
            warning=spec.warning,
            error=spec.error,
            dark=spec.dark,
            variables=dict(spec.variables),
        )
        for spec in THEMES
    ]


def conversation_labels(t: I18n) -> ConversationLabels:
    """The conversation's own words in the UI's language."""
    states = {s: t(f"conv.{s}") for s in ("queued", "sending", "sent", "failed", "unknown")}
    return ConversationLabels(
        you=t("conv.you"),
        unknown_sender=t("conv.channel"),
        edited=t("conv.edited"),
        deleted=t("conv.deleted"),
        gap=t("conv.gap"),
        states=states,
        outbox_hint=t("conv.outbox_hint"),
        reply_missing=t("conv.reply_missing"),
        file_saved=t("conv.file_saved"),
        file_fetch=t("conv.file_fetch"),
        empty=t("conv.empty"),
        more=t("conv.more"),
        kinds={k: t.attachment_kind(k) for k in get_args(AttachmentKind)},
        digits=t.digits,
    )


def time_formatter(t: I18n, calendar: Calendar, tz: tzinfo | None) -> TimeFormatter:
    """Gregorian or Jalali, Persian or English names, the configured digits."""
    digits = t.digit_style == "persian"
    if calendar == "jalali":
        return JalaliFormatter(tz, persian_digits=digits, persian=t.rtl)
    return GregorianFormatter(tz, persian_digits=digits, persian=t.rtl)
