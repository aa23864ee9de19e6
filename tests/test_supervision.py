"""KPIs and district scores against a small fixture computed by hand."""

import uuid
from datetime import datetime, timedelta

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import Point

from inspector.cases.clock import LOCAL_TZ
from inspector.cases.models import Case, CaseEvent
from inspector.extensions import db
from inspector.supervision.kpis import kpis, weekly_trend
from inspector.supervision.scores import district_scores

START, END = datetime(2026, 11, 1, tzinfo=LOCAL_TZ), datetime(2026, 12, 1, tzinfo=LOCAL_TZ)
NOW = datetime(2026, 12, 5, 10, tzinfo=LOCAL_TZ)


def day(d, h=10):
    return (
        datetime(2026, 11, d, h, tzinfo=LOCAL_TZ)
        if d <= 30
        else datetime(2026, 12, d - 30, h, tzinfo=LOCAL_TZ)
    )


@pytest.fixture
def fixture(db_session, make_unit, make_user):
    """Two districts; seven cases whose every KPI and deduction is derived below by hand."""
    unit_a = make_unit("A-GOV", district="410105")
    unit_b = make_unit("B-GOV", district="410103")
    r1, r2 = make_user("inspector"), make_user("inspector")

    def case(n, unit, district, category, reporter, reported, state, **fields):
        row = Case(
            number=f"T{n:05d}",
            client_id=uuid.uuid4(),
            reporter_id=reporter.id,
            category_code=category,
            severity=fields.pop("severity", "normal"),
            location=from_shape(Point(113.6, 34.7), srid=4326),
            raw_x=113.6,
            raw_y=34.7,
            raw_crs="wgs84",
            location_source="device",
            captured_at=reported,
            reported_at=reported,
            state=state,
            unit_id=unit.id,
            district_code=district,
            routing_status="routed",
            routing_reason="test",
            clock_kind=fields.pop("clock_kind", "natural"),
            clock_started_at=fields.pop("clock_started_at", reported),
            **fields,
        )
        db.session.add(row)
        db.session.flush()
        return row

    def event(row, action, at, unit, **payload):
        db.session.add(
            CaseEvent(
                case_id=row.id,
                action=action,
                at=at,
                unit_id=unit.id,
                actor_role="test",
                payload=payload,
            )
        )

    c1 = case(
        1,
        unit_a,
        "410105",
        "01-01",
        r1,
        day(3),
        "closed",
        deadline_at=day(4),
        closed_at=day(4),
        on_time=True,
        used_minutes=100,
        budget_minutes=240,
    )
    event(c1, "verify_pass", day(4), unit_a)
    c2 = case(
        2,
        unit_a,
        "410105",
        "03-03",
        r1,
        day(5),
        "closed",
        severity="serious",
        location_context="wet_market",
        deadline_at=day(6),
        closed_at=day(10),
        on_time=False,
        used_minutes=300,
        budget_minutes=240,
        rework_count=1,
    )
    event(c2, "verify_fail", day(7), unit_a)
    event(c2, "verify_pass", day(10), unit_a)
    c3 = case(
        3,
        unit_a,
        "410105",
        "06-01",
        r1,
        day(20),
        "disputed",
        severity="severe",
        deadline_at=day(21),
        paused_at=day(21),
        used_minutes=30,
        budget_minutes=60,
        recurrence_of_id=c1.id,
        clock_started_at=day(20),
    )
    event(c3, "dispute_rejected", day(21), unit_a)
    case(
        4,
        unit_a,
        "410105",
        "01-01",
        r2,
        day(25),
        "in_progress",
        deadline_at=day(25, 12),
        used_minutes=0,
        budget_minutes=120,
        clock_started_at=day(25),
    )
    case(5, unit_a, "410105", "01-01", r1, day(6), "invalid", closed_at=day(6))
    c6 = case(
        6,
        unit_b,
        "410103",
        "01-01",
        r1,
        day(10),
        "closed",
        deadline_at=day(11),
        closed_at=day(11),
        on_time=True,
        used_minutes=60,
        budget_minutes=240,
    )
    event(c6, "verify_pass", day(11), unit_b)
    c7 = case(
        7,
        unit_a,
        "410103",
        "01-01",
        r2,
        day(12),
        "dispatched",
        deadline_at=day(40),
        used_minutes=0,
        budget_minutes=240,
        clock_started_at=day(40),
    )
    event(c7, "dispute_upheld", day(12), unit_a, from_unit=unit_b.id)
    db.session.flush()
    return {"A": unit_a, "B": unit_b, "case": case, "reporter": r1}


def by_key(rows):
    return {row["key"]: row for row in rows}


def test_kpis_per_district_match_the_hand_computation(fixture):
    rows = by_key(kpis("district", START, END, NOW))
    jinshui = rows["410105"]
    # found: c1 c2 c3 c4 (c5 is invalid); closed: c1 c2 -> closing rate 2/4.
    assert (jinshui["found"], jinshui["closed"], jinshui["closing_rate"]) == (4, 2, 0.5)
    # due in November: c1 c2 c4 (c3 is suspended by its open dispute); on time: c1 -> 1/3.
    assert (jinshui["due"], jinshui["closed_on_time"]) == (3, 1)
    assert jinshui["on_time_rate"] == pytest.approx(0.3333)
    # verifications: c1 pass, c2 fail, c2 pass -> rework rate 1/3.
    assert (jinshui["verifications"], jinshui["failed_verifications"]) == (3, 1)
    assert (jinshui["disputes_upheld"], jinshui["disputes_rejected"]) == (0, 1)
    # handling: (100 + 300) working minutes over 2 closed cases = 3.33 h; overdue now: c4.
    assert jinshui["avg_handling_hours"] == pytest.approx(3.33)
    assert jinshui["overdue_now"] == 1
    erqi = rows["410103"]
    # found c6 c7, closed c6; due c6 (c7's deadline is in December), on time.
    assert (erqi["found"], erqi["closed"], erqi["due"], erqi["on_time_rate"]) == (2, 1, 1, 1.0)
    assert (erqi["verifications"], erqi["rework_rate"]) == (1, 0.0)
    assert (erqi["disputes_upheld"], erqi["avg_handling_hours"], erqi["overdue_now"]) == (1, 1.0, 0)


def test_disputes_count_for_the_unit_that_disputed(fixture):
    rows = by_key(kpis("unit", START, END, NOW))
    # c7's upheld dispute was B's (the case now belongs to A); c3's rejected one is A's.
    assert rows[fixture["B"].id]["disputes_upheld"] == 1
    assert rows[fixture["A"].id]["disputes_rejected"] == 1
    assert rows[fixture["A"].id]["disputes_upheld"] == 0


def test_an_empty_period_has_no_rates(fixture):
    rows = kpis(
        "district",
        datetime(2020, 1, 1, tzinfo=LOCAL_TZ),
        datetime(2020, 2, 1, tzinfo=LOCAL_TZ),
        NOW,
    )
    # Only "overdue now" (c4) is counted outside any period; every rate is undefined.
    assert [row["key"] for row in rows] == ["410105"]
    assert rows[0]["found"] == 0 and rows[0]["on_time_rate"] is None
    assert rows[0]["rework_rate"] is None and rows[0]["avg_handling_hours"] is None


@pytest.mark.parametrize(
    ("first", "last"),
    # 2026-11-01 is a Sunday: periods inside one week, across one Monday, over whole weeks,
    # over the whole of November (day 31 is December 1st), and from a month into the next.
    [(1, 31), (3, 4), (2, 16), (5, 26), (9, 23), (4, 12), (1, 2), (20, 41), (1, 40), (3, 31)],
)
def test_any_period_adds_up_whole_weeks_and_edge_days(fixture, first, last):
    start, end = day(first, 0), day(last, 0)
    rows = kpis("district", start, end, NOW)
    counted = {row["key"]: (row["found"], row["due"]) for row in rows if row["found"] or row["due"]}
    # The naive way: count the cases themselves.
    expected = {}
    for row in db.session.scalars(db.select(Case).where(Case.state != "invalid")):
        found = start <= row.reported_at < end
        due = (
            row.deadline_at is not None
            and start <= row.deadline_at < end
            and not (row.state == "disputed" and row.paused_at is not None)
        )
        if found or due:
            before = expected.get(row.district_code, (0, 0))
            expected[row.district_code] = (before[0] + found, before[1] + due)
    assert counted == expected
    # The weekly trend of the same period: per local week from Monday, found and due.
    weeks = {}
    for row in db.session.scalars(db.select(Case).where(Case.state != "invalid")):
        for moment, index in ((row.reported_at, 0), (row.deadline_at, 1)):
            if moment is None or not start <= moment < end:
                continue
            if index and row.state == "disputed" and row.paused_at is not None:
                continue
            local = moment.astimezone(LOCAL_TZ).date()
            week = weeks.setdefault((local - timedelta(days=local.weekday())).isoformat(), [0, 0])
            week[index] += 1
    trend = {w["week"]: [w["found"], w["due"]] for w in weekly_trend(start, end)}
    assert {week: v for week, v in trend.items() if v != [0, 0]} == weeks


def test_overdue_now_counts_past_deadline_days_and_the_cases_due_earlier_today(fixture):
    make = fixture["case"]
    unit, reporter = fixture["A"], fixture["reporter"]
    # NOW is 2026-12-05 10:00 local. Overdue: c4 (Nov 25), one due Dec 4, one due at 09:00 today;
    # not yet: one due at 11:00 today; paused ones never.
    for n, deadline, paused in (
        (8, day(34, 12), None),
        (9, day(35, 9), None),
        (10, day(35, 11), None),
        (11, day(33), day(33)),
    ):
        make(
            n,
            unit,
            "410105",
            "01-01",
            reporter,
            day(30),
            "in_progress",
            deadline_at=deadline,
            paused_at=paused,
            used_minutes=0,
            budget_minutes=60,
        )
    assert by_key(kpis("district", START, END, NOW))["410105"]["overdue_now"] == 3
    later = datetime(2026, 12, 5, 12, tzinfo=LOCAL_TZ)
    assert by_key(kpis("district", START, END, later))["410105"]["overdue_now"] == 4


def test_district_scores_match_the_hand_computation(fixture):
    scores = {entry.district: entry for entry in district_scores(START, END, NOW)}
    jinshui = scores["410105"]
    # finds: c1 0.2; c2 0.5 x2 (serious) x1.5 (wet market) = 1.5; c3 2.0 x3 x1.5 (recurrence)
    # = 9.0; c4 0.2 -> 10.9. Patrol days: (r1, 3/5/6/20 Nov), (r2, 25 Nov) = 5.
    assert jinshui.find_total == pytest.approx(10.9)
    assert jinshui.exposure == 5
    # handling: c2 overdue ceil(60/240)=1 period x0.5 x0.5 + rework 0.2 = 0.45; c3 推诿 1.0;
    # c4 has run 10 days = 14,400 natural minutes on a 120-minute budget:
    # ceil(14,280/120) = 119 periods x0.5 x0.2 = 11.9 -> 13.35.
    assert jinshui.handle_total == pytest.approx(13.35)
    # 100 - 10.9 / 5 x 10 - 13.35 = 64.85 -> black list (below 70).
    assert (jinshui.score, jinshui.band) == (64.85, "black")
    erqi = scores["410103"]
    # finds: c6 0.2 + c7 0.2 = 0.4 over 2 patrol days; no handling deductions.
    # 100 - 0.4 / 2 x 10 - 0 = 98.0 -> red list.
    assert (erqi.score, erqi.band) == (98.0, "red")
    assert list(scores) == ["410103", "410105"]  # ranked best first
    assert (jinshui.case_count, erqi.case_count) == (4, 2)


def test_each_score_is_explained_by_its_cases(fixture):
    explained = {e.district: e for e in district_scores(START, END, NOW, explain=True)}
    summed = {e.district: e for e in district_scores(START, END, NOW)}
    for district, entry in explained.items():  # the two paths agree
        assert entry.score == summed[district].score
        assert sum(d.find + d.handle for d in entry.cases) == pytest.approx(
            entry.find_total + entry.handle_total
        )
    jinshui = explained["410105"]
    c3 = next(d for d in jinshui.cases if d.number == "T00003")
    assert c3.find == 9.0 and c3.handle == 1.0
    assert "recurrence x1.5" in c3.why and "推诿 x1" in c3.why
    # One district explained alone scores as in the whole ranking.
    from inspector.supervision.scores import explain_district

    alone = explain_district("410105", START, END, NOW)
    assert (alone.score, len(alone.cases)) == (jinshui.score, len(jinshui.cases))
    assert explain_district("999999", START, END, NOW) is None


def test_running_working_clocks_score_the_same_in_sql_and_case_by_case(fixture):
    """The ranking counts running clocks in SQL (clock_days); the explanation counts each case
    with minutes_used. Clocks started on workdays, weekends, before, during and after hours."""
    make = fixture["case"]
    for n, (started, budget) in enumerate(
        [
            (datetime(2026, 11, 2, 7, tzinfo=LOCAL_TZ), 60),  # Monday before hours
            (datetime(2026, 11, 3, 10, 15, tzinfo=LOCAL_TZ), 120),
            (datetime(2026, 11, 7, 11, tzinfo=LOCAL_TZ), 450),  # Saturday
            (datetime(2026, 11, 20, 12, 30, tzinfo=LOCAL_TZ), 900),  # lunch break
            (datetime(2026, 11, 27, 21, tzinfo=LOCAL_TZ), 30),  # after hours
            (datetime(2026, 11, 30, 17, 59, tzinfo=LOCAL_TZ), 45),
        ],
        start=20,
    ):
        make(
            n,
            fixture["A"],
            "410105",
            "01-01",
            fixture["reporter"],
            started,
            "in_progress",
            clock_kind="working",
            clock_started_at=started,
            deadline_at=started,  # past: the clock decides how many periods overdue
            used_minutes=10,
            budget_minutes=budget,
        )
    explained = {e.district: e for e in district_scores(START, END, NOW, explain=True)}
    summed = {e.district: e for e in district_scores(START, END, NOW)}
    assert explained["410105"].handle_total > 0
    for district, entry in explained.items():
        assert summed[district].handle_total == pytest.approx(entry.handle_total)
        assert summed[district].score == entry.score


def test_scoring_parameters_come_from_configuration(fixture, app, tmp_path):
    from inspector.supervision.scores import DEFAULT_SCORING_FILE

    custom = tmp_path / "scoring.toml"
    custom.write_text(
        DEFAULT_SCORING_FILE.read_text(encoding="utf-8").replace("k = 10.0", "k = 20.0"),
        encoding="utf-8",
    )
    app.config["SCORING_FILE"] = str(custom)
    try:
        erqi = next(e for e in district_scores(START, END, NOW) if e.district == "410103")
    finally:
        app.config["SCORING_FILE"] = None
    assert erqi.score == 96.0  # 100 - 0.4 / 2 x 20


# -- the API: desk, map, hotspots, exports, brief ---------------------------------------------

from tests.test_cases import act, new_case  # noqa: E402  (the report helpers)
from tests.test_reports import JINSHUI  # noqa: E402


@pytest.fixture
def busy_city(login_as, demo_city):
    """A few real cases through the API: dispatched, unrouted, disputed, with recurrences."""
    world = {
        "inspector": login_as("inspector"),
        "jinshui": login_as("staff", unit="410105-GOV"),
        "supervisor": login_as("supervisor"),
    }
    cases = [
        new_case(world),
        new_case(world, category="03-03"),
        new_case(world, lon=116.4, lat=39.9),
    ]
    act(world["jinshui"], cases[0], "dispute", unit="410103-GOV", reason="属二七区")
    world["cases"] = cases
    return world


def test_the_desk_lists_unrouted_and_disputed_cases_with_their_reasons(busy_city):
    items = busy_city["supervisor"].get("/api/v1/supervision/desk").get_json()["items"]
    kinds = {item["kind"]: item for item in items}
    assert kinds["unrouted"]["reason"] == "outside every zone"
    assert kinds["unrouted"]["decide_with"] == "assign"
    assert kinds["disputed"]["reason"] == "属二七区"
    assert kinds["disputed"]["named_unit"] == "410103-GOV"


def test_supervision_is_for_supervisors_only(busy_city):
    for path in ("desk", "kpis", "scores", "map?bbox=113,34,114,35&zoom=10", "export.csv"):
        assert busy_city["jinshui"].get(f"/api/v1/supervision/{path}").status_code == 403


def test_the_map_aggregates_at_city_zoom_and_shows_cases_when_zoomed_in(busy_city):
    api = busy_city["supervisor"]
    city = api.get("/api/v1/supervision/map?bbox=113,34.5,114.2,35&zoom=10").get_json()
    assert sum(f["properties"]["count"] for f in city["features"]) == 2
    street = api.get(
        f"/api/v1/supervision/map?bbox={JINSHUI[0] - 0.01},{JINSHUI[1] - 0.01},"
        f"{JINSHUI[0] + 0.01},{JINSHUI[1] + 0.01}&zoom=16"
    ).get_json()
    assert {f["properties"]["category"] for f in street["features"]} == {"01-01", "03-03"}
    filtered = api.get("/api/v1/supervision/map?bbox=113,34.5,114.2,35&zoom=16&category=03")
    assert len(filtered.get_json()["features"]) == 1
    assert api.get("/api/v1/supervision/map?bbox=1,2&zoom=3").status_code == 400


def test_exports_parse_back_with_the_rows_of_the_filtered_list(busy_city):
    import csv
    import io
    import json

    import openpyxl

    api = busy_city["supervisor"]
    listed = api.get("/api/v1/cases?category=01-01&per_page=200").get_json()
    numbers = sorted(case["number"] for case in listed["cases"])
    raw = api.get("/api/v1/supervision/export.csv?category=01-01").get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(row["number"] for row in rows) == numbers
    assert rows[0]["category_name"] == "暴露垃圾"
    book = openpyxl.load_workbook(
        io.BytesIO(api.get("/api/v1/supervision/export.xlsx?category=01-01").get_data()),
        read_only=True,
    )
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert sorted(row[0] for row in sheet_rows[1:]) == numbers
    collection = json.loads(api.get("/api/v1/supervision/export.geojson?category=01-01").data)
    assert sorted(f["properties"]["number"] for f in collection["features"]) == numbers
    assert api.get("/api/v1/supervision/export.pdf").status_code == 400


def test_hotspots_cluster_recurrences_of_one_category(busy_city, db_session):
    from datetime import UTC
    from datetime import datetime as dt

    first = db_session.get(Case, busy_city["cases"][1]["id"])
    for offset in (0.0001, 0.0002):
        again = new_case(busy_city, category="03-03", lon=JINSHUI[0] + offset)
        db_session.get(Case, again["id"]).recurrence_of_id = first.id
    db_session.get(Case, busy_city["cases"][0]["id"]).closed_at = dt.now(UTC)
    db_session.flush()
    api = busy_city["supervisor"]
    spots = api.get("/api/v1/supervision/hotspots").get_json()["hotspots"]
    assert spots[0]["category"] == "03-03" and spots[0]["cases"] == 2
    assert len(spots[0]["numbers"]) == 2
    # The map's filters apply: another category, or another district, has no hotspot here.
    assert api.get("/api/v1/supervision/hotspots?category=03-03").get_json()["hotspots"]
    assert api.get("/api/v1/supervision/hotspots?category=01").get_json()["hotspots"] == []
    assert api.get("/api/v1/supervision/hotspots?district=410103").get_json()["hotspots"] == []


def test_kpi_and_score_endpoints_and_the_weekly_brief(busy_city):
    api = busy_city["supervisor"]
    table = api.get("/api/v1/supervision/kpis?group=unit").get_json()
    assert "410105-JJ" in {row["key"] for row in table["rows"]}
    assert table["trend"] and table["trend"][0]["found"] >= 2
    ranking = api.get("/api/v1/supervision/scores").get_json()["ranking"]
    assert ranking[0]["district"] == "410105"
    for name, kind in (("cases", int), ("exposure_patrol_days", int), ("score", float)):
        assert isinstance(ranking[0][name], kind), name
    explained = api.get("/api/v1/supervision/scores/410105").get_json()
    assert len(explained["explanation"]) == 2
    assert api.get("/api/v1/supervision/kpis?group=planet").status_code == 400
    assert api.get("/api/v1/supervision/kpis?from=2026-12-01&to=2026-11-01").status_code == 400
    brief = api.get("/api/v1/supervision/brief")
    assert brief.status_code == 200 and "红黑榜" in brief.get_data(as_text=True)


def test_the_map_rollup_stays_exact_through_the_workflow(busy_city, db_session):
    """Cell counts from the trigger-kept rollup equal a count of the cases themselves."""
    from sqlalchemy import func, select

    from inspector.supervision.models import CaseMapCell

    case = busy_city["cases"][1]
    act(busy_city["jinshui"], case, "accept")
    act(busy_city["supervisor"], busy_city["cases"][0], "invalidate", reason="重复")
    db_session.execute(db.text("DELETE FROM case_events WHERE false"))  # events stay append-only
    for level in (1, 2):
        by_state = dict(
            db_session.execute(
                select(CaseMapCell.state, func.sum(CaseMapCell.n))
                .where(CaseMapCell.level == level)
                .group_by(CaseMapCell.state)
                .having(func.sum(CaseMapCell.n) != 0)
            ).all()
        )
        actual = dict(
            db_session.execute(select(Case.state, func.count()).group_by(Case.state)).all()
        )
        assert by_state == actual
    api = busy_city["supervisor"]
    city = api.get("/api/v1/supervision/map?bbox=113,34.5,114.2,35&zoom=10").get_json()
    assert city["source"] == "rollup"
    assert sum(f["properties"]["count"] for f in city["features"]) == 2
    open_only = api.get(
        "/api/v1/supervision/map?bbox=113,34.5,114.2,35&zoom=10&state=in_progress"
    ).get_json()
    assert sum(f["properties"]["count"] for f in open_only["features"]) == 1


def test_a_set_based_rebuild_gives_the_rows_the_triggers_kept(busy_city, fixture, db_session):
    from inspector.supervision.services import rebuild_rollups

    queries = {
        "case_map_cells": "SELECT * FROM case_map_cells WHERE n <> 0",
        "case_stats": "SELECT * FROM case_stats WHERE found <> 0 OR closed <> 0 "
        "OR due <> 0 OR closed_on_time <> 0 OR closed_in_period <> 0 OR open_due <> 0",
        "event_stats": "SELECT * FROM event_stats WHERE n <> 0",
        "case_trend_weeks": "SELECT * FROM case_trend_weeks WHERE found <> 0 OR closed <> 0 "
        "OR due <> 0 OR closed_on_time <> 0",
    }

    def snapshot():
        return {
            name: sorted(tuple(row) for row in db_session.execute(db.text(sql)))
            for name, sql in queries.items()
        }

    act(busy_city["jinshui"], busy_city["cases"][1], "accept")
    kept = snapshot()
    rebuild_rollups()
    assert snapshot() == kept
