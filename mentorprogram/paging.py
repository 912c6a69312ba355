"""One page of a list: the rows, and whether there is a next page, in one query (no COUNT)."""


def page_window(*, page: int, per_page: int) -> slice:
    """The rows page ``page`` (from 1) takes, and one more: the one that says whether a next page exists."""
    offset = (max(page, 1) - 1) * per_page
    return slice(offset, offset + per_page + 1)


def page_of(queryset, *, page: int, per_page: int) -> tuple[list, bool]:
    """Page ``page`` (from 1) of an ordered ``queryset`` (or list): its rows and whether a next page exists."""
    rows = list(queryset[page_window(page=page, per_page=per_page)])
    return rows[:per_page], len(rows) > per_page
