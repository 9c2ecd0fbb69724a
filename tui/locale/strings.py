"""Every UI string, as ``key: (English, Persian)``. Placeholders are ``str.format`` fields.

Rules for the Persian column: a Latin token (``@BotFather``, ``/start``, a key name) inside a
Persian sentence is preceded by U+200E LEFT-TO-RIGHT MARK (written ``\u200e`` here), so that a
neutral character at its edge (``@``, ``/``) stays with it when the sentence is laid out right to
left; the text engine drops the mark when it draws.
"""

from __future__ import annotations

from typing import Final

from tui.locale.actions import ACTIONS, MESSENGERS

LRM: Final = "\u200e"
LRI: Final = "\u2066"  # … PDI: a Latin phrase of several tokens kept left to right
PDI: Final = "\u2069"

STRINGS: Final[dict[str, tuple[str, str]]] = {
    # --- app and header ------------------------------------------------------------------
    "app.title": ("Payam", "پیام"),
    "inbox.all": ("all chats", "همهٔ گفتگوها"),
    "inbox.unread_only": ("unread only", "فقط خوانده‌نشده"),
    "inbox.messenger": ("{name} only", "فقط {name}"),
    "inbox.account": ("account {name}", "حساب {name}"),
    "inbox.filter": ("filter “{text}”", "پالایه «{text}»"),
    "inbox.count": ("{shown} of {total} chats", "{shown} از {total} گفتگو"),
    "inbox.filter_prompt": ("Filter:", "پالایه:"),
    "inbox.no_match": (
        "No chat matches. Esc clears the filters.",
        "هیچ گفتگویی پیدا نشد. Esc پالایه‌ها را پاک می‌کند.",
    ),
    "inbox.you": ("you", "شما"),
    "inbox.deleted": ("message deleted", "پیام پاک شد"),
    "inbox.no_messages": ("no messages yet", "هنوز پیامی نیست"),
    "inbox.no_unread": ("No unread chat.", "گفتگوی خوانده‌نشده‌ای نیست."),
    # --- the empty state -----------------------------------------------------------------
    "empty.title": ("No chats yet", "هنوز گفتگویی نیست"),
    "empty.intro": (
        "Payam reads and writes through a bot on each messenger. Get a bot token:",
        "پیام از راه یک بات در هر پیام‌رسان می‌خواند و می‌نویسد. توکن بات را این‌گونه بگیرید:",
    ),
    "empty.telegram": (
        "• Telegram: talk to @BotFather, send /newbot and copy the token it gives.",
        f"• تلگرام: به {LRM}@BotFather پیام دهید، {LRM}/newbot را بفرستید و توکن را بردارید.",
    ),
    "empty.bale": (
        "• Bale: talk to @botfather inside Bale and send /newbot.",
        f"• بله: در خود بله به {LRM}@botfather پیام دهید و {LRM}/newbot را بفرستید.",
    ),
    "empty.splus": (
        "• Soroush Plus: make a bot with its bot-maker bot inside Soroush Plus.",
        "• سروش پلاس: با بات سازندهٔ بات در خود سروش پلاس یک بات بسازید.",
    ),
    "empty.rubika": (
        "• Rubika: talk to @BotFather inside Rubika and create a bot.",
        f"• روبیکا: در خود روبیکا به {LRM}@BotFather پیام دهید و یک بات بسازید.",
    ),
    "empty.eitaa": (
        "• Eitaa: register your channel at eitaayar.ir and take the token it shows. Eitaa "
        "can only send: add the channel by its @username (--channel @mychannel).",
        f"• ایتا: کانال خود را در {LRM}eitaayar.ir ثبت کنید و توکنی را که نشان می‌دهد بردارید. "
        f"ایتا فقط می‌فرستد: کانال را با نام کاربری‌اش بیفزایید ({LRI}--channel @mychannel{PDI}).",
    ),
    "empty.add": (
        "Then add the account: {accounts} opens Accounts, where a adds one; or in a shell:",
        "سپس حساب را بیفزایید: {accounts} صفحهٔ حساب‌ها را باز می‌کند و a حساب می‌افزاید؛ یا در پوسته:",
    ),
    "empty.start": (
        "A person must /start your bot (or write to it) before the bot can write to them.",
        f"هر کس باید نخست بات شما را {LRM}/start کند (یا به آن پیام دهد) تا بات بتواند "
        "به او پیام دهد.",
    ),
    "empty.privacy": (
        "In Telegram groups a bot sees only commands and replies to it while its group "
        "privacy mode is on: @BotFather → /setprivacy → Disable, or make it an admin.",
        "در گروه‌های تلگرام، تا وقتی حالت حریم خصوصی گروه روشن است، بات فقط فرمان‌ها و "
        f"پاسخ‌های به خودش را می‌بیند: {LRM}@BotFather ← {LRM}/setprivacy ← Disable، "
        "یا آن را مدیر گروه کنید.",
    ),
    # --- status bar ------------------------------------------------------------------------
    "status.no_accounts": ("no accounts", "بدون حساب"),
    "status.accounts": ("{count} accounts", "{count} حساب"),
    "status.unread": ("{count} unread", "{count} خوانده‌نشده"),
    "status.bidi": ("bidi {mode}", "دوسویه {mode}"),
    # --- account states --------------------------------------------------------------------
    "state.starting": ("starting", "در حال آغاز"),
    "state.polling": ("polling", "در حال دریافت"),
    "state.idle": ("idle", "بیکار"),
    "state.rate_limited": ("rate-limited until {until}", "محدودیت نرخ تا {until}"),
    "state.rate_limited_short": ("rate-limited", "محدودیت نرخ"),
    "state.retrying": ("retrying ({count})", "تلاش دوباره ({count})"),
    "state.retrying_short": ("retrying", "تلاش دوباره"),
    "state.token_rejected": ("token rejected", "توکن پذیرفته نشد"),
    "state.token_unavailable": ("no token", "بدون توکن"),
    "state.conflict": ("conflict", "تداخل"),
    "state.stopped": ("stopped", "متوقف"),
    "state.send_only": ("send-only", "فقط ارسال"),
    "state.polling_elsewhere": ("polling elsewhere (pid {pid})", "دریافت در پردازهٔ دیگر ({pid})"),
    "state.polling_elsewhere_short": ("polling elsewhere", "دریافت در جای دیگر"),
    "state.proxy": ("proxy", "پراکسی"),
    "state.later": ("later", "بعد"),
    # --- accounts screen ---------------------------------------------------------------------
    "accounts.title": ("Accounts", "حساب‌ها"),
    "accounts.empty": (
        "No accounts. Press a to add one.",
        "حسابی نیست. برای افزودن a را بزنید.",
    ),
    "accounts.keyring_ok": ("Keyring: {reason}", "جاکلیدی: {reason}"),
    "accounts.keyring_bad": ("Keyring refused: {reason}", "جاکلیدی پذیرفته نشد: {reason}"),
    "accounts.keyring_wait": ("Keyring: checking…", "جاکلیدی: در حال بررسی…"),
    "accounts.can": ("can: {what}", "توانایی: {what}"),
    "accounts.cap_receive": ("receive", "دریافت"),
    "accounts.cap_edit": ("edit", "ویرایش"),
    "accounts.cap_delete": ("delete", "پاک کردن"),
    "accounts.cap_files": ("files", "پرونده"),
    "accounts.restarted": ("{account} restarted", "{account} دوباره آغاز شد"),
    "accounts.removed": ("{account} removed", "{account} برداشته شد"),
    "accounts.added": ("{account} added: {who}", "{account} افزوده شد: {who}"),
    "remove.question": ("Remove {account}?", "{account} برداشته شود؟"),
    "remove.explain": (
        "Its token is deleted from the keyring and its entry from config.toml.",
        "توکن آن از جاکلیدی و بخش آن از config.toml پاک می‌شود.",
    ),
    "remove.keep": ("Remove, keep history", "بردار و تاریخچه را نگه دار"),
    "remove.forget": ("Remove and forget history", "بردار و تاریخچه را پاک کن"),
    "remove.cancel": ("Cancel", "انصراف"),
    # --- add account -------------------------------------------------------------------------
    "add.title": ("Add an account", "افزودن حساب"),
    "add.messenger": ("Messenger", "پیام‌رسان"),
    "add.name": ("Name (your name for it, e.g. shop)", "نام (نام دلخواه شما، مثلاً shop)"),
    "add.base_url": ("Base URL (empty: the real API)", "نشانی API (خالی: API اصلی)"),
    "add.proxy": ("Proxy (socks5h://host:port, optional)", "پراکسی (اختیاری)"),
    "add.channels": (
        "Channels / groups to post to (@name, comma-separated)",
        "کانال‌ها و گروه‌ها برای فرستادن (‎@name، با ویرگول جدا)",
    ),
    "add.token": (
        "Token (hidden; stored in the keyring)",
        "توکن (پنهان؛ در جاکلیدی نگه داشته می‌شود)",
    ),
    "add.token_command": (
        "…or a token command instead (e.g. pass show bale/shop)",
        "…یا به جای آن فرمانی که توکن را چاپ کند",
    ),
    "add.send_only": ("Send-only (never poll)", "فقط ارسال (بدون دریافت)"),
    "add.save": ("Verify and add", "بررسی و افزودن"),
    "add.cancel": ("Cancel", "انصراف"),
    "add.verifying": ("Verifying the token with {messenger}…", "در حال بررسی توکن با {messenger}…"),
    "add.need_token": (
        "Type the token, or give a token command.",
        "توکن را بنویسید یا فرمان توکن را بدهید.",
    ),
    "add.both_tokens": (
        "Give the token or a token command, not both.",
        "یا توکن یا فرمان توکن، نه هر دو.",
    ),
    "add.exists": ("{account} already exists.", "{account} از پیش هست."),
    "add.rejected": (
        "{messenger} rejected the token; nothing was stored.",
        "{messenger} توکن را نپذیرفت؛ چیزی ذخیره نشد.",
    ),
    "add.unverified": (
        "Could not verify the token ({reason}); nothing was stored.",
        "توکن بررسی نشد ({reason})؛ چیزی ذخیره نشد.",
    ),
    "add.keyring_refused": (
        "The keyring was refused: {reason}. Use a token command instead.",
        "جاکلیدی پذیرفته نشد: {reason}. به جای آن از فرمان توکن استفاده کنید.",
    ),
    "add.failed": ("Not added: {reason}", "افزوده نشد: {reason}"),
    # --- help --------------------------------------------------------------------------------
    "help.title": ("Help — keys", "راهنما — کلیدها"),
    "help.section.app": ("Everywhere", "همه‌جا"),
    "help.section.inbox": ("Inbox", "صندوق"),
    "help.section.conversation": ("In a chat", "در گفتگو"),
    "help.section.composer": ("Writing a message", "نوشتن پیام"),
    "help.section.accounts": ("Accounts", "حساب‌ها"),
    "help.fallback": (
        "Many terminals (xterm, VTE, tmux) send Shift+Enter as Enter: use {keys} for a new line.",
        "بسیاری از پایانه‌ها Shift+Enter را همان Enter می‌فرستند: برای خط نو از {keys} استفاده کنید.",
    ),
    "help.zwnj": (
        "Half-space (ZWNJ): Shift+Space as Persian layouts send it, or {keys}.",
        "نیم‌فاصله: Shift+Space در چینش فارسی، یا {keys}.",
    ),
    "help.config": (
        "Keys come from [keys] in {path}.",
        "کلیدها از بخش [keys] در {path} می‌آیند.",
    ),
    "help.palette": ("Command palette: {keys}", "فهرست فرمان‌ها: {keys}"),
    # --- notifications and errors -----------------------------------------------------------
    "notify.new": ("New message", "پیام تازه"),
    "store.problems": (
        "The store check found problems: {problems}",
        "بررسی پایگاه داده مشکل یافت: {problems}",
    ),
    "store.error": ("Cannot open the store: {reason}", "پایگاه داده باز نشد: {reason}"),
    "gap.found": (
        "{account}: messages may be missing ({reason})",
        "{account}: شاید پیام‌هایی جا افتاده باشد ({reason})",
    ),
    "account.failed": ("{account}: {state}", "{account}: {state}"),
    "keyring.refused": (
        "Keyring refused ({reason}): accounts that keep their token there cannot start. "
        "Use a token_command, or see `payam doctor`.",
        "جاکلیدی پذیرفته نشد ({reason}): حساب‌هایی که توکنشان آنجاست آغاز نمی‌شوند. "
        "از token_command استفاده کنید یا `payam doctor` را ببینید.",
    ),
    "open.failed": ("Cannot open {what}: {reason}", "{what} باز نشد: {reason}"),
    "theme.unknown": (
        "Unknown theme {name}; using {used}.",
        "پوستهٔ {name} شناخته نشد؛ {used} به کار رفت.",
    ),
    # --- the conversation screen, the composer, search, the palette, the demo ----------------
    "conv.error": ("{what}: {reason}", "{what}: {reason}"),
    "conv.err.open": ("Could not open the chat", "گفتگو باز نشد"),
    "conv.err.load": ("Could not load messages", "پیام‌ها بار نشد"),
    "conv.err.quote": ("Cannot show the quoted message", "پیام نقل‌شده نشان داده نشد"),
    "conv.err.read": ("Could not mark the chat read", "گفتگو خوانده‌شده نشد"),
    "conv.err.refresh": ("Could not refresh the chat", "گفتگو تازه نشد"),
    "conv.err.delete": ("Could not delete", "پاک نشد"),
    "conv.err.resend": ("Could not resend", "دوباره فرستاده نشد"),
    "conv.err.discard": ("Could not discard", "دور انداخته نشد"),
    "conv.err.download": ("Download failed", "بارگیری نشد"),
    "conv.err.direction": ("Could not save the direction", "جهت ذخیره نشد"),
    "conv.err.send": ("Not sent", "فرستاده نشد"),
    "conv.err.edit": ("Not edited", "ویرایش نشد"),
    "conv.err.file": ("File not sent", "پرونده فرستاده نشد"),
    "conv.err.draft": ("Could not save the draft", "پیش‌نویس ذخیره نشد"),
    "conv.saved": ("Saved {name}", "{name} ذخیره شد"),
    "conv.already_saved": ("Already saved: {path}", "پیش‌تر ذخیره شده: {path}"),
    "conv.copied": ("Copied the message text.", "متن پیام رونوشت شد."),
    "conv.direction": ("Text direction: {direction}", "جهت متن: {direction}"),
    "conv.delete_question": ("Delete this message for everyone?", "این پیام برای همه پاک شود؟"),
    "conv.delete_yes": ("Delete", "پاک کن"),
    "confirm.no": ("No", "نه"),
    "composer.placeholder": (
        "Write a message… (Enter send · Ctrl+J new line)",
        f"پیامی بنویسید… ({LRI}Enter{PDI} فرستادن · {LRI}Ctrl+J{PDI} خط نو)",
    ),
    "composer.replying": ("↩ Replying to", "↩ پاسخ به"),
    "composer.editing": ("✎ Editing", "✎ ویرایش"),
    "composer.esc_cancels": ("(Esc cancels)", f"({LRI}Esc{PDI} لغو می‌کند)"),
    "composer.options": ("options: {summary}", "گزینه‌ها: {summary}"),
    "composer.parts": ("sent as {count} parts", "در {count} بخش فرستاده می‌شود"),
    "composer.too_long": ("too long", "بیش از اندازه"),
    "composer.no_reply": (
        "This messenger cannot reply to messages.",
        "این پیام‌رسان نمی‌تواند به پیام پاسخ دهد.",
    ),
    "composer.no_edit": (
        "This messenger cannot edit messages.",
        "این پیام‌رسان نمی‌تواند پیام را ویرایش کند.",
    ),
    "composer.own_only": (
        "Only your own messages can be edited.",
        "فقط پیام‌های خودتان ویرایش‌پذیرند.",
    ),
    "composer.edit_too_long": (
        "Too long for an edit (edits cannot be split).",
        "برای ویرایش بیش از اندازه بلند است (ویرایش بخش‌بخش نمی‌شود).",
    ),
    "composer.no_suspend": (
        "This terminal cannot hand over to an editor.",
        "این پایانه نمی‌تواند کار را به ویرایشگر بسپارد.",
    ),
    "composer.editor_error": ("The editor could not run: {reason}", "ویرایشگر اجرا نشد: {reason}"),
    "composer.editor_failed": (
        "The editor failed; the text is unchanged.",
        "ویرایشگر شکست خورد؛ متن دست نخورد.",
    ),
    "composer.no_files": (
        "This messenger cannot send files.",
        "این پیام‌رسان نمی‌تواند پرونده بفرستد.",
    ),
    "composer.no_options": (
        "This messenger has no send options.",
        "این پیام‌رسان گزینهٔ فرستادن ندارد.",
    ),
    "composer.file_hint": (
        "Tab completes · Enter sends the file · Esc cancels",
        f"{LRI}Tab{PDI} کامل می‌کند · {LRI}Enter{PDI} پرونده را می‌فرستد · {LRI}Esc{PDI} لغو",
    ),
    "composer.path_prompt": (
        "path of a file to send (Tab completes)",
        f"نشانی پرونده برای فرستادن ({LRI}Tab{PDI} کامل می‌کند)",
    ),
    "composer.no_match": ("no match", "چیزی پیدا نشد"),
    "composer.not_file": ("not a file", "پرونده نیست"),
    "composer.too_large": ("too large for this messenger", "برای این پیام‌رسان بزرگ است"),
    "search.placeholder": (
        "Search every chat… (Enter searches, ↓ to the results)",
        f"جستجو در همهٔ گفتگوها… ({LRI}Enter{PDI} جستجو، ↓ به نتیجه‌ها)",
    ),
    "search.type": ("Type to search every chat.", "برای جستجو در همهٔ گفتگوها بنویسید."),
    "search.none": ("No messages match.", "پیامی پیدا نشد."),
    "search.count": ("{count} results, newest first", "{count} نتیجه، تازه‌ترین نخست"),
    "search.failed": ("Search failed: {reason}", "جستجو نشد: {reason}"),
    "palette.prompt": ("Commands and chats…", "فرمان‌ها و گفتگوها…"),
    "status.demo": ("demo {url}", "نمایشی {url}"),
    "accounts.demo": (
        "Demo: the mock servers listen on {url}; add messages through {api} (CONTRACTS.md §2).",
        "نمایشی: کارسازهای ساختگی روی {url} گوش می‌دهند؛ با {api} پیام بیفزایید.",
    ),
    # --- the conversation's words (ConversationLabels) ---------------------------------------
    "conv.you": ("you", "شما"),
    "conv.channel": ("channel", "کانال"),
    "conv.edited": ("edited", "ویرایش‌شده"),
    "conv.deleted": ("message deleted", "پیام پاک شد"),
    "conv.gap": ("messages may be missing here", "شاید پیام‌هایی اینجا جا افتاده باشد"),
    "conv.queued": ("◷ queued", "◷ در صف"),
    "conv.sending": ("↑ sending", "↑ در حال فرستادن"),
    "conv.sent": ("✓", "✓"),
    "conv.failed": ("✗ failed", "✗ نرسید"),
    "conv.unknown": ("? may not have been sent", "? شاید فرستاده نشده"),
    "conv.outbox_hint": ("R resend · x discard", "R فرستادن دوباره · x دور انداختن"),
    "conv.reply_missing": (
        "a message not loaded (Enter to find it)",
        "پیامی که بار نشده (Enter برای یافتن)",
    ),
    "conv.file_saved": ("saved · o open", "ذخیره شد · o باز کردن"),
    "conv.file_fetch": ("s save · o open", "s ذخیره · o باز کردن"),
    "conv.empty": ("No messages yet.", "هنوز پیامی نیست."),
    "conv.more": ("⋯ {count} more characters · m shows more", "⋯ {count} نویسهٔ دیگر · m بیشتر"),
    "kind.photo": ("photo", "عکس"),
    "kind.document": ("document", "سند"),
    "kind.audio": ("audio", "صوت"),
    "kind.video": ("video", "ویدیو"),
    "kind.voice": ("voice", "پیام صوتی"),
    "kind.animation": ("animation", "پویانمایی"),
    "kind.sticker": ("sticker", "استیکر"),
    "kind.file": ("file", "پرونده"),
    "pin.on": ("Pinned", "سنجاق شد"),
    "pin.off": ("Unpinned", "سنجاق برداشته شد"),
    "mute.on": ("Muted", "بی‌صدا شد"),
    "mute.off": ("Unmuted", "صدادار شد"),
}


__all__ = ["ACTIONS", "LRI", "LRM", "MESSENGERS", "PDI", "STRINGS"]
