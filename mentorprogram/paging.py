"""One page of a list: the rows, and whether there is a next page, in one query (no COUNT)."""


def page_of(queryset, *, page: int, per_page: int) -> tuple[list, bool]:
    """Page ``page`` (from 1) of an ordered ``queryset``: its rows and whether a next page exists."""
    offset = (max(page, 1) - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return rows[:per_page], len(rows) > per_page
