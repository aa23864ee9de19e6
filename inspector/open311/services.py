"""Open311 GeoReport v2 over our taxonomy, intake and workflow (reading requests: queries.py).

Decisions the spec leaves to the server:

- One jurisdiction (JURISDICTION_ID, "zhengzhou" by default). `jurisdiction_id` is optional; any
  other value is 404 "jurisdiction_id provided was not found".
- A service is a taxonomy item: `service_code` is our code ("01-01"), `group` the item's group.
  Every item takes the same three attributes, so `metadata` is true for all: `severity` and
  `context` (lists of our codes) and `client_id` (a UUID that makes a POST idempotent).
- Names follow the request's language: Chinese, English when `locale` (e.g. en, en_US) or
  Accept-Language asks. Error descriptions are English, the language of the standard.
- `service_request_id` is the case number; `status` is closed for closed and invalid cases, open
  otherwise. `status_notes` is a public sentence for the state, plus the closing note (the
  verifier's or the invalidation reason) once closed; unit-to-unit notes (disputes, extension
  requests, rework) are internal and never shown. `agency_responsible` is the unit's name,
  `expected_datetime` the handling deadline, `address` the `address_string` an integration sent
  (else empty), `zipcode` always null; times are ISO 8601 in China time (+08:00).
- GET requests lists every case (a key holder sees what the public would), newest first, at most
  OPEN311_MAX_REQUESTS (1000) per call. `service_request_id` overrides every other filter, as the
  spec says. Dates are W3C/ISO 8601; without a time zone they are China time; the window is at
  most 90 days and defaults to the last 90 days, or to 90 days from the one end given. An unknown
  `service_code` or `status` in a filter is a 400 (a typo should not look like "no cases").
- POST goes through the PWA's intake (validation, routing, case number, events) with source
  "open311" and the key's service account as reporter; the location source is "manual" (a point
  given by another system). `lat`/`long` are WGS-84; `address_string` alone is refused because no
  geocoder is configured. Without `attribute[client_id]` every POST makes a new case.
- Photos: a `media` file in a multipart POST (a common extension) goes through the photo pipeline;
  `media_url` is fetched only when OPEN311_FETCH_MEDIA is on (see media.py). Otherwise it is kept
  on the request's record and the answer's `service_notice` says it was not fetched: refusing it
  would break clients that always send one.
- The reporter contact (email, first_name, last_name, phone, device_id, account_id) is stored
  with the request and never returned; `account_id` in answers is always null.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspector.cases.models import Case
from inspector.categories.models import LOCATION_CONTEXTS, Category
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.open311 import media
from inspector.open311.formats import Open311Error, localized
from inspector.open311.models import Open311ApiKey, Open311Request
from inspector.open311.queries import service_notice
from inspector.reports import services as intake

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"  # when this interface last changed
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id")
MAX_CONTACT_LENGTH = 200
MAX_ADDRESS_LENGTH = 500

SEVERITY_NAMES = {
    "normal": ("一般", "Normal"),
    "serious": ("较重", "Serious"),
    "severe": ("严重（紧急时限）", "Severe (emergency deadline)"),
}
DEADLINE_UNITS = {
    "h": ("小时", "hours"),
    "wh": ("工作小时", "working hours"),
    "wd": ("个工作日", "working days"),
}
# Intake's field names -> the names an Open311 caller used.
FIELD_NAMES = {
    "category": "service_code",
    "lon": "long",
    "crs": "long",
    "client_id": "attribute[client_id]",
    "severity": "attribute[severity]",
    "context": "attribute[context]",
    "photos": "media",
}


# -- scope ----------------------------------------------------------------------------------


def check_jurisdiction(value: str | None) -> None:
    if value and value != current_app.config["JURISDICTION_ID"]:
        raise Open311Error(404, "jurisdiction_id provided was not found")


def discovery() -> dict:
    config = current_app.config
    base = url_for("open311.discovery", fmt="json", _external=True).rsplit("/", 1)[0]
    return {
        "changeset": CHANGESET,
        "contact": config["OPEN311_CONTACT"],
        "key_service": "API keys are issued per integration by the city's administrators.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


# -- services -----------------------------------------------------------------------------------


def service_list(lang: str) -> list[dict]:
    query = (
        select(Category)
        .options(joinedload(Category.group))
        .where(Category.active)
        .order_by(Category.code)
    )
    return [service_summary(category, lang) for category in db.session.scalars(query)]


def service_summary(category: Category, lang: str) -> dict:
    return {
        "service_code": category.code,
        "service_name": localized(category.name_zh, category.name_en, lang),
        "description": service_description(category, lang),
        "metadata": bool(attributes(lang)),
        "type": "realtime",
        "keywords": ", ".join(category.keywords or []),
        "group": localized(category.group.name_zh, category.group.name_en, lang),
    }


def service_description(category: Category, lang: str) -> str:
    """Group, name and the deadlines: what a hotline operator tells the caller."""
    group = localized(category.group.name_zh, category.group.name_en, lang)
    name = localized(category.name_zh, category.name_en, lang)
    normal = _duration(category.deadline_value, category.deadline_unit, lang)
    severe = _duration(category.emergency_deadline_value, category.emergency_deadline_unit, lang)
    if lang == "en":
        return f"{group} / {name}. Handling deadline: {normal}; severe cases: {severe}."
    return f"{group}／{name}。处置时限：{normal}；严重（紧急）：{severe}。"


def _duration(value: float, unit: str, lang: str) -> str:
    zh, en = DEADLINE_UNITS[unit]
    return f"{value:g} {en}" if lang == "en" else f"{value:g}{zh}"


def get_service(code: str | None) -> Category:
    if not code:
        raise Open311Error(400, "service_code was not provided")
    category = db.session.get(Category, code)
    if category is None or not category.active:
        raise Open311Error(404, "service_code provided was not found")
    return category


def service_definition(code: str, lang: str) -> dict:
    category = get_service(code)
    return {"service_code": category.code, "attributes": attributes(lang)}


def attributes(lang: str) -> list[dict]:
    en = lang == "en"
    return [
        {
            "variable": True,
            "code": "severity",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "One key; normal when not given."
            if en
            else "填一个取值；不填为一般。",
            "order": 1,
            "description": "How serious is it? Severe cases run on the emergency deadline."
            if en
            else "严重程度：严重的按紧急时限处置。",
            "values": [
                {"key": key, "name": localized(zh, en_name, lang)}
                for key, (zh, en_name) in SEVERITY_NAMES.items()
            ],
        },
        {
            "variable": True,
            "code": "context",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "One key, or nothing." if en else "填一个取值，可不填。",
            "order": 2,
            "description": "What kind of place is it?" if en else "点位类型",
            "values": [
                {"key": key, "name": localized(zh, en_name, lang)}
                for key, (zh, en_name) in LOCATION_CONTEXTS.items()
            ],
        },
        {
            "variable": True,
            "code": "client_id",
            "datatype": "string",
            "required": False,
            "datatype_description": "A UUID made by the sending system; sending the same value "
            "again returns the same service request instead of a new one."
            if en
            else "发送方生成的 UUID；重复发送同一值返回同一工单，不会重复立案。",
            "order": 3,
            "description": "Your system's id of this report" if en else "发送方系统中的编号",
        },
    ]


# -- creating requests ------------------------------------------------------------------------


@dataclass
class RequestInput:
    report: intake.ReportInput
    address: str | None
    address_id: str | None
    contact: dict
    media_url: str | None
    notices: list[str] = field(default_factory=list)


def parse_request(values, now: datetime) -> RequestInput:
    """The POST's fields, checked by the PWA's own intake rules under their Open311 names."""
    category = get_service(values.get("service_code"))
    lat, lon = values.get("lat") or None, values.get("long") or None
    if lat is None or lon is None:
        if values.get("address_string") or values.get("address_id"):
            raise Open311Error(
                400, "geocoding is not configured: send lat and long (WGS-84) with address_string"
            )
        raise Open311Error(400, "lat and long (WGS-84) were not provided")
    data = {
        "client_id": values.get("attribute[client_id]") or str(uuid.uuid4()),
        "category": category.code,
        "lon": lon,
        "lat": lat,
        "crs": "wgs84",
        "location_source": "manual",
        "severity": values.get("attribute[severity]"),
        "context": values.get("attribute[context]"),
        "description": values.get("description"),
    }
    with in_english():
        report = intake.parse_report(data, now)
    return RequestInput(
        report,
        _text(values, "address_string", MAX_ADDRESS_LENGTH),
        _text(values, "address_id", 100),
        {name: value for name in CONTACT_FIELDS if (value := _contact(values, name))},
        _text(values, "media_url", 2000),
    )


def _text(values, name: str, limit: int) -> str | None:
    value = (values.get(name) or "").strip()
    if len(value) > limit:
        raise Open311Error(400, f"{name}: at most {limit} characters")
    return value or None


def _contact(values, name: str) -> str | None:
    value = _text(values, name, MAX_CONTACT_LENGTH)
    if name == "email" and value and not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        raise Open311Error(400, "email: not an email address")
    return value


def existing_request(data: RequestInput, key: Open311ApiKey) -> Case | None:
    """The case an earlier POST with this attribute[client_id] made (409 if another's)."""
    with in_english():
        return intake.existing_report(data.report.client_id, key.user)


def request_photos(data: RequestInput, uploads: list[bytes]) -> list:
    """Uploaded `media` files, plus the fetched media_url when the admin allows fetching."""
    config = current_app.config
    if data.media_url and config["OPEN311_FETCH_MEDIA"]:
        try:
            uploads = [
                *uploads,
                media.fetch(
                    data.media_url, config["PHOTO_MAX_BYTES"], config["OPEN311_FETCH_MEDIA_PRIVATE"]
                ),
            ]
        except media.MediaFetchError as exc:
            raise Open311Error(400, str(exc)) from None
    elif data.media_url:
        data.notices.append("media_url was not fetched: this server does not fetch remote media.")
    if not uploads:
        return []
    with in_english():
        return intake.process_uploads(uploads, field="media")


def submit_request(data: RequestInput, photos: list, key: Open311ApiKey, files) -> Case:
    """The PWA's intake (routing, clock, events), then the Open311 details; the caller commits."""
    with in_english():
        case = intake.submit_report(data.report, photos, key.user, files, source="open311")
    db.session.add(
        Open311Request(
            case_id=case.id,
            api_key_id=key.id,
            address=data.address,
            address_id=data.address_id,
            contact=data.contact,
            media_url=data.media_url,
        )
    )
    db.session.flush()
    return case


def creation_record(case: Case, notices: list[str], lang: str) -> dict:
    notice = " ".join(filter(None, [service_notice(case, lang), *notices]))
    return {"service_request_id": case.number, "service_notice": notice or None, "account_id": None}


def from_api_error(error: ApiError) -> Open311Error:
    """An intake error, with each field under the name the Open311 caller used."""
    if not error.fields:
        return Open311Error(error.status, error.message)
    return Open311Error(
        error.status,
        *(f"{_open311_name(name)}: {reason}" for name, reason in error.fields.items()),
    )


def _open311_name(name: str) -> str:
    base = name.split("[", 1)[0]
    return FIELD_NAMES.get(name) or FIELD_NAMES.get(base, name)


def in_english():
    """Intake's messages in English: Open311 errors are read by integrators and their logs."""
    return force_locale("en")
