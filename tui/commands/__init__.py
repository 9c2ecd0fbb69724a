"""One module per ``payam`` sub-command. Each exposes ``register(subparsers)``."""
