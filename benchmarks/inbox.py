"""Inbox benchmark: 200,000 cases, the inbox of a busy unit and of a supervisor.

    .venv/bin/python benchmarks/inbox.py [--cases 200000] [--repeats 200] [--json PATH]

Seeds the cases with one INSERT ... SELECT (5,000 open ones for 金水区人民政府), then times
`inspector.cases.queries.inbox` + serialisation (what GET /api/v1/cases does) for the unit's staff
and for a supervisor, sorted by deadline with a filter, and compares with the naive way (load
every visible case through the ORM, filter and sort in Python). Target: p95 under 50 ms.
Needs the embedded database (`make db`) or DATABASE_URL.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from benchmarks._common import percentile, throwaway_database, write_json

SEED_SQL = text("""
INSERT INTO cases (number, client_id, source, reporter_id, category_code, severity, location,
    raw_x, raw_y, raw_crs, accuracy_m, location_source, captured_at, reported_at, state, unit_id,
    district_code, routing_status, routing_reason, clock_kind, budget_minutes, used_minutes,
    clock_started_at, dispatched_at, deadline_at, closed_at, updated_at)
SELECT lpad(g::text, 14, '0'), gen_random_uuid(), 'seed', :reporter, cat.code, 'normal',
    ST_SetSRID(ST_MakePoint(113.55 + random() * 0.25, 34.70 + random() * 0.12), 4326),
    113.6, 34.7, 'wgs84', 10, 'device', t, t,
    CASE WHEN g <= :unit_open THEN (ARRAY['dispatched','in_progress','rectified'])[1 + g % 3]
         WHEN g % 10 < 7 THEN 'closed'
         ELSE (ARRAY['dispatched','in_progress','unrouted'])[1 + g % 3]
    END,
    CASE WHEN g <= :unit_open THEN :unit ELSE units.ids[1 + (g % array_length(units.ids, 1))] END,
    '410105', 'routed', 'seeded', 'working', 240, 0, t, t, t + interval '2 days',
    CASE WHEN g > :unit_open AND g % 10 < 7 THEN t + interval '1 day' END, t
FROM generate_series(1, :total) AS g
CROSS JOIN LATERAL (
    SELECT now() - (g % 1000) * interval '1 day' - random() * interval '1 day' AS t) AS tt
CROSS JOIN (SELECT array_agg(id) AS ids FROM units WHERE id <> :unit) AS units
CROSS JOIN LATERAL (SELECT code FROM categories ORDER BY code OFFSET (g % 60) LIMIT 1) AS cat
""")


def seed(total: int, unit_open: int) -> dict:
    from inspector.auth.services import create_user
    from inspector.demo.services import load_demo
    from inspector.extensions import db
    from inspector.units.services import find_unit

    load_demo(Path(tempfile.mkdtemp()))
    unit = find_unit("410105-GOV")
    staff = create_user("bench-staff", "staff", "bench-password-123", unit.code)
    supervisor = create_user("bench-supervisor", "supervisor", "bench-password-123")
    start = time.perf_counter()
    db.session.execute(
        SEED_SQL,
        {"reporter": supervisor.id, "unit": unit.id, "unit_open": unit_open, "total": total},
    )
    db.session.commit()
    # What autovacuum does soon after a bulk load: statistics and the visibility map.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE cases"))
    print(f"seeded {total:,} cases in {time.perf_counter() - start:.1f} s")
    return {"staff": staff, "supervisor": supervisor}


def time_inbox(user, args: dict, repeats: int) -> list[float]:
    from flask_login import login_user

    from inspector.cases import clock, queries
    from inspector.cases.services import case_summary, utcnow

    samples = []
    for _ in range(repeats):
        login_user(user)
        start = time.perf_counter()
        now = utcnow()
        page = queries.inbox(user, MultiDict(args), now)
        calendar = clock.current_calendar()
        [case_summary(case, calendar, now) for case in page.cases]
        samples.append(time.perf_counter() - start)
    return samples


def time_naive(user, state: str, repeats: int) -> list[float]:
    """Every visible case through the ORM, filtered and sorted in Python, first 50 kept."""
    from inspector.cases.services import visible_cases_query
    from inspector.extensions import db

    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        rows = db.session.scalars(visible_cases_query(user)).all()
        chosen = sorted(
            (case for case in rows if case.state == state), key=lambda case: case.deadline_at
        )[:50]
        assert chosen is not None
        samples.append(time.perf_counter() - start)
        db.session.expunge_all()
    return samples


def report(label: str, samples: list[float]) -> dict:
    ms = [s * 1000 for s in samples]
    figures = {"p50": percentile(ms, 50), "p95": percentile(ms, 95)}
    print(f"{label:58} p50 {figures['p50']:8.2f} ms   p95 {figures['p95']:8.2f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--unit-open", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from inspector import create_app
    from inspector.extensions import db

    with throwaway_database() as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "bench.local"})
        with app.app_context(), app.test_request_context():
            upgrade()
            users = seed(args.cases, args.unit_open)
            filters = {"state": "dispatched,in_progress", "sort": "deadline", "per_page": "50"}
            unit = report(
                "unit inbox (5,000 open), open states, by deadline",
                time_inbox(users["staff"], filters, args.repeats),
            )
            supervisor = report(
                "supervisor inbox, overdue in category 03, by deadline",
                time_inbox(
                    users["supervisor"],
                    {"overdue": "1", "category": "03", "per_page": "50"},
                    args.repeats,
                ),
            )
            naive = report(
                "naive: unit's cases via ORM, filter+sort in Python",
                time_naive(users["staff"], "dispatched", max(5, args.repeats // 20)),
            )
            print(
                f"naive / service p95 (unit): {naive['p95'] / unit['p95']:.1f}x; "
                f"target p95 < 50 ms: "
                f"{'met' if max(unit['p95'], supervisor['p95']) < 50 else 'MISSED'}"
            )
            db.session.remove()
            db.engine.dispose()
    write_json(
        args.json_path,
        {
            "inbox_unit_p50_ms": unit["p50"],
            "inbox_unit_p95_ms": unit["p95"],
            "inbox_supervisor_p50_ms": supervisor["p50"],
            "inbox_supervisor_p95_ms": supervisor["p95"],
            "inbox_naive_p95_ms": naive["p95"],
        },
    )


if __name__ == "__main__":
    main()
