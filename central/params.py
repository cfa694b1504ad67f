"""Types of query parameters that need more care than their Python type gives.

`Day`: a hall-local day written YYYY-MM-DD. Pydantic would also take a bare number as a Unix
timestamp (`?to=0` as 1970-01-01); a day in a query is only ever written out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_day(value: object) -> object:
    if isinstance(value, date) or (isinstance(value, str) and _DAY.fullmatch(value)):
        return value
    raise ValueError("a day written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_written_day)]
