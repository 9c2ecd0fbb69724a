"""Eitaa via Eitaayar (send-only): the adapter (``adapter``) and its wire format (``wire``)."""
