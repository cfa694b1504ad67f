"""Ratings (好差评) through the real central API in-process: the pad posts, clerks read their own,
supervisors the hall's; one rating per service; the rating period and defaults; the tally
formulas on known data; the 差评 loop."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from central import housekeeping
from central.calendar import WorkCalendar
from client import errors
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.rating_models import RatingRequest
from tests.hall_data import serve_tickets

TODAY = date(2026, 11, 17)  # the conftest clock's day (a Tuesday)


async def rate(pad: CentralClient, ticket_id: int, level: int, comment: str = "") -> Any:
    return await pad.post_rating(RatingRequest(ticket_id=ticket_id, level=level, comment=comment))


def rows(db_path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql, args).fetchall()


# --- posting ----------------------------------------------------------------------------------


async def test_pad_rates_a_finished_service_once(make_client: Any, db_path: Path) -> None:
    (ticket_id,) = await serve_tickets(make_client, "1005", 5)
    pad = await make_client("pad05")
    events_before = (await pad.poll_events(0)).last_id
    rating = await pad.post_rating(
        RatingRequest(ticket_id=ticket_id, level=5, reasons=["friendly", "done_once"])
    )
    assert (rating.level, rating.staff_no, rating.window_no, rating.bad) == (5, "1005", 5, False)
    assert rating.department == "zwfw" and rating.review is None and not rating.is_default
    assert rating.service_day == TODAY

    with pytest.raises(errors.Conflict) as refused:
        await rate(pad, ticket_id, 1)
    assert "一次一评" in refused.value.message
    assert rows(db_path, "SELECT level FROM ratings WHERE ticket_id = ?", ticket_id) == [(5,)]

    page = await pad.poll_events(events_before)
    received = [e for e in page.events if e.type == "rating.received"]
    assert [(e.window_no, e.ticket_id, e.object_id) for e in received] == [
        (5, ticket_id, str(rating.id))
    ]
    boss = await make_client("2001")
    trail = await boss.audit(object_id=f"rating:{rating.id}")
    assert [(r.action, r.actor, r.after and r.after["level"]) for r in trail] == [
        ("rating.received", "pad05", 5)
    ]


async def test_concurrent_posts_for_one_service_give_one_rating(
    central_app: Any, make_client: Any, db_path: Path
) -> None:
    (ticket_id,) = await serve_tickets(make_client, "1005", 5)
    pads = [await make_client("pad05") for _ in range(8)]
    answers = await asyncio.gather(
        *(rate(pad, ticket_id, 1 + i % 5) for i, pad in enumerate(pads)),
        return_exceptions=True,
    )
    won = [a for a in answers if not isinstance(a, BaseException)]
    lost = [a for a in answers if isinstance(a, BaseException)]
    assert len(won) == 1
    assert len(lost) == 7 and all(isinstance(a, errors.Conflict) for a in lost)
    assert rows(db_path, "SELECT COUNT(*) FROM ratings WHERE ticket_id = ?", ticket_id) == [(1,)]


async def test_a_repeated_idempotency_key_gets_the_first_answer(
    central_app: Any, make_client: Any
) -> None:
    (ticket_id,) = await serve_tickets(make_client, "1005", 5)
    pad = await make_client("pad05")
    transport = StreamingASGITransport(central_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as http:
        headers = {**pad.auth_headers(), "Idempotency-Key": "pad05-rating-1"}
        body = {"ticket_id": ticket_id, "level": 4}
        first = await http.post("/v1/ratings", json=body, headers=headers)
        again = await http.post("/v1/ratings", json=body, headers=headers)
        other_key = await http.post(
            "/v1/ratings", json=body, headers={**headers, "Idempotency-Key": "another"}
        )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert other_key.status_code == 409


async def test_only_a_pad_rates_and_only_a_finished_service(make_client: Any) -> None:
    (done,) = await serve_tickets(make_client, "1005", 5)
    kiosk = await make_client("kiosk01")
    waiting = await kiosk.issue_ticket("A")
    pad = await make_client("pad05")
    with pytest.raises(errors.Conflict):
        await rate(pad, waiting.id, 5)
    with pytest.raises(errors.NotFound):
        await rate(pad, 999_999, 5)
    for who in ("1005", "2001", "kiosk01"):
        other = await make_client(who)
        with pytest.raises(errors.Forbidden):
            await rate(other, done, 5)
    with pytest.raises(errors.Invalid) as bad_case:
        await pad.post_rating(RatingRequest(ticket_id=done, level=5, case_no="ZC0000"))
    assert "case_no" in bad_case.value.fields


async def test_level_and_reasons_are_checked(central_app: Any, make_client: Any) -> None:
    pad = await make_client("pad05")
    (done,) = await serve_tickets(make_client, "1005", 5)
    transport = StreamingASGITransport(central_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as http:
        for body in (
            {"ticket_id": done, "level": 6},
            {"ticket_id": done, "level": 0},
            {"ticket_id": done, "level": 3, "reasons": ["rude"]},
            {"ticket_id": done, "level": 3, "comment": "x" * 501},
        ):
            answer = await http.post("/v1/ratings", json=body, headers=pad.auth_headers())
            assert answer.status_code == 422, body


# --- the rating period and defaults -----------------------------------------------------------


async def test_rating_period_closes_and_defaults_are_counted_apart(
    make_client: Any, clock: Any, db_path: Path, central_app: Any
) -> None:
    rated, left = await serve_tickets(make_client, "1005", 5, count=2)
    pad = await make_client("pad05")
    await rate(pad, rated, 4)
    clerk = await make_client("1005")

    clock.advance(days=6, hours=23)
    pad, clerk = await make_client("pad05"), await make_client("1005")  # tokens last 12 h
    today = await clerk.rating_tally(TODAY, TODAY)
    assert (today.total.figures.rated, today.total.figures.unrated) == (1, 1)
    assert today.total.figures.defaults == 0
    assert rows(db_path, "SELECT COUNT(*) FROM ratings") == [(1,)]

    clock.advance(hours=1)  # seven days after the service: the period has ended
    pad, clerk = await make_client("pad05"), await make_client("1005")
    with pytest.raises(errors.Conflict) as closed:
        await rate(pad, left, 5)
    assert "period" in closed.value.message
    # Reading writes nothing: the default waits for the periodic job.
    figures = (await clerk.rating_tally(TODAY, TODAY)).total.figures
    assert (figures.served, figures.rated, figures.unrated, figures.defaults) == (2, 1, 1, 0)
    assert rows(db_path, "SELECT COUNT(*) FROM ratings WHERE is_default") == [(0,)]
    assert housekeeping.run_once(central_app.state.store)["defaults"] == 1
    figures = (await clerk.rating_tally(TODAY, TODAY)).total.figures
    assert (figures.served, figures.rated, figures.unrated, figures.defaults) == (2, 1, 0, 1)
    assert figures.levels[5] == 0 and figures.levels[4] == 1  # the default is not a level count
    assert figures.satisfaction == 1.0
    query = "SELECT level, is_default, channel, rated_by FROM ratings WHERE ticket_id = ?"
    stored = rows(db_path, query, left)
    assert stored == [(5, 1, "default", None)]
    # Running again adds nothing: the sweep remembers how far it went.
    assert housekeeping.run_once(central_app.state.store)["defaults"] == 0
    assert rows(db_path, "SELECT COUNT(*) FROM ratings WHERE is_default") == [(1,)]
    (default,) = [r for r in await clerk.ratings() if r.is_default]
    assert default.ticket_id == left and default.channel == "default" and not default.bad


async def test_no_default_when_the_locality_has_none(db_path: Path, clock: Any) -> None:
    from central.app import create_app
    from central.settings import Settings

    app = create_app(
        Settings(
            db_path=str(db_path),
            seed="demo",
            clock=clock,
            kdf_fast=True,
            rating_default_level=None,
            rating_window_days=3,
        )
    )
    made: list[CentralClient] = []

    async def factory(staff_no: str) -> CentralClient:
        client = CentralClient("http://central.test", transport=StreamingASGITransport(app))
        made.append(client)
        await client.login(staff_no, "counter")
        return client

    try:
        (ticket_id,) = await serve_tickets(factory, "1005", 5)
        clock.advance(days=3)
        pad = await factory("pad05")
        with pytest.raises(errors.Conflict):
            await rate(pad, ticket_id, 5)
        assert housekeeping.run_once(app.state.store)["defaults"] == 0
        figures = (await (await factory("1005")).rating_tally(TODAY, TODAY)).total.figures
        assert (figures.served, figures.rated, figures.unrated, figures.defaults) == (1, 0, 1, 0)
        assert figures.satisfaction is None and figures.average is None
    finally:
        for client in made:
            await client.aclose()


# --- the formulas on known data ---------------------------------------------------------------


async def test_tally_formula_on_known_data(make_client: Any, clock: Any) -> None:
    pad = await make_client("pad05")
    # Yesterday: four services rated 5, 4, 1, 1.
    clock.advance(days=-1)
    for ticket_id, level in zip(
        await serve_tickets(make_client, "1005", 5, 4), (5, 4, 1, 1), strict=False
    ):
        await rate(pad, ticket_id, level)
    clock.advance(days=1)
    # Today: ten services; eight rated 5 5 5 5 4 3 2 1, two unrated.
    today_ids = await serve_tickets(make_client, "1005", 5, 10)
    for ticket_id, level in zip(today_ids, (5, 5, 5, 5, 4, 3, 2, 1), strict=False):
        await rate(pad, ticket_id, level, comment="太慢" if level < 3 else "")
    # Someone else's service does not count in 1005's tally.
    (other,) = await serve_tickets(make_client, "1001", 1)
    await rate(await make_client("pad01"), other, 1)  # window 1's own pad

    clerk = await make_client("1005")
    tally = await clerk.rating_tally(TODAY - timedelta(days=1), TODAY, by="day")
    assert tally.staff_no == "1005"
    yesterday, today = tally.periods
    f = today.figures
    assert (f.served, f.rated, f.unrated, f.defaults, f.bad) == (10, 8, 2, 0, 2)
    assert f.levels == {5: 4, 4: 1, 3: 1, 2: 1, 1: 1}
    assert f.satisfaction == 0.75  # (4 + 1 + 1) / 8
    assert f.average == 3.75  # (20 + 4 + 3 + 2 + 1) / 8
    assert (f.pending, f.upheld, f.rectify_rate) == (2, 0, None)
    y = yesterday.figures
    assert (y.rated, y.bad, y.satisfaction, y.average) == (4, 2, 0.5, 2.75)
    assert today.previous == y
    assert today.change is not None
    assert (today.change.rated, today.change.bad) == (4, 0)
    assert today.change.satisfaction == 0.25 and today.change.average == 1.0
    # The whole range (two days) against the two days before it (nothing there).
    total = tally.total.figures
    assert (total.served, total.rated, total.bad, total.satisfaction) == (14, 12, 4, 0.6667)
    assert tally.total.change is not None and tally.total.change.satisfaction is None

    boss = await make_client("2001")
    hall = (await boss.rating_tally(TODAY, TODAY, staff=None)).total.figures
    assert (hall.served, hall.rated, hall.bad) == (11, 9, 3)
    window = (await boss.rating_tally(TODAY, TODAY, staff=None, window=1)).total.figures
    assert (window.served, window.levels[1]) == (1, 1)
    department = await boss.rating_tally(TODAY, TODAY, staff=None, department="zwfw")
    assert department.total.figures.served == 11
    table = await boss.rating_table(TODAY, TODAY, "staff")
    by_staff = {row.key: row for row in table.rows}
    assert set(by_staff) == {"1001", "1005"}
    assert by_staff["1005"].label == "陈静" and by_staff["1005"].window_no == 5
    assert by_staff["1005"].figures.satisfaction == 0.75
    windows = await boss.rating_table(TODAY, TODAY, "window")
    assert {row.key: row.figures.served for row in windows.rows} == {"1": 1, "5": 10}


async def test_weeks_and_months_bucket_on_the_calendar(make_client: Any, clock: Any) -> None:
    pad = await make_client("pad05")
    clock.advance(days=-9)  # Sunday 2026-11-08: last day of the week before last
    (early,) = await serve_tickets(make_client, "1005", 5)
    await rate(pad, early, 2)
    clock.advance(days=9)
    (now,) = await serve_tickets(make_client, "1005", 5)
    await rate(pad, now, 5)
    clerk = await make_client("1005")

    week = await clerk.rating_tally(date(2026, 11, 16), date(2026, 11, 22), by="week")
    assert [(p.start, p.end) for p in week.periods] == [(date(2026, 11, 16), date(2026, 11, 22))]
    assert week.periods[0].figures.rated == 1
    assert week.periods[0].previous is not None and week.periods[0].previous.rated == 0

    month = await clerk.rating_tally(date(2026, 11, 1), date(2026, 11, 30), by="month")
    (november,) = month.periods
    assert (november.figures.rated, november.figures.bad) == (2, 1)
    assert november.figures.satisfaction == 0.5

    span = await clerk.rating_tally(date(2026, 11, 5), date(2026, 11, 17), by="week")
    assert [(p.start, p.end) for p in span.periods] == [
        (date(2026, 11, 5), date(2026, 11, 8)),
        (date(2026, 11, 9), date(2026, 11, 15)),
        (date(2026, 11, 16), date(2026, 11, 17)),
    ]
    assert [p.figures.rated for p in span.periods] == [1, 0, 1]

    with pytest.raises(errors.Invalid):
        await clerk.rating_tally(date(2026, 11, 17), date(2026, 11, 1))


# --- privacy ----------------------------------------------------------------------------------


async def test_a_clerk_reads_only_their_own(make_client: Any) -> None:
    pad = await make_client("pad05")
    (mine,) = await serve_tickets(make_client, "1005", 5)
    (theirs,) = await serve_tickets(make_client, "1001", 1)
    my_rating = await rate(pad, mine, 1, "等太久")
    their_rating = await rate(await make_client("pad01"), theirs, 2, "态度差")
    clerk = await make_client("1005")

    assert [r.id for r in await clerk.ratings(bad=True)] == [my_rating.id]
    assert [r.id for r in await clerk.ratings(staff=None, bad=True)] == [my_rating.id]
    assert (await clerk.rating(my_rating.id)).comment == "等太久"
    with pytest.raises(errors.Forbidden):
        await clerk.rating(their_rating.id)
    with pytest.raises(errors.Forbidden):
        await clerk.ratings(staff="1001")
    for kwargs in ({"staff": "1001"}, {"staff": None, "window": 1}, {"department": "zwfw"}):
        with pytest.raises(errors.Forbidden):
            await clerk.rating_tally(TODAY, TODAY, **kwargs)  # type: ignore[arg-type]
    assert (await clerk.rating_tally(TODAY, TODAY, staff="1005")).total.figures.rated == 1
    with pytest.raises(errors.Forbidden):
        await clerk.rating_table(TODAY, TODAY)
    for device in ("pad01", "kiosk01"):
        other = await make_client(device)
        with pytest.raises(errors.Forbidden):
            await other.ratings(staff=None)
        with pytest.raises(errors.Forbidden):
            await other.rating_tally(TODAY, TODAY, staff=None)

    boss = await make_client("2001")
    hall = await boss.ratings(staff=None, bad=True)
    assert {r.id for r in hall} == {my_rating.id, their_rating.id}
    assert [r.id for r in await boss.ratings(staff="1001")] == [their_rating.id]
    anonymous = await make_client()
    with pytest.raises(errors.AuthExpired):
        await anonymous.ratings(staff=None)


# --- the 差评 loop ----------------------------------------------------------------------------


async def test_bad_rating_state_machine(make_client: Any, clock: Any, db_path: Path) -> None:
    pad = await make_client("pad05")
    first, second, good = await serve_tickets(make_client, "1005", 5, 3)
    bad = await rate(pad, first, 1, "材料说了三次都不一样")
    other_bad = await rate(pad, second, 2)
    fine = await rate(pad, good, 5)
    assert bad.bad and bad.review is not None and bad.review.state == "pending"
    clerk = await make_client("1005")
    colleague = await make_client("1001")
    boss = await make_client("2001")

    with pytest.raises(errors.Conflict):
        await clerk.explain_rating(fine.id, "not a 差评")
    with pytest.raises(errors.Forbidden):
        await colleague.explain_rating(bad.id, "not mine")
    with pytest.raises(errors.Forbidden):
        await boss.explain_rating(bad.id, "on their behalf")
    with pytest.raises(errors.Conflict):
        await boss.rectify_rating(bad.id, "too early: not verified")
    with pytest.raises(errors.Forbidden):
        await clerk.verify_rating(bad.id, "mistaken")

    # An explanation of zero-width characters only would print as nothing: refused at the field.
    with pytest.raises(errors.Invalid) as blank:
        await clerk.explain_rating(bad.id, "\u200b\u200d\ufeff")
    assert "text" in blank.value.fields

    clock.advance(minutes=5)
    explained = await clerk.explain_rating(bad.id, "清单已按最新指南更新")
    assert explained.review is not None
    assert explained.review.explanation == "清单已按最新指南更新"
    assert explained.review.explained_by == "1005"
    with pytest.raises(errors.Conflict):
        await clerk.explain_rating(bad.id, "second thoughts")

    clock.advance(minutes=5)
    verified = await boss.verify_rating(bad.id, "upheld", "核实属实")
    review = verified.review
    assert review is not None and review.state == "upheld" and review.verified_by == "2001"
    assert review.verified_by_name and review.rectify_days == 15
    assert review.rectify_due == WorkCalendar.default().add_working_days(TODAY, 15).date
    assert review.rectify_due == date(2026, 12, 8)
    with pytest.raises(errors.Conflict):
        await boss.verify_rating(bad.id, "unfounded")

    dismissed = await boss.verify_rating(other_bad.id, "mistaken", "市民按错")
    assert dismissed.review is not None and dismissed.review.state == "mistaken"
    assert dismissed.review.rectify_due is None
    with pytest.raises(errors.Conflict):
        await clerk.explain_rating(other_bad.id, "closed already")
    with pytest.raises(errors.Conflict):
        await boss.rectify_rating(other_bad.id, "nothing to rectify")

    queue = await boss.ratings(staff=None, open_only=True)
    assert [r.id for r in queue] == [bad.id]

    figures = (await clerk.rating_tally(TODAY, TODAY)).total.figures
    assert (figures.pending, figures.upheld, figures.rectified, figures.overdue) == (0, 1, 0, 0)
    assert figures.rectify_rate == 0.0

    clock.advance(days=22)  # past the due date, not rectified
    boss, clerk = await make_client("2001"), await make_client("1005")
    late = await boss.rating(bad.id)
    assert late.review is not None and late.review.overdue
    assert (await clerk.rating_tally(TODAY, TODAY)).total.figures.overdue == 1

    done = await boss.rectify_rating(bad.id, "窗口材料清单统一，组织培训")
    assert done.review is not None and done.review.state == "rectified"
    assert done.review.rectified_by == "2001" and not done.review.overdue
    with pytest.raises(errors.Conflict):
        await boss.rectify_rating(bad.id, "again")
    figures = (await clerk.rating_tally(TODAY, TODAY)).total.figures
    assert (figures.upheld, figures.rectified, figures.rectify_rate) == (1, 1, 1.0)

    trail = await boss.audit(object_id=f"rating:{bad.id}")
    assert [r.action for r in trail] == [
        "rating.received",
        "rating.explain",
        "rating.verify",
        "rating.rectify",
    ]
    assert [r.actor for r in trail] == ["pad05", "1005", "2001", "2001"]
    assert trail[2].before is not None and trail[2].before["review_state"] == "pending"
    assert trail[2].after is not None and trail[2].after["rectify_due"] == "2026-12-08"
    stamps = rows(
        db_path,
        "SELECT explained_at, verified_at, rectified_at FROM ratings WHERE id = ?",
        bad.id,
    )
    assert all(stamps[0])


async def test_verify_takes_the_supervisors_rectification_days(make_client: Any) -> None:
    pad = await make_client("pad05")
    (ticket_id,) = await serve_tickets(make_client, "1005", 5)
    bad = await rate(pad, ticket_id, 2)
    boss = await make_client("2001")
    verified = await boss.verify_rating(bad.id, "upheld", rectify_days=5)
    assert verified.review is not None and verified.review.rectify_days == 5
    assert verified.review.rectify_due == date(2026, 11, 24)


async def test_far_off_dates_are_refused_not_a_server_error(make_client: Any) -> None:
    """Found by the contract fuzzer: year 1 or 9999 stepped outside what a date can hold."""
    supervisor = await make_client("2001")
    for path in (
        "/v1/ratings/table?to=0001-01-01",
        "/v1/ratings/table?from=9999-12-30&to=9999-12-31",
        "/v1/ratings/tally?staff=1001&to=0001-01-01&by=week",
    ):
        response = await supervisor.http.get(path, headers=supervisor.auth_headers())
        assert response.status_code == 422, path
        assert "between 2000-01-01 and 2099-12-31" in response.json()["error"]["message"]
