"""The one way a date is written for readers, everywhere: templates (as the `readable_date`
filter, app/templating.py), map hover text, share cards, feeds and the trail. Exports keep the ISO
value plus its precision."""

from datetime import date, datetime

from app.models import Precision


def format_day(day: date | datetime) -> str:
    """"6 Jan 2026"."""
    return f"{day.day} {day:%b %Y}"


def format_date(day: date | datetime | str | None, precision: str | None = "day") -> str:
    """"Jan 2026" for a month-precision date, "6 Jan 2026" otherwise; "" for none. An ISO
    string (as stored in JSON records) is read first."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = datetime.fromisoformat(day)
    return f"{day:%b %Y}" if precision == Precision.month else format_day(day)


def format_moment(moment: datetime) -> str:
    """"22 Nov 2026, 14:03 UTC": when something was saved or published."""
    return f"{format_day(moment)}, {moment:%H:%M} UTC"
