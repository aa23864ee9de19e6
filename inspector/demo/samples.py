"""A few dozen sample cases for the demo city, made through the real intake and workflow."""

import io
import random
import uuid
from datetime import timedelta

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from inspector.auth.models import User
from inspector.cases import workflow
from inspector.cases.models import Case
from inspector.cases.services import utcnow
from inspector.categories.models import Category
from inspector.demo import city
from inspector.extensions import db
from inspector.reports.photos import process_photo
from inspector.reports.services import ReportInput, StoredFiles, submit_report
from inspector.storage import store_from_config

CATEGORIES = [
    "01-01",
    "01-03",
    "01-05",
    "02-01",
    "02-05",
    "03-01",
    "03-03",
    "03-04",
    "04-01",
    "05-02",
    "06-02",
    "06-04",
]
# What happens to the cases of 金水区 after dispatch, in turn (the demo staff "jinshui" acts).
STORIES = ["dispatched", "accepted", "rectified", "closed", "disputed", "closed", "reworked"]


def load_sample_cases(count: int = 36) -> int:
    """Create `count` cases when the city has none yet; returns how many were made."""
    if db.session.scalar(select(func.count()).select_from(Case)):
        return 0
    generator = random.Random(2026)
    inspector = _user("inspector")
    staff = _user("jinshui")
    files = StoredFiles(store_from_config(current_app.config))
    stories = iter(STORIES * count)
    for number in range(count):
        case = _report(generator, number, inspector, files)
        if staff is not None and case.unit is not None and case.unit.code == "410105-GOV":
            _play(case, next(stories), staff, inspector)
    return count


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _report(generator, number: int, inspector: User, files: StoredFiles) -> Case:
    # Every other case in 金水区 (north of its seat, clear of borders), where the demo staff
    # acts; the rest around the seats of the six central districts.
    in_jinshui = number % 2 == 0
    _, _, _, lon, lat = city.DISTRICTS[3 if in_jinshui else number % 6]
    category = db.session.get(Category, CATEGORIES[number % len(CATEGORIES)])
    lon += generator.uniform(-0.012, 0.012)
    lat += generator.uniform(0.004, 0.02) if in_jinshui else generator.uniform(-0.01, 0.01)
    report = ReportInput(
        client_id=uuid.UUID(int=generator.getrandbits(128)),
        category=category,
        x=lon,
        y=lat,
        crs="wgs84",
        accuracy_m=generator.choice([5, 8, 12, 20]),
        location_source="device",
        captured_at=utcnow() - timedelta(hours=generator.uniform(1, 72)),
        severity=generator.choice(["normal", "normal", "serious", "severe"]),
        context=None,
        description=f"示例问题 {number + 1}：{category.name_zh}",
    )
    return submit_report(
        report, [process_photo(_photo(generator, category.code))], inspector, files, source="demo"
    )


def _play(case: Case, story: str, staff: User, inspector: User) -> None:
    if story == "dispatched":
        return
    if story == "disputed":
        workflow.perform(case, "dispute", staff, {"unit": "410104-GOV", "reason": "示例：属管城区"})
        return
    workflow.perform(case, "accept", staff, {})
    if story == "accepted":
        return
    after = [process_photo(_photo(random.Random(case.id), "after"))]
    workflow.perform(case, "rectify", staff, {"note": "示例：已整改"}, after)
    if story == "reworked":
        workflow.perform(
            case, "verify", inspector, {"result": "fail", "note": "示例：仍未整改到位"}
        )
    elif story == "closed":
        workflow.perform(case, "verify", inspector, {"result": "pass"})


def _photo(generator, label: str) -> bytes:
    """A simple generated picture (the demo ships no third-party photos)."""
    image = Image.new("RGB", (800, 600), tuple(generator.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = generator.randrange(0, 760), generator.randrange(0, 560)
        color = tuple(generator.randrange(0, 255) for _ in range(3))
        draw.rectangle(
            [x, y, x + generator.randrange(20, 200), y + generator.randrange(20, 150)], fill=color
        )
    draw.text((20, 20), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
