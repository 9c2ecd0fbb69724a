"""Property: any sequence of adds and removes keeps every comment that is not the removed
account's own, and leaves exactly the expected accounts."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.settings.config import load_config
from tui.settings.edit import add_account, remove_account
from tui.settings.schema import AccountConfig


def build(names: list[str], inner: list[bool]) -> str:
    parts = ["# head", 'theme = "x"  # theme', ""]
    for name, has_inner in zip(names, inner, strict=True):
        parts += [f"# about {name}", "[[accounts]]", 'messenger = "bale"', f'name = "{name}"']
        if has_inner:
            parts.append(f"# inside {name}")
        parts.append("")
    parts += ["# tail section", "[keys]", 'quit = "q"  # quit']
    return "\n".join(parts) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(0, 5),
    inner=st.lists(st.booleans(), min_size=5, max_size=5),
    ops=st.lists(st.tuples(st.booleans(), st.integers(0, 9)), max_size=8),
)
def test_edits_keep_foreign_comments(
    count: int, inner: list[bool], ops: list[tuple[bool, int]]
) -> None:
    names = [f"a{i}" for i in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_text(build(names, inner[:count]))
        present = list(names)
        removed: set[str] = set()
        for is_add, n in ops:
            name = f"a{n}"
            if is_add and name not in present:
                add_account(path, AccountConfig("bale", name))
                present.append(name)
            elif not is_add and name in present:
                remove_account(path, f"bale:{name}")
                present.remove(name)
                removed.add(name)
        text = path.read_text()
        assert [a.name for a in load_config(path).accounts] == present
        for fixed in ("# head", "# theme", "# tail section", "# quit"):
            assert text.count(fixed) == 1, fixed
        assert text.index("# tail section") < text.index("[keys]")
        for name, has_inner in zip(names, inner, strict=False):
            own = [f"# about {name}\n"] + ([f"# inside {name}\n"] if has_inner else [])
            for comment in own:
                assert (comment in text) == (name not in removed), (comment, text)
