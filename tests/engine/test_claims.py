"""Two processes racing for the same outbox rows: each row is claimed exactly once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from tui.engine.store import Store

CLAIMER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from tui.engine.store import Store
    db, name, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    store = Store(db)
    ids = [i.id for i in store.outbox()]
    while not go.exists():
        time.sleep(0.001)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    for row in ids:
        if store.outbox_claim(row, name, now) is not None:
            print(row, flush=True)
    store.close()
    """
)


def test_two_processes_never_claim_the_same_row(tmp_path: Path) -> None:
    db = tmp_path / "payam.db"
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with Store(db) as store:
        for i in range(150):
            store.enqueue_text("fake:test", f"c{i % 3}", [f"m{i}"], now=now)
        total = {i.id for i in store.outbox()}
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER, str(db), name, str(go)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    go.touch()
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    a, b = ({int(x) for x in out.split()} for out in outs)
    assert a.isdisjoint(b)
    assert a | b == total
    with Store(db) as store:
        assert {i.state for i in store.outbox()} == {"sending"}
