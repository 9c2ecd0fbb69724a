"""Rubika Bot API v3: the adapter (``adapter``), its wire format (``wire``, ``metadata``)."""
