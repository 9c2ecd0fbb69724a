"""Payam's own words in English and Persian (see :mod:`tui.i18n`)."""
