"""Intake benchmark: the photo pipeline against naive and floor, and reports/s end to end.

    .venv/bin/python benchmarks/intake.py [--runs 15] [--seconds 15] [--clients 8] [--json PATH]

Prints, in one run:
  - server-side processing per photo (12 MP phone JPEG and a 1600 px JPEG): the pipeline
    (display copy + thumbnail + EXIF + SHA-256), the naive way (full decode, LANCZOS resize,
    save, thumbnail from the original) and the floor (draft decode + one JPEG encode), ratios;
  - end-to-end reports/s through Gunicorn (2 gthread workers x 4 threads, as `make run`) with a
    ~300 KB photo each and 8 clients (one per server thread), on a throwaway database with the
    demo city (so every report is routed and dispatched);
  - the CPU each report cost the Gunicorn workers, the database backends (those of the warm
    pools) and this client. It holds on a busy machine where reports/s does not: cores / (CPU
    per report) is the ceiling on an idle machine.
Needs the embedded database (`make db`) or DATABASE_URL.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from benchmarks._common import gunicorn, throwaway_database, write_json
from benchmarks.intake_photos import encode, phone_like_pixels, photo_figures

CLIENTS = 8
TICKS = os.sysconf("SC_CLK_TCK")


def upload_photo() -> bytes:
    """A phone photo as the PWA sends it: 1600x1200, about 300 KB."""
    image = phone_like_pixels(1600, 1200, seed=3)
    for quality in (85, 80, 75, 70, 60, 50):
        data = encode(image, quality)
        if len(data) <= 330_000:
            return data
    return data


def prepare(database_url: str) -> str:
    """Schema, demo city, an inspector with a token; returns the token."""
    from flask_migrate import upgrade

    from inspector import create_app
    from inspector.auth.services import create_token, create_user
    from inspector.demo.services import load_demo
    from inspector.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        load_demo(Path(tempfile.mkdtemp()))
        user = create_user("bench-inspector", "inspector", "bench-password-123")
        token = create_token(user, "benchmark")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return token


def multipart(photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    data = {
        "client_id": str(uuid.uuid4()),
        "category": "01-01",
        "lon": 113.66 + random.uniform(0, 0.02),
        "lat": 34.785 + random.uniform(0, 0.01),
        "accuracy_m": 8,
        "location_source": "device",
    }
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'
        f"{json.dumps(data)}\r\n--{boundary}\r\nContent-Disposition: form-data; "
        f'name="photos"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    return head + photo + f"\r\n--{boundary}--\r\n".encode(), boundary


def load_test(base: str, token: str, photo: bytes, seconds: float, clients: int) -> dict:
    host, port = base.removeprefix("http://").split(":")
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        while time.monotonic() < stop:
            body, boundary = multipart(photo)
            start = time.perf_counter()
            connection.request(
                "POST",
                "/api/v1/reports",
                body=body,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )
            response = connection.getresponse()
            response.read()
            with lock:
                (latencies if response.status == 201 else failures).append(
                    time.perf_counter() - start if response.status == 201 else response.status
                )
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "reports_per_s": len(latencies) / elapsed,
        "created": len(latencies),
        "failures": len(failures),
        "p50_ms": statistics.median(latencies) * 1000,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far; 0 when it is gone or not on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def descendants(pid: int) -> list[int]:
    """Gunicorn's master and workers: every process below ours."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def database_backends(database_url: str) -> list[int]:
    """Server processes of the benchmark database (readable only when the server is local)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        pids = connection.scalars(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()
    engine.dispose()
    return list(pids)


def measured_load(base: str, token: str, photo: bytes, seconds: float, clients: int, url: str):
    """load_test plus the CPU it cost each side, per created report."""
    servers, backends = descendants(os.getpid()), database_backends(url)
    before = {pid: cpu_seconds(pid) for pid in servers + backends}
    own_before = time.process_time()
    result = load_test(base, token, photo, seconds, clients)
    created = max(result["created"], 1)

    def spent(pids):
        return sum(cpu_seconds(pid) - before[pid] for pid in pids) / created * 1000

    result["server_cpu_ms"] = spent(servers)
    result["database_cpu_ms"] = spent(backends)
    result["client_cpu_ms"] = (time.process_time() - own_before) / created * 1000
    return result


def ceiling(result: dict) -> float:
    spent = result["server_cpu_ms"] + result["database_cpu_ms"] + result["client_cpu_ms"]
    return os.cpu_count() * 1000 / spent if spent else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()
    figures = photo_figures(args.runs)
    photo = upload_photo()
    with throwaway_database() as database_url:
        token = prepare(database_url)
        media = tempfile.mkdtemp(prefix="inspector-bench-media-")
        os.environ["MEDIA_ROOT"] = media
        with gunicorn(database_url, workers=2, extra=("-k", "gthread", "--threads", "4")) as base:
            load_test(base, token, photo, 3, args.clients)  # warm-up: imports, index, pools
            result = measured_load(base, token, photo, args.seconds, args.clients, database_url)
    print(
        f"\nend to end: POST /api/v1/reports, {len(photo) // 1000} KB photo, gunicorn 2 "
        f"workers, {args.clients} clients: {result['reports_per_s']:.1f} reports/s "
        f"(p50 {result['p50_ms']:.0f} ms, {result['created']} created, "
        f"{result['failures']} failed)"
    )
    print(
        f"CPU per report: gunicorn {result['server_cpu_ms']:.1f} ms, database "
        f"{result['database_cpu_ms']:.1f} ms, client {result['client_cpu_ms']:.1f} ms: at most "
        f"{ceiling(result):.0f} reports/s on {os.cpu_count()} idle cores "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )
    figures["reports_per_s"] = round(result["reports_per_s"], 1)
    for key in ("server_cpu_ms", "database_cpu_ms", "client_cpu_ms"):
        figures[f"report_{key}"] = round(result[key], 1)
    write_json(args.json_path, figures)


if __name__ == "__main__":
    main()
