"""The messenger side of Payam: the adapter SDK, one adapter per messenger and their mock servers.

Nothing in this package imports :mod:`tui` or Textual (import-linter enforces it), so a bot
developer can use the adapters and the mocks without the terminal UI.
"""
