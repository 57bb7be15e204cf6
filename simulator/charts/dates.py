"""How every chart's date axis is labelled: months on a long axis, days on a short one, one date format.

plotly picks the spacing of a date axis's ticks from its length (a day, a week, two weeks, a month, ...); a single
format such as '%b %Y' then repeats the same label on a short axis ('Dec 2023, Dec 2023, Dec 2023'). These stops
give ticks a week or two apart their day ('7 Dec 2023'), in the format of the dates written in the page
(``frames.day``: '3 May 2023'), and monthly or longer ticks their month ('May 2023').
"""

from __future__ import annotations

from ..lang.words import DATE_FORMAT

DAY_MS = 86_400_000
DATE_TICKS = dict(tickformatstops=[dict(dtickrange=[None, 14 * DAY_MS], value=DATE_FORMAT),
                                   dict(dtickrange=["M1", None], value="%b %Y")])
