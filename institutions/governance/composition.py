"""Warnings about a governing structure that breaks DOMAIN.md §1's composition rules.

Warnings, not refusals: an institution in transition (a term just ended, a member resigned)
must still be able to record what it has. Plain values in, messages out (``core.i18n.msg``:
the page translates them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from core.i18n import Msg, msg
from institutions.governance.conflicts import names_match

COUNCIL = "council"
MANAGEMENT = "management"
SUPERVISORS = "supervisors"
CHAIR = "chair"
VICE_CHAIR = "vice_chair"
#: Members from these constituencies come from inside the unit; all others from outside.
INSIDE_CONSTITUENCIES = frozenset({"staff", "ex_officio"})
#: For schools and hospitals, outside members must be more than half the council [law].
OUTSIDE_MAJORITY_KINDS = frozenset({"school", "hospital"})
MAX_VICE_CHAIRS = 2
MAX_TERM_YEARS = 5
#: An ended term without a successor seat is reported for this long.
EXPIRED_TERM_NOTICE = timedelta(days=180)


@dataclass(frozen=True)
class SeatInfo:
    """One seat, as plain values."""

    member_id: int
    name: str
    body: str
    office: str
    constituency: str | None
    term_start_on: date
    term_end_on: date | None

    def is_active_on(self, day: date) -> bool:
        return self.term_start_on <= day and (self.term_end_on is None or day <= self.term_end_on)


def composition_warnings(
    *,
    institution_kind: str,
    seats: Iterable[SeatInfo],
    near_relatives: Mapping[int, Iterable[str]],
    finance_officer_ids: Iterable[int],
    today: date,
) -> list[Msg]:
    """Return every composition rule the seats break on ``today``, as messages.

    ``near_relatives`` maps a member to the names of the near relatives they declared;
    ``finance_officer_ids`` are the users who work as finance staff in the institution.
    """
    seats = list(seats)
    relatives = {member: list(names) for member, names in near_relatives.items()}
    finance = frozenset(finance_officer_ids)
    active = [s for s in seats if s.is_active_on(today)]
    by_body: dict[str, dict[int, SeatInfo]] = {COUNCIL: {}, MANAGEMENT: {}, SUPERVISORS: {}}
    for seat in active:
        by_body.setdefault(seat.body, {})[seat.member_id] = seat
    council, management, supervisors = (
        by_body[COUNCIL],
        by_body[MANAGEMENT],
        by_body[SUPERVISORS],
    )
    warnings: list[Msg] = []

    if not council:
        warnings.append(msg("理事会没有在任理事"))
    else:
        if not any(s.office == CHAIR for s in council.values()):
            warnings.append(msg("理事会未设理事长"))
        vice = sum(s.office == VICE_CHAIR for s in council.values())
        if vice > MAX_VICE_CHAIRS:
            warnings.append(msg("副理事长 %(n)d 名，超过 %(max)d 名", n=vice, max=MAX_VICE_CHAIRS))
        if institution_kind in OUTSIDE_MAJORITY_KINDS:
            outside = sum(
                s.constituency is not None and s.constituency not in INSIDE_CONSTITUENCIES
                for s in council.values()
            )
            if outside * 2 <= len(council):
                warnings.append(
                    msg(
                        "外部理事 %(n)d 人，未超过在任理事 %(total)d 人的半数"
                        "（学校、医院的外部理事应过半数）",
                        n=outside,
                        total=len(council),
                    )
                )

    for member_id, seat in sorted(supervisors.items()):
        if member_id in council:
            warnings.append(msg("监事 %(name)s 同时担任理事", name=seat.name))
        if member_id in management:
            warnings.append(msg("监事 %(name)s 同时在管理层任职", name=seat.name))
        if member_id in finance:
            warnings.append(msg("监事 %(name)s 是财务人员", name=seat.name))
        for relative_of, names in sorted(relatives.items()):
            if relative_of in council and any(names_match(seat.name, n) for n in names):
                warnings.append(
                    msg(
                        "监事 %(name)s 是理事 %(member)s 申报的近亲属",
                        name=seat.name,
                        member=council[relative_of].name,
                    )
                )

    for declarer, names in sorted(relatives.items()):
        if declarer not in council:
            continue
        for member_id, seat in sorted(council.items()):
            if member_id != declarer and any(names_match(seat.name, n) for n in names):
                warnings.append(
                    msg(
                        "理事 %(name)s 是理事 %(member)s 申报的近亲属，不应同时任职",
                        name=seat.name,
                        member=council[declarer].name,
                    )
                )

    for seat in active:
        if seat.term_end_on is not None and seat.term_end_on >= _add_years(
            seat.term_start_on, MAX_TERM_YEARS
        ):
            warnings.append(
                msg("%(name)s 的任期超过 %(years)d 年", name=seat.name, years=MAX_TERM_YEARS)
            )

    latest: dict[tuple[str, int], SeatInfo] = {}
    for seat in seats:
        key = (seat.body, seat.member_id)
        if key not in latest or seat.term_start_on > latest[key].term_start_on:
            latest[key] = seat
    for (body, member_id), seat in sorted(latest.items(), key=lambda kv: (kv[0][0], kv[1].name)):
        ended = seat.term_end_on
        if (
            ended is not None
            and ended < today
            and today - ended <= EXPIRED_TERM_NOTICE
            and member_id not in by_body.get(body, {})
        ):
            warnings.append(
                msg(
                    "%(name)s 的任期已于 %(ended)s 届满，尚未换届或续任",
                    name=seat.name,
                    ended=ended,
                )
            )
    return warnings


def _add_years(day: date, years: int) -> date:
    """Return the same calendar day ``years`` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)
