"""set_virtual_size: a scroll view learns a new height without a layout of the screen, yet its
scrollbar, scroll range and offset are what a layout would have made them, and a scrollbar
that appears or goes still re-arranges (the content gets narrower or wider)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.scrollsize import set_virtual_size


class Lines(ScrollView):
    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.size.width)


def scrollbar(view: ScrollView) -> bool:
    """Whether the vertical scrollbar shows (a call, so mypy does not narrow it)."""
    return view.show_vertical_scrollbar


class Host(App[None]):
    CSS = "Lines { height: 10; width: 40; }"

    def compose(self) -> ComposeResult:
        yield Lines()


async def test_taller_and_shorter_without_a_screen_layout() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        set_virtual_size(view, Size(30, 5))
        await pilot.pause()
        assert not scrollbar(view)
        assert view.scrollable_content_region.width == 40

        set_virtual_size(view, Size(30, 100))  # the scrollbar appears: one column less
        await pilot.pause()
        assert scrollbar(view) and view.max_scroll_y == 90
        assert view.scrollable_content_region.width == 40 - view.styles.scrollbar_size_vertical
        assert view.vertical_scrollbar.window_virtual_size == 100

        layouts = 0
        refresh_layout = app.screen._refresh_layout

        def counted(size: Size | None = None, scroll: bool = False) -> None:
            nonlocal layouts
            layouts += 1
            refresh_layout(size, scroll)

        setattr(app.screen, "_refresh_layout", counted)  # noqa: B010 (an instance attribute)
        view.scroll_to(y=90, animate=False, immediate=True)
        set_virtual_size(view, Size(30, 200))  # taller, the scrollbar stays: no layout
        await pilot.pause()
        assert layouts == 0
        assert view.max_scroll_y == 190 and view.scroll_y == 90
        assert view.vertical_scrollbar.window_virtual_size == 200

        set_virtual_size(view, Size(30, 50))  # shorter: the offset is clamped at once
        assert view.scroll_y == 40
        await pilot.pause()
        assert layouts == 0 and view.max_scroll_y == 40

        set_virtual_size(view, Size(30, 3))  # the scrollbar goes: laid out again, full width
        await pilot.pause()
        assert layouts >= 1
        assert not scrollbar(view) and view.scroll_y == 0
        assert view.scrollable_content_region.width == 40


async def test_before_the_first_layout_the_size_waits_for_it() -> None:
    view = Lines()
    set_virtual_size(view, Size(10, 30))  # not mounted: just recorded
    assert view.virtual_size == Size(10, 30)
