"""Print: a footnote stays on the page of its call, in one layout.

WeasyPrint 70, when a line does not fit at the bottom of a page and `orphans` forbids breaking
before it, moves the page's last footnote to the next page to make room for the line (its
"report" of footnotes, WeasyPrint PR #2437). The line stays; its note, whose call stays too,
goes to the next page. For a brief every claim's source is at the foot of its page, so a page
break before that line is the better choice: it is what WeasyPrint does when the page holds no
footnote, and what it did before.

WeasyPrint asks whether the page holds footnotes (`if context.current_page_footnotes`) in two
places only: to decide that move in the line layout, and before a column reports the notes that
overflow it. `apply()` makes the page's list of footnotes answer "no" to that question: it is a
list like any other for everything else (append, remove, membership, iteration), and while the
footnote area is laid out and while a column reports its notes (which must still happen),
WeasyPrint sees the plain list.

Measured on the benchmark's synthetic documents: no note is moved away from its call in the
first layout (10 of 117 were on the 50-page one), so the document is laid out once instead of
four times, on 42 pages instead of 53 (the page breaks the later layouts forced).

pdf.write_pdf still checks every layout, and fixes a note WeasyPrint moves for another reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ACTIVE = True  # False: WeasyPrint's own policy (the tests compare both)


class _PageFootnotes(list[Any]):
    """The footnotes laid out on the current page; false, so that WeasyPrint never moves one."""

    def __bool__(self) -> bool:
        return not ACTIVE and len(self) > 0


def _plain_list_during(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` of WeasyPrint's layout context (or a function given it first) seeing the page's
    footnotes as the plain list they are."""

    def wrapped(context: Any, *args: Any, **kwargs: Any) -> Any:
        footnotes = context.__dict__["current_page_footnotes"]
        context.__dict__["current_page_footnotes"] = list(footnotes)
        try:
            return method(context, *args, **kwargs)
        finally:
            # The method may have changed the list it was given (reported notes removed).
            footnotes[:] = context.__dict__["current_page_footnotes"]
            context.__dict__["current_page_footnotes"] = footnotes

    return wrapped


def apply() -> bool:
    """Patch WeasyPrint's layout once; False if this WeasyPrint is not the one it was made for
    (then nothing is changed, and write_pdf's extra layouts fix the notes it moves)."""
    from weasyprint.layout import LayoutContext, column

    if getattr(LayoutContext, "_factsheet_footnote_policy", False):
        return True
    if not (hasattr(LayoutContext, "_update_footnote_area") and hasattr(column, "_report_footnotes")
            and "current_page_footnotes" not in vars(LayoutContext)):
        return False

    def get(context: Any) -> list[Any]:
        return context.__dict__["current_page_footnotes"]  # type: ignore[no-any-return]

    def set_(context: Any, value: list[Any]) -> None:
        context.__dict__["current_page_footnotes"] = _PageFootnotes(value)

    LayoutContext.current_page_footnotes = property(get, set_)
    LayoutContext._update_footnote_area = _plain_list_during(LayoutContext._update_footnote_area)
    column._report_footnotes = _plain_list_during(column._report_footnotes)
    LayoutContext._factsheet_footnote_policy = True
    return True
