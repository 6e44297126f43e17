"""URL converters: ids in paths are the database's integer ids, nothing larger.

Werkzeug's `int` converter takes any number of digits, and a value past the id columns' range
makes the database fail (PostgreSQL's INTEGER ends at 2**31 - 1, SQLite's at 2**63 - 1) with a
500 instead of a 404. Every `<int:...>` in a route is a row id.
"""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of PostgreSQL's INTEGER, which the id columns are
NO_ROW = 0  # no row has it: ids start at 1


class IdConverter(IntegerConverter):
    """`<int:...>` for row ids: a number past MAX_ID names no row (so 404, as any unknown id).

    It still matches the route (a converter that refused it would make Werkzeug answer 405 for
    a method that another route on the same path takes).
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else NO_ROW
