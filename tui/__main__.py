"""``python -m tui`` is ``payam``."""

from tui.cli import main

raise SystemExit(main())
