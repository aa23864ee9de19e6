"""Routing benchmark: the service against the floor and the naive way, in one run.

    .venv/bin/python benchmarks/routing.py [--points 5000] [--batch 100000] [--json PATH]

Needs the embedded database running (`make db`) or DATABASE_URL, and ../shared/data.
Prints, per dataset (Zhengzhou's 12 districts, Seoul's 424 dongs):
  - route_point (complete outcome: zones, rule, unit, boundary distance): p50/p99
  - the floor: one prepared ST_Covers query on the subdivided table through psycopg
  - the naive way: ST_Contains on the raw polygons + a geography boundary distance, via the ORM
  - batch re-routing throughput (route_many) for --batch points
and, for Zhengzhou, GET /api/v1/route through Gunicorn (2 workers) at concurrency 8 with wrk.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks._common import (
    SHARED_DATA,
    gunicorn,
    run_wrk,
    summarise_ms,
    throwaway_database,
    write_json,
)

DATASETS = {
    "zhengzhou": ("zhengzhou_districts_gcj02.geojson", "gcj02", None),
    "seoul": ("seoul_dongs_wgs84.geojson", "wgs84", "adm_cd"),
}

NAIVE_SQL = text(
    "SELECT z.id, ST_Distance(ST_Boundary(z.geom)::geography, "
    "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography) AS distance "
    "FROM zones z WHERE z.retired_at IS NULL "
    "AND ST_Contains(z.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
)


def load_dataset(name: str) -> None:
    """Import one dataset as the district layer, with a government unit per zone."""
    from inspector.extensions import db
    from inspector.units.services import create_unit
    from inspector.zones import rules, services
    from inspector.zones.importer import read_boundary_file

    filename, crs, code_field = DATASETS[name]
    features = read_boundary_file(SHARED_DATA / "boundaries" / filename, crs, code_field)
    for feature in features:
        create_unit(
            f"{name}-{feature.code}",
            feature.name or feature.code,
            "district_government",
            district_code=feature.code,
        )
    rules.ensure_default_rules()
    layer = services.ensure_layer("district", 0, "district_government")
    services.import_zones(layer, features, crs)
    db.session.commit()


def random_points(count: int, seed: int = 1) -> list[tuple[float, float]]:
    from inspector.extensions import db

    minx, miny, maxx, maxy = db.session.execute(
        text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            "(SELECT ST_Extent(geom) AS e FROM zones WHERE retired_at IS NULL) s"
        )
    ).one()
    generator = random.Random(seed)
    return [(generator.uniform(minx, maxx), generator.uniform(miny, maxy)) for _ in range(count)]


def bench_service(points) -> dict:
    from inspector.zones.routing import route_point

    route_point(*points[0], "wgs84", "01-01")  # build the index once, outside the timing
    samples = []
    for lon, lat in points:
        start = time.perf_counter()
        route_point(lon, lat, "wgs84", "01-01", 10.0)
        samples.append(time.perf_counter() - start)
    return summarise_ms(samples)


def bench_floor(database_url: str, points) -> dict:
    from inspector.zones.spatial import ZONES_COVERING_POINT

    url = make_url(database_url)
    samples = []
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database
    ) as conn:
        cursor = conn.cursor()
        for lon, lat in points:
            start = time.perf_counter()
            cursor.execute(ZONES_COVERING_POINT, (lon, lat), prepare=True)
            cursor.fetchall()
            samples.append(time.perf_counter() - start)
    return summarise_ms(samples)


def bench_naive(points) -> dict:
    from inspector.extensions import db

    samples = []
    for lon, lat in points:
        start = time.perf_counter()
        db.session.execute(NAIVE_SQL, {"lon": lon, "lat": lat}).all()
        samples.append(time.perf_counter() - start)
    return summarise_ms(samples)


def bench_batch(count: int) -> float:
    from inspector.zones.routing import route_many

    points = np.array(random_points(count, seed=2))
    categories = ["01-01" if i % 3 else "03-03" for i in range(count)]
    start = time.perf_counter()
    outcomes = route_many(points[:, 0], points[:, 1], categories, [10.0] * count)
    elapsed = time.perf_counter() - start
    assert len(outcomes) == count
    return count / elapsed


def bench_http(database_url: str, token: str) -> dict:
    # gthread workers keep connections alive (sync workers close each one), as `make run` does.
    with gunicorn(database_url, workers=2, extra=("-k", "gthread", "--threads", "4")) as base:
        url = f"{base}/api/v1/route?lon=113.66&lat=34.76&category=03-03&accuracy=10"
        headers = {"Authorization": f"Bearer {token}"}
        run_wrk(url, headers, seconds=2, connections=8)  # warm-up: indexes, connections
        return run_wrk(url, headers, seconds=8, connections=8)


def make_token() -> str:
    from inspector.auth.services import create_token, create_user
    from inspector.extensions import db

    user = create_user("bench-supervisor", "supervisor", "bench-password-123")
    token = create_token(user, "benchmark")
    db.session.commit()
    return token


def run_dataset(name: str, points_count: int, batch: int, with_http: bool) -> dict:
    from flask_migrate import upgrade

    from inspector import create_app
    from inspector.extensions import db

    with throwaway_database() as database_url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            upgrade()
            load_dataset(name)
            points = random_points(points_count)
            service = bench_service(points)
            floor = bench_floor(database_url, points)
            naive = bench_naive(points)
            batch_rate = bench_batch(batch)
            token = make_token() if with_http else None
            db.session.remove()
            db.engine.dispose()
        http = bench_http(database_url, token) if with_http else None
    return {"service": service, "floor": floor, "naive": naive, "batch": batch_rate, "http": http}


def report(name: str, figures: dict) -> None:
    service, floor, naive = figures["service"], figures["floor"], figures["naive"]
    print(f"\n== {name} ==")
    print(f"{'single point (ms)':38} {'p50':>8} {'p99':>8}")
    for label, data in (
        ("route_point, complete outcome", service),
        ("floor: prepared ST_Covers, psycopg", floor),
        ("naive: ST_Contains + geography, ORM", naive),
    ):
        print(f"{label:38} {data['p50']:8.3f} {data['p99']:8.3f}")
    print(
        f"naive / service p50: {naive['p50'] / service['p50']:.1f}x; "
        f"service / floor p50: {service['p50'] / floor['p50']:.2f}x"
    )
    print(f"batch re-routing: {figures['batch']:,.0f} points/s")
    if figures["http"]:
        http = figures["http"]
        print(
            f"HTTP GET /api/v1/route, gunicorn 2 workers, c=8: {http['rps']:,.0f} req/s, "
            f"p50 {http['p50_ms']:.2f} ms, p99 {http['p99_ms']:.2f} ms, "
            f"non-2xx {http['errors']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()
    if not (SHARED_DATA / "boundaries").exists():
        raise SystemExit(f"benchmark data not found: {SHARED_DATA / 'boundaries'}")
    results = {}
    for name in DATASETS:
        results[name] = run_dataset(name, args.points, args.batch, with_http=name == "zhengzhou")
        report(name, results[name])
    zz = results["zhengzhou"]
    write_json(
        args.json_path,
        {
            "route_p50_ms": zz["service"]["p50"],
            "route_p99_ms": zz["service"]["p99"],
            "floor_p50_ms": zz["floor"]["p50"],
            "naive_p50_ms": zz["naive"]["p50"],
            "batch_points_per_s": zz["batch"],
            "http_route_rps_c8": zz["http"]["rps"],
            "http_route_p50_ms": zz["http"]["p50_ms"],
            "seoul_route_p50_ms": results["seoul"]["service"]["p50"],
            "seoul_route_p99_ms": results["seoul"]["service"]["p99"],
            "seoul_batch_points_per_s": results["seoul"]["batch"],
        },
    )


if __name__ == "__main__":
    main()
