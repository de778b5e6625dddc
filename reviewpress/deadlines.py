"""When an action plan is due: the publication date plus a number of working days.

Working days skip Saturdays, Sundays and the bank holidays of England (the `holidays`
package, whose tables ship with it, so nothing is looked up online). The day of
publication itself does not count: 20 working days after Thursday 26 November 2015
is Thursday 24 December 2015.
"""

from __future__ import annotations

import datetime as dt
import functools


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def weekday_date(day: dt.date) -> str:
    """As the page and the files print a due date: "Thursday 24 December 2015"."""
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
