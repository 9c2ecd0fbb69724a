"""Tests of the shared Telegram-style engine and its profiles: Telegram, Bale, Soroush Plus."""
