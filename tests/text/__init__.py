"""Tests of the RTL text engine (tui.text)."""
