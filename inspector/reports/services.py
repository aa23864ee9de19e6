"""Report intake: validate, process photos, route, and store a case exactly once."""

import dataclasses
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import func, select

from inspector.auth.models import User
from inspector.cases import clock
from inspector.cases.models import LOCATION_SOURCES, OPEN_STATES, Case, CasePhoto
from inspector.cases.services import new_case_number, record_event, utcnow
from inspector.categories.models import LOCATION_CONTEXTS, SEVERITIES, Category
from inspector.errors import ApiError, validation_error
from inspector.extensions import db
from inspector.geo import WGS84_SRID
from inspector.reports import spatial
from inspector.reports.photos import PhotoError, ProcessedPhoto, process_photo
from inspector.storage import MediaStore
from inspector.zones.routing import RouteOutcome, RoutingInputError, route_point

MAX_PHOTOS = 5
# Other systems' requests (Open311) often come without a photo; the PWA's always carry 1 to 5.
PHOTOLESS_SOURCES = ("open311",)
MAX_DESCRIPTION = 2000
FUTURE_TOLERANCE = timedelta(minutes=10)
RECURRENCE_WINDOW = timedelta(days=30)

# Photo refusals, translated by their stable code (the reason is the English detail).
PHOTO_MESSAGES = {
    "unsupported_format": lambda: _(
        "Unsupported photo format: accepted are JPEG, PNG, WebP and HEIC/HEIF."
    ),
    "too_large": lambda: _("Photo too large."),
    "too_many_pixels": lambda: _("Photo has too many pixels."),
    "bad_dimensions": lambda: _("Photo dimensions are not plausible."),
    "corrupt": lambda: _("Photo is damaged or truncated; take it again."),
    "polyglot": lambda: _("Photo file carries data that is not part of the image."),
    "empty": lambda: _("Photo file is empty."),
}


@dataclass
class ReportInput:
    client_id: uuid.UUID
    category: Category
    x: float | None
    y: float | None
    crs: str
    accuracy_m: float | None
    location_source: str
    captured_at: datetime | None
    severity: str
    context: str | None
    description: str | None


# -- validation -----------------------------------------------------------------------------


def parse_client_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise validation_error({"client_id": _("a UUID made on the device")}) from None


def parse_report(data: dict, now: datetime) -> ReportInput:
    """Every field checked at once, so the client learns everything to fix in one answer."""
    if not isinstance(data, dict):
        raise validation_error({"data": _("a JSON object")})
    errors: dict[str, str] = {}
    client_id = _field(errors, "client_id", lambda: parse_client_id(data.get("client_id")))
    category = _category(errors, data.get("category"))
    x, y = _coordinates(errors, data.get("lon"), data.get("lat"))
    accuracy = _accuracy(errors, data.get("accuracy_m"))
    source = data.get("location_source") or ("device" if x is not None else "exif")
    if source not in LOCATION_SOURCES:
        errors["location_source"] = _("one of %(values)s", values=", ".join(LOCATION_SOURCES))
    captured_at = _captured_at(errors, data.get("captured_at"), now)
    severity = data.get("severity") or "normal"
    if severity not in SEVERITIES:
        errors["severity"] = _("one of %(values)s", values=", ".join(SEVERITIES))
    context = data.get("context") or None
    if context is not None and context not in LOCATION_CONTEXTS:
        errors["context"] = _("unknown location context")
    description = data.get("description") or None
    if description is not None and (
        not isinstance(description, str) or len(description) > MAX_DESCRIPTION
    ):
        errors["description"] = _("at most %(n)d characters", n=MAX_DESCRIPTION)
    if errors:
        raise validation_error(errors)
    return ReportInput(
        client_id,
        category,
        x,
        y,
        str(data.get("crs") or "wgs84"),
        accuracy,
        source,
        captured_at,
        severity,
        context,
        description,
    )


def _field(errors, name, parse):
    try:
        return parse()
    except ApiError as exc:
        errors.update(exc.fields or {name: exc.message})
        return None


def _category(errors, code) -> Category | None:
    category = db.session.get(Category, code) if isinstance(code, str) else None
    if category is None or not category.active:
        errors["category"] = _("unknown category code")
    return category


def _coordinates(errors, lon, lat) -> tuple[float | None, float | None]:
    if lon is None and lat is None:
        return None, None
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        errors["lon"] = _("lon and lat must be numbers")
        return None, None
    if not (math.isfinite(x) and math.isfinite(y)):
        errors["lon"] = _("lon and lat must be finite numbers")
        return None, None
    return x, y


def _accuracy(errors, value) -> float | None:
    if value is None:
        return None
    try:
        accuracy = float(value)
    except (TypeError, ValueError):
        errors["accuracy_m"] = _("a number of metres")
        return None
    if not (math.isfinite(accuracy) and accuracy >= 0):
        errors["accuracy_m"] = _("a number >= 0")
        return None
    return accuracy


def _captured_at(errors, value, now: datetime) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        errors["captured_at"] = _("an ISO 8601 date and time")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LOCAL_TZ)  # phones send local time
    if moment > now + FUTURE_TOLERANCE:
        errors["captured_at"] = _("more than 10 minutes in the future")
        return None
    return moment


# -- photos -----------------------------------------------------------------------------------


def process_uploads(
    uploads: list[bytes], field: str = "photos", declared: object = None
) -> list[ProcessedPhoto]:
    """Process each upload; `declared` is `photos_meta` from the client (see below)."""
    if not 1 <= len(uploads) <= MAX_PHOTOS:
        raise validation_error({field: _("1 to %(n)d photos", n=MAX_PHOTOS)})
    processed = []
    limits = current_app.config
    for index, data in enumerate(uploads):
        try:
            processed.append(
                process_photo(
                    data, max_bytes=limits["PHOTO_MAX_BYTES"], max_pixels=limits["PHOTO_MAX_PIXELS"]
                )
            )
        except PhotoError as exc:
            message = PHOTO_MESSAGES.get(exc.code, lambda e=exc: e.reason)()
            raise ApiError(
                exc.status, f"photo_{exc.code}", message, {f"{field}[{index}]": exc.reason}
            ) from None
    return with_declared_metadata(processed, declared)


def with_declared_metadata(photos: list[ProcessedPhoto], declared: object) -> list[ProcessedPhoto]:
    """Fill EXIF gaps with what the phone read from its originals before shrinking them.

    The PWA re-encodes photos on the phone (a 4 MB photo becomes a few hundred KB), which drops
    their EXIF; it sends the original's time and GPS as `photos_meta`, in photo order. Real
    EXIF in an upload always wins over a declaration.
    """
    if declared is None:
        return photos
    if not isinstance(declared, list) or len(declared) > len(photos):
        raise validation_error({"photos_meta": _("a list with one entry per photo")})
    completed = list(photos)
    for index, entry in enumerate(declared):
        taken_at, gps = _declared_facts(entry, index)
        exif = photos[index].exif
        exif = dataclasses.replace(
            exif, captured_at=exif.captured_at or taken_at, gps=exif.gps or gps
        )
        completed[index] = dataclasses.replace(photos[index], exif=exif)
    return completed


def _declared_facts(entry, index: int) -> tuple[datetime | None, tuple[float, float] | None]:
    field = f"photos_meta[{index}]"
    if entry is None:
        return None, None
    if not isinstance(entry, dict):
        raise validation_error({field: _("an object with taken_at, lon, lat")})
    taken_at = None
    if entry.get("taken_at"):
        try:
            taken_at = datetime.fromisoformat(str(entry["taken_at"]))
        except ValueError:
            raise validation_error({field: _("an ISO 8601 date and time")}) from None
    gps = None
    if entry.get("lon") is not None and entry.get("lat") is not None:
        try:
            lon, lat = float(entry["lon"]), float(entry["lat"])
        except (TypeError, ValueError):
            raise validation_error({field: _("lon and lat must be numbers")}) from None
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            raise validation_error({field: _("lon and lat out of range")})
        gps = (lon, lat)
    return taken_at, gps


class StoredFiles:
    """Files written for one request, so a failure before commit can take them back."""

    def __init__(self, store: MediaStore):
        self.store = store
        self.keys: list[str] = []

    def put(self, data: bytes, suffix: str) -> str:
        key = self.store.put(data, suffix)
        self.keys.append(key)
        return key

    def discard_unreferenced(self) -> None:
        """After a rollback: delete what no committed photo row points to (content-addressed
        files may be shared with an earlier case)."""
        for key in self.keys:
            if not photo_key_in_use(key):
                self.store.delete(key)


def photo_key_in_use(key: str) -> bool:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(CasePhoto)
            .where(
                (CasePhoto.original_key == key)
                | (CasePhoto.display_key == key)
                | (CasePhoto.thumb_key == key)
            )
        )
        > 0
    )


def attach_photos(
    case: Case,
    photos: list[ProcessedPhoto],
    kind: str,
    uploader: User,
    files: StoredFiles,
    client_id: uuid.UUID | None = None,
) -> list[CasePhoto]:
    rows = []
    for photo in photos:
        gps = photo.exif.gps
        captured = photo.exif.captured_at
        if captured is not None and captured.tzinfo is None:
            captured = captured.replace(tzinfo=clock.LOCAL_TZ)
        row = CasePhoto(
            case=case,
            kind=kind,
            uploaded_by=uploader.id,
            client_id=client_id,
            sha256=photo.sha256,
            media_type=photo.media_type,
            original_key=files.put(photo.original, photo.suffix),
            display_key=files.put(photo.display_jpeg, "jpg"),
            thumb_key=files.put(photo.thumb_jpeg, "jpg"),
            width=photo.width,
            height=photo.height,
            exif_captured_at=captured,
            exif_lon=gps[0] if gps else None,
            exif_lat=gps[1] if gps else None,
        )
        db.session.add(row)
        rows.append(row)
    return rows


# -- intake ------------------------------------------------------------------------------------


def find_case_by_client_id(client_id: uuid.UUID) -> Case | None:
    return db.session.scalar(select(Case).where(Case.client_id == client_id))


def existing_report(client_id: uuid.UUID, reporter: User) -> Case | None:
    case = find_case_by_client_id(client_id)
    if case is not None and case.reporter_id != reporter.id:
        raise ApiError(409, "client_id_taken", _("This client_id belongs to another report."))
    return case


def submit_report(
    report: ReportInput,
    photos: list[ProcessedPhoto],
    reporter: User,
    files: StoredFiles,
    source: str = "pwa",
    calendar: clock.WorkingCalendar | None = None,
) -> Case:
    """Create the case (routed at once) with its photos and events; the caller commits.

    Everything is decided before anything is written, then one flush inserts the case in its
    final state: an UPDATE of the fresh row would fire the rollup triggers twice more, and the
    rollup rows they lock stay locked only from that INSERT to the commit.
    """
    if not photos and source not in PHOTOLESS_SOURCES:
        raise validation_error({"photos": _("1 to %(n)d photos", n=MAX_PHOTOS)})
    now = utcnow()
    x, y, crs, source_of_location = _location(report, photos)
    outcome = _route(x, y, crs, report)
    recurrence_of = find_recurrence(report.category, outcome.lon, outcome.lat, now)
    calendar = calendar or clock.current_calendar()
    number = new_case_number(now)
    # Events cascade the case into the session: no query from here on may flush it early.
    with db.session.no_autoflush:
        case = Case(
            number=number,
            client_id=report.client_id,
            source=source,
            reporter_id=reporter.id,
            category=report.category,
            severity=report.severity,
            location_context=report.context,
            description=report.description,
            location=from_shape(Point(outcome.lon, outcome.lat), srid=WGS84_SRID),
            raw_x=x,
            raw_y=y,
            raw_crs=crs,
            accuracy_m=report.accuracy_m,
            location_source=source_of_location,
            captured_at=report.captured_at or _photo_time(photos) or now,
            reported_at=now,
            state="submitted",
            routing_status=outcome.status,
            routing_reason=outcome.reason,
            routing_rule_id=outcome.rule.id if outcome.rule else None,
            routing_zone_ids=[zone.id for zone in outcome.zones],
            boundary_distance_m=outcome.boundary_distance_m,
            routing_generation=outcome.generation,
            district_code=_district(outcome),
            recurrence_of_id=recurrence_of,
        )
        db.session.add(case)
        attach_photos(case, photos, "report", reporter, files)
        record_event(
            case,
            "submitted",
            reporter,
            None,
            "submitted",
            payload={"photos": len(photos), "location_source": source_of_location},
        )
        apply_routing(case, outcome, None, now, calendar)
    db.session.flush()
    return case


def apply_routing(
    case: Case,
    outcome: RouteOutcome,
    actor: User | None,
    now: datetime,
    calendar: clock.WorkingCalendar | None = None,
) -> None:
    """Dispatch to the routed unit (starting the clock) or leave it for a supervisor."""
    before = case.state
    payload = {
        "reason": outcome.reason,
        "rule": outcome.rule.id if outcome.rule else None,
        "zones": [zone.code for zone in outcome.zones],
        "boundary_distance_m": outcome.boundary_distance_m,
        "candidates": [unit.code for unit in outcome.candidates],
    }
    if outcome.status == "routed":
        case.unit_id = outcome.unit.id
        case.state = "dispatched"
        case.dispatched_at = now
        clock.start_clock(case, calendar or clock.current_calendar(), now)
        record_event(case, "dispatched", actor, before, "dispatched", payload=payload)
    else:
        case.state = "unrouted"
        record_event(
            case, "unrouted", actor, before, "unrouted", note=outcome.reason, payload=payload
        )


def _location(report: ReportInput, photos) -> tuple[float, float, str, str]:
    if report.x is not None:
        return report.x, report.y, report.crs, report.location_source
    gps = next((photo.exif.gps for photo in photos[:1] if photo.exif.gps), None)
    if gps is None:
        raise validation_error({"lon": _("no location: send lon/lat or a photo with GPS")})
    return gps[0], gps[1], "wgs84", "exif"  # phone cameras write WGS-84


def _route(x, y, crs, report: ReportInput) -> RouteOutcome:
    try:
        return route_point(x, y, crs, report.category.code, report.accuracy_m, report.context)
    except RoutingInputError as exc:
        raise validation_error({exc.field: str(exc)}) from None


def _district(outcome: RouteOutcome) -> str | None:
    return next(
        (
            zone.district_code
            for zone in outcome.zones
            if zone.layer_owner_role == "district_government"
        ),
        None,
    )


def _photo_time(photos) -> datetime | None:
    captured = photos[0].exif.captured_at if photos else None
    if captured is not None and captured.tzinfo is None:
        captured = captured.replace(tzinfo=clock.LOCAL_TZ)
    return captured if captured and captured <= utcnow() + FUTURE_TOLERANCE else None


# -- duplicates and recurrence ------------------------------------------------------------------


def nearby_open_cases(
    lon: float, lat: float, category: Category, limit: int = 10
) -> list[tuple[Case, float]]:
    """Open cases of this category near the point from the last 30 days, nearest first.

    Not limited to the inspector's own reports: the point is to find another inspector's
    report of the same problem (only reporting roles reach this).
    """
    since = utcnow() - RECURRENCE_WINDOW
    distance = spatial.distance_m(Case.location, lon, lat)
    query = (
        select(Case, distance)
        .where(
            Case.category_code == category.code,
            Case.state.in_(OPEN_STATES),
            Case.reported_at >= since,
            spatial.within_m(Case.location, lon, lat, category.duplicate_radius_m),
        )
        .order_by(distance)
        .limit(limit)
    )
    return [(case, float(metres)) for case, metres in db.session.execute(query)]


def find_recurrence(category: Category, lon: float, lat: float, now: datetime) -> int | None:
    """A case of this category closed within 30 days near here: a new one is 反弹回潮."""
    query = (
        select(Case.id)
        .where(
            Case.category_code == category.code,
            Case.state == "closed",
            Case.closed_at >= now - RECURRENCE_WINDOW,
            spatial.within_m(Case.location, lon, lat, category.duplicate_radius_m),
        )
        .order_by(Case.closed_at.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def photos_already_added(case: Case, client_id: uuid.UUID) -> bool:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(CasePhoto)
            .where(CasePhoto.case_id == case.id, CasePhoto.client_id == client_id)
        )
        > 0
    )


def open_case_for_photos(case_id: int) -> Case:
    """Any open case can take another inspector's photo of the same problem."""
    case = db.session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None or case.state not in OPEN_STATES:
        raise ApiError(404, "not_found", _("No open case with this id."))
    return case
