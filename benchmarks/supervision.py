"""Supervision benchmark: 1,000,000 cases over three years in the demo city.

    .venv/bin/python benchmarks/supervision.py [--cases 1000000] [--repeats 20] [--json PATH]

Prints p50/p95 for map requests (city, district and street zoom, with and without filters), the
KPI dashboard (table and weekly trend; last 30 days and all time) and the district scores, each beside the naive way
(every raw row pulled to Python and aggregated there), and the time and peak memory of a
100,000-row CSV export. Targets: every map request and KPI panel p95 < 150 ms; 100,000-row
export < 10 s with flat memory. Needs the embedded database (`make db`) or DATABASE_URL.
"""

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text

from benchmarks._common import percentile, throwaway_database, write_json

# Cases are inserted in report order over the three years, as a real table grows.
SEED_SQL = text("""
INSERT INTO cases (number, client_id, source, reporter_id, category_code, severity, location,
    raw_x, raw_y, raw_crs, accuracy_m, location_source, captured_at, reported_at, state, unit_id,
    district_code, routing_status, routing_reason, clock_kind, budget_minutes, used_minutes,
    clock_started_at, dispatched_at, deadline_at, closed_at, on_time, rework_count,
    recurrence_of_id, updated_at)
SELECT lpad(g::text, 14, '0'), gen_random_uuid(), 'seed', :reporter, cat.code,
    (ARRAY['normal','normal','serious','severe'])[1 + g % 4], p.pt, ST_X(p.pt), ST_Y(p.pt),
    'wgs84', 10, 'device', t, t,
    CASE WHEN g % 10 < 8 THEN 'closed' ELSE (ARRAY['dispatched','in_progress','unrouted'])[1 + g % 3] END,
    :unit, d.code, 'routed', 'seeded', 'working', 240, (g % 400), t, t, t + interval '2 days',
    CASE WHEN g % 10 < 8 THEN t + interval '1 day' END,
    CASE WHEN g % 10 < 8 THEN g % 400 <= 240 END, g % 3 / 2,
    NULL, t
FROM generate_series(1, :total) AS g
CROSS JOIN LATERAL (SELECT now() - (:total - g) * (1095.0 / :total) * interval '1 day' AS t) AS tt
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(112.9 + random() * 1.2 + g * 0, 34.35 + random() * 0.55), 4326) AS pt) AS p
CROSS JOIN LATERAL (SELECT code FROM categories ORDER BY code OFFSET (g % 60) LIMIT 1) AS cat
CROSS JOIN LATERAL (
    SELECT coalesce((SELECT z.district_code FROM zone_parts zp JOIN zones z ON z.id = zp.zone_id
                     JOIN zone_layers l ON l.id = z.layer_id
                     WHERE l.code = 'district' AND ST_Covers(zp.geom, p.pt) LIMIT 1), '') AS code
) AS d
""")

VIEWS = {
    "map city z10": {"bbox": "112.6,34.2,114.3,35.0", "zoom": "10"},
    "map city z10 filtered": {
        "bbox": "112.6,34.2,114.3,35.0",
        "zoom": "10",
        "category": "03",
        "state": "dispatched,in_progress",
    },
    "map district z13": {"bbox": "113.62,34.74,113.74,34.82", "zoom": "13"},
    "map district z13 filtered": {
        "bbox": "113.62,34.74,113.74,34.82",
        "zoom": "13",
        "overdue": "1",
    },
    "map street z16": {"bbox": "113.670,34.780,113.680,34.786", "zoom": "16"},
    "map street z16 filtered": {
        "bbox": "113.670,34.780,113.680,34.786",
        "zoom": "16",
        "category": "01-01",
    },
}


def seed(total: int):
    from inspector.auth.services import create_user
    from inspector.demo.services import load_demo
    from inspector.extensions import db
    from inspector.supervision.services import rebuild_rollups
    from inspector.units.services import find_unit

    load_demo(Path(tempfile.mkdtemp()))
    supervisor = create_user("bench-supervisor", "supervisor", "bench-password-123")
    start = time.perf_counter()
    # A bulk load: the per-row rollup trigger is off and the rollups are rebuilt set-based after
    # (what `inspector supervision rebuild-rollups` does), as an operator would load history.
    db.session.execute(text("ALTER TABLE cases DISABLE TRIGGER cases_rollup"))
    db.session.execute(
        SEED_SQL, {"reporter": supervisor.id, "unit": find_unit("410105-GOV").id, "total": total}
    )
    db.session.execute(
        text("UPDATE cases SET recurrence_of_id = id - 12 WHERE id % 50 = 0 AND id > 12")
    )
    db.session.execute(text("ALTER TABLE cases ENABLE TRIGGER cases_rollup"))
    rebuild_rollups()
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("cases", "case_stats", "event_stats", "case_map_cells"):
            connection.execute(text(f"VACUUM ANALYZE {table}"))
    print(f"seeded {total:,} cases in {time.perf_counter() - start:.0f} s")
    return supervisor


def timed(function, repeats: int, warm_up: bool = True) -> list[float]:
    """Milliseconds per call; one untimed call first (statement compilation, plans, calendar),
    as a running server has done long before."""
    if warm_up:
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def row(label: str, samples: list[float], naive: list[float] | None = None) -> dict:
    figures = {"p50": percentile(samples, 50), "p95": percentile(samples, 95)}
    text_naive = ""
    if naive:
        figures["naive_p95"] = percentile(naive, 95)
        text_naive = (
            f"   naive p95 {figures['naive_p95']:9.1f} ms "
            f"({figures['naive_p95'] / figures['p95']:.1f}x)"
        )
    print(f"{label:34} p50 {figures['p50']:8.1f} ms   p95 {figures['p95']:8.1f} ms{text_naive}")
    return figures


def naive_map(bbox: str) -> None:
    """Every case in the box through the ORM, counted per grid cell in Python."""
    from inspector.cases.models import Case
    from inspector.extensions import db

    minx, miny, maxx, maxy = (float(v) for v in bbox.split(","))
    cells = Counter()
    query = select(Case).where(
        Case.location.op("&&")(text(f"ST_MakeEnvelope({minx},{miny},{maxx},{maxy},4326)"))
    )
    for case in db.session.scalars(query.execution_options(yield_per=5000)):
        cells[case.district_code] += 1
    db.session.expunge_all()


def naive_kpis(start: datetime) -> None:
    from inspector.cases.models import Case
    from inspector.extensions import db

    counts = Counter()
    for case in db.session.scalars(
        select(Case).where(Case.reported_at >= start).execution_options(yield_per=5000)
    ):
        counts[(case.district_code, case.state)] += 1
    db.session.expunge_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()

    from flask_login import login_user
    from flask_migrate import upgrade
    from werkzeug.datastructures import MultiDict

    from inspector import create_app
    from inspector.cases.queries import apply_filters
    from inspector.cases.services import utcnow, visible_cases_query
    from inspector.extensions import db
    from inspector.supervision import exports, kpis, scores, services

    figures = {}
    with throwaway_database() as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "bench.local"})
        with app.app_context(), app.test_request_context():
            upgrade()
            supervisor = seed(args.cases)
            login_user(supervisor)
            now = utcnow()
            map_p95 = []
            for label, params in VIEWS.items():
                bbox = tuple(float(v) for v in params["bbox"].split(","))

                def request(params=params, bbox=bbox):
                    query = apply_filters(visible_cases_query(supervisor), MultiDict(params), now)
                    services.map_features(query, bbox, int(params["zoom"]), now)

                naive = (
                    timed(lambda p=params: naive_map(p["bbox"]), 2, warm_up=False)
                    if "filtered" not in label
                    else None
                )
                map_p95.append(row(label, timed(request, args.repeats), naive)["p95"])
            kpi_p95 = []
            for label, days in (("KPIs last 30 days", 30), ("KPIs all time", 4000)):
                start = now - timedelta(days=days)

                def dashboard(s=start):
                    """What GET /supervision/kpis computes: the table and the weekly trend."""
                    kpis.kpis("district", s, now, now)
                    kpis.weekly_trend(s, now)

                samples = timed(dashboard, args.repeats)
                kpi_p95.append(
                    row(label, samples, timed(lambda s=start: naive_kpis(s), 1, warm_up=False))[
                        "p95"
                    ]
                )
            start = now - timedelta(days=30)
            kpi_p95.append(
                row(
                    "scores last 30 days",
                    timed(lambda: scores.district_scores(start, now, now), args.repeats),
                    # naive: every case of the period loaded and scored one by one in Python
                    timed(
                        lambda: scores.district_scores(start, now, now, explain=True),
                        1,
                        warm_up=False,
                    ),
                )["p95"]
            )
            figures.update(map_p95_ms_max=max(map_p95), kpi_p95_ms_max=max(kpi_p95))
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            began = time.perf_counter()
            query = visible_cases_query(supervisor).limit(100_000)
            size = sum(len(chunk) for chunk in exports.csv_stream(exports.export_rows(query)))
            elapsed = time.perf_counter() - began
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"export 100,000 rows as CSV: {elapsed:.1f} s, {size / 1e6:.1f} MB, "
                f"peak RSS {peak:.0f} MB (before {before:.0f} MB)"
            )
            figures.update(
                export_100k_s=round(elapsed, 2),
                export_peak_rss_mb=round(peak),
                export_rss_growth_mb=round(peak - before),
            )
            db.session.remove()
            db.engine.dispose()
    write_json(args.json_path, figures)


if __name__ == "__main__":
    main()
