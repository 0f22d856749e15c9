"""The one parser of whole numbers typed by anyone (query strings, forms, headers).

Only ASCII digits count (`str.isdigit` also accepts "²" and "①", which `int` then refuses), the
length is bounded before converting (a 5,000-digit string costs nothing), and ids stop at the
largest value an INTEGER column holds on PostgreSQL (2^31 - 1), so no database sees an overflow.
"""

import re

MAX_ID = 2**31 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


def parse_whole(raw: str | None, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """`raw` as a whole number within [minimum, maximum]; None for anything else."""
    if raw is None or not _ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def parse_id(raw: str | None) -> int | None:
    """A record id or revision number: 1 to MAX_ID."""
    return parse_whole(raw, minimum=1)
