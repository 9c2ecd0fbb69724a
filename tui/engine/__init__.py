"""The engine: everything between the adapters and the screen, with no Textual in it.

* :mod:`~tui.engine.store` — the SQLite store (one class, assembled from ``store_*`` modules);
  :mod:`~tui.engine.schema` its migrations; :mod:`~tui.engine.normalize` search folding;
* :mod:`~tui.engine.sync` — one receive loop per account; :mod:`~tui.engine.gaps`;
* :mod:`~tui.engine.outbox` — queued, paced, never-doubled sends; :mod:`~tui.engine.textsplit`;
* :mod:`~tui.engine.downloads` — attachment files; :mod:`~tui.engine.locks` — one process per
  job per account; :mod:`~tui.engine.notices` — change notices; :mod:`~tui.engine.clock`;
* :mod:`~tui.engine.service` — the one facade for the UI and the CLI (``service_*`` modules:
  accounts, read side, write side, inbox cache, notices and statuses);
  :mod:`~tui.engine.runtime` — building adapters from the config, lazily;
* :mod:`~tui.engine.testing`, :mod:`~tui.engine.testing_file` — fakes that follow CONTRACTS §1;
  :mod:`~tui.engine.ingest` — a headless sync process (the kill -9 harness runs it).
"""
