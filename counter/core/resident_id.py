"""What a resident ID number says about its holder: the county of birth and the age.

The clerk compares them with the person at the window (a card of someone else's shows at a
glance). The county comes from the GB/T 2260 division codes python-stdnum ships, historical ones
included: a code is read as it was in the holder's birth year (崇文区 for a 1980 card, though
merged into 东城区 since). A code not in the table is a warning, never a refusal: old and
irregular codes exist on valid cards. stdnum is imported on first use, off the start-up path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from client.validators import age_on, birth_date_of, check_resident_id, normalise_id


@dataclass(frozen=True)
class ResidentFacts:
    region_code: str
    province: str | None  # None: the region code is not in the division table
    county: str | None
    born: date
    age: int

    @property
    def region_known(self) -> bool:
        return self.province is not None


def read_resident_id(number: str, today: date) -> ResidentFacts | None:
    """The facts of a valid 18-digit resident ID number; None for anything else."""
    n = normalise_id(number)
    if check_resident_id(n, today) is not None:
        return None
    born, age = birth_date_of(n), age_on(n, today)
    if born is None or age is None:
        return None
    province, county = _birth_place(n)
    return ResidentFacts(n[:6], province, county, born, age)


def _birth_place(number: str) -> tuple[str | None, str | None]:
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    try:
        place = ric.get_birth_place(number)
    except (ValidationError, KeyError, ValueError):
        return None, None
    province = place.get("province") or None
    county = place.get("county") or None
    if county is not None and county.startswith("["):  # several periods, none at the birth year
        county = None
    return province, county
