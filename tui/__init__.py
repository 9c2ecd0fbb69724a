"""Payam's application side: the command line, the engine, the text engine and the TUI."""

__version__ = "0.1.0"
