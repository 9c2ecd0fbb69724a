"""Settings and secrets: paths, the ``config.toml`` schema, the keyring policy, the log file.

No Textual here (an import-linter contract enforces it), and nothing heavy at import time:
the keyring backend is chosen and checked only when a token is first needed, never before the
first paint. Modules:

* :mod:`tui.settings.paths` — where the config, the data dir and downloads are (``Paths``).
* :mod:`tui.settings.schema` — the config dataclasses, defaults and value validators.
* :mod:`tui.settings.config` — read (``tomllib``) and validate the file (``ConfigError``).
* :mod:`tui.settings.edit` — add/remove accounts and set options, keeping comments
  (``tomlkit`` renders, :mod:`tui.settings.tomledit` places blocks by lines).
* :mod:`tui.settings.keyrings` — the keyring policy and the in-memory keyring of the demo.
* :mod:`tui.settings.secrets` — tokens: keyring or ``token_command``, always as ``Secret``.
* :mod:`tui.settings.logs` — the rotating, sanitised, redacted log file.
* :mod:`tui.settings.textsafe` — ``display_safe`` when the text engine is there, else a fallback.
"""
