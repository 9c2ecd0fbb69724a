"""The demo: Payam over in-process mock servers, a seeded world and simulated users.

``payam demo`` (:mod:`tui.commands.demo`) and ``make demo`` run it. Nothing here imports
Textual: this is the engine side of the demo, usable from tests and from the headless tools.

* :mod:`tui.demo.world` — :func:`build_world`: the seeded world (a
  :class:`~adapters.mock.MockWorld` plus what only the store knows), from
  :mod:`tui.demo.chats_shop`, :mod:`tui.demo.chats_social` and :mod:`tui.demo.history`;
  :mod:`tui.demo.tricky` holds ``rtl.md`` §7's strings, which the world says;
* :mod:`tui.demo.seed` — writes the store from the world, before the UI starts;
* :mod:`tui.demo.users` — the simulated users, who write through the control API;
* :mod:`tui.demo.runtime` — :func:`start_demo`: temp dirs, the in-memory keyring, the config,
  the served mocks, the seeded store, the (unstarted) service and the users, all undone at exit.
"""

DEFAULT_SEED = 1403
"""The world's seed unless ``payam demo --seed`` says otherwise."""
