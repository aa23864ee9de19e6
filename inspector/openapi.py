"""The OpenAPI 3 description of /api/v1.

Kept by hand next to the code; `tests/test_openapi.py` checks that every API route is documented
here with its methods and that nothing documented is missing from the app.
"""

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    tag: str,
    roles: str,
    ok: dict | None = None,
    body: dict | None = None,
    status: str = "200",
    params: list | None = None,
) -> dict:
    operation = {
        "summary": summary,
        "description": f"Allowed roles: {roles}.",
        "tags": [tag],
        "responses": {
            status: {"description": "OK", **_json(ok or {"type": "object"})},
            "400": {"description": "Invalid input", **_json(ERROR)},
            "401": {"description": "Not logged in", **_json(ERROR)},
            "403": {"description": "Role not allowed", **_json(ERROR)},
        },
    }
    if body is not None:
        operation["requestBody"] = {"required": True, **_json(body)}
    if params:
        operation["parameters"] = params
    return operation


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "User": {
        "type": "object",
        "properties": {
            "username": {"type": "string"},
            "display_name": {"type": ["string", "null"]},
            "role": {"type": "string", "enum": ["inspector", "staff", "supervisor", "admin"]},
            "unit": {"type": ["string", "null"]},
            "unit_name": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
        },
    },
    "Unit": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "name_zh": {"type": "string"},
            "name_en": {"type": ["string", "null"]},
            "kind": {"type": "string"},
            "parent": {"type": ["string", "null"]},
            "district_code": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
        },
    },
    "Deadline": {
        "type": "object",
        "properties": {"value": {"type": "number"}, "unit": {"enum": ["h", "wh", "wd"]}},
    },
    "Category": {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$"},
            "group": {"type": "string"},
            "name_zh": {"type": "string"},
            "name_en": {"type": "string"},
            "national_code": {"type": ["string", "null"]},
            "deadline": {"$ref": "#/components/schemas/Deadline"},
            "emergency_deadline": {"$ref": "#/components/schemas/Deadline"},
            "default_role": {"type": "string"},
            "secondary_roles": {"type": "array", "items": {"type": "string"}},
            "deduction_base": {"type": "number"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "keywords": {"type": "array", "items": {"type": "string"}},
            "note": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
        },
    },
}

USER = {"$ref": "#/components/schemas/User"}
UNIT = {"$ref": "#/components/schemas/Unit"}
CATEGORY = {"$ref": "#/components/schemas/Category"}
ROUTE_OUTCOME = {
    "type": "object",
    "required": ["status", "unit", "zones", "rule", "reason", "boundary_distance_m"],
    "properties": {
        "status": {"enum": ["routed", "unrouted"]},
        "unit": {"type": ["object", "null"]},
        "zones": {"type": "array", "items": {"type": "object"}},
        "rule": {"type": ["object", "null"]},
        "reason": {"type": "string"},
        "boundary_distance_m": {"type": ["number", "null"]},
        "candidates": {"type": "array", "items": {"type": "object"}},
        "location": {"type": "object"},
    },
}
CASE_ENVELOPE = {"type": "object", "properties": {"case": {"type": "object"}}}
MULTIPART_WITH_PHOTOS = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["data"],
                "properties": {
                    "data": {"type": "string", "description": "JSON object (see the description)"},
                    "photos": {
                        "type": "array",
                        "maxItems": 5,
                        "items": {"type": "string", "format": "binary"},
                    },
                },
            }
        }
    },
}
PERIOD = [
    _query("from", "First day, YYYY-MM-DD (default: 30 days ago)"),
    _query("to", "Last day, YYYY-MM-DD (default: today)"),
]
SESSION = {
    "type": "object",
    "properties": {"user": {"oneOf": [USER, {"type": "null"}]}, "csrf_token": {"type": "string"}},
}


def _paths() -> dict:
    return {
        "/healthz": {
            "get": _op("Database and PostGIS health (503 when down)", "system", "anyone"),
        },
        "/api/v1/openapi.json": {"get": _op("This document", "system", "anyone")},
        "/api/v1/client-config": {
            "get": _op(
                "Map settings, location contexts and severities for clients", "system", "anyone"
            ),
        },
        "/api/v1/auth/session": {
            "get": _op("Current user and CSRF token", "auth", "anyone", SESSION),
        },
        "/api/v1/auth/login": {
            "post": _op(
                "Log in with a password (rate-limited; needs the CSRF token)",
                "auth",
                "anyone",
                SESSION,
                {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string"},
                        "password": {"type": "string"},
                        "remember": {"type": "boolean"},
                    },
                },
            ),
        },
        "/api/v1/auth/logout": {"post": _op("Log out", "auth", "anyone")},
        "/api/v1/users": {
            "get": _op(
                "List users",
                "users",
                "supervisor, admin",
                {"type": "object", "properties": {"users": {"type": "array", "items": USER}}},
            ),
            "post": _op(
                "Create a user",
                "users",
                "admin",
                {"type": "object", "properties": {"user": USER}},
                {
                    "type": "object",
                    "required": ["username", "role", "password"],
                    "properties": {
                        "username": {"type": "string"},
                        "role": {"type": "string"},
                        "password": {"type": "string"},
                        "unit": {"type": "string"},
                        "display_name": {"type": "string"},
                    },
                },
                "201",
            ),
        },
        "/api/v1/units": {
            "get": _op(
                "List units",
                "units",
                "any logged-in user",
                {"type": "object", "properties": {"units": {"type": "array", "items": UNIT}}},
                params=[_query("kind", "Unit kind"), _query("district", "District adcode")],
            ),
            "post": _op(
                "Create a unit",
                "units",
                "admin",
                {"type": "object", "properties": {"unit": UNIT}},
                {
                    "type": "object",
                    "required": ["code", "name_zh", "kind"],
                    "properties": {
                        "code": {"type": "string"},
                        "name_zh": {"type": "string"},
                        "name_en": {"type": "string"},
                        "kind": {"type": "string"},
                        "parent": {"type": "string"},
                        "district_code": {"type": "string"},
                    },
                },
                "201",
            ),
        },
        "/api/v1/units/kinds": {"get": _op("Unit kinds (roles)", "units", "any logged-in user")},
        "/api/v1/categories": {
            "get": _op("The problem taxonomy, grouped", "categories", "any logged-in user"),
        },
        "/api/v1/route": {
            "get": _op(
                "Route a point: which unit owns it for this category, and why",
                "routing",
                "supervisor, admin",
                ROUTE_OUTCOME,
                params=[
                    _query("lon", "Longitude (or x) in `crs`", {"type": "number"}),
                    _query("lat", "Latitude (or y) in `crs`", {"type": "number"}),
                    _query("crs", "wgs84 (default), cgcs2000, gcj02, bd09 or epsg:NNNN"),
                    _query("category", "Category code, e.g. 03-03"),
                    _query(
                        "accuracy",
                        "Location accuracy in metres (at least 15 used)",
                        {"type": "number", "minimum": 0},
                    ),
                    _query("context", "Location context, e.g. wet_market"),
                ],
            ),
        },
        "/api/v1/zones": {
            "get": _op(
                "Current zones of a layer as GeoJSON",
                "zones",
                "any logged-in user",
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": "FeatureCollection"},
                        "features": {"type": "array"},
                    },
                },
                params=[_query("layer", "Layer code (default: district)")],
            ),
        },
        "/api/v1/zones/layers": {"get": _op("Zone layers", "zones", "any logged-in user")},
        "/api/v1/zones/import": {
            "post": {
                **_op(
                    "Import a boundary file as a new version of a layer",
                    "zones",
                    "admin",
                    status="201",
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "layer", "crs"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "layer": {"type": "string"},
                                    "crs": {"type": "string"},
                                    "code_field": {"type": "string"},
                                    "name_field": {"type": "string"},
                                    "owner_role": {"type": "string"},
                                    "precedence": {"type": "integer"},
                                },
                            }
                        }
                    },
                },
            },
        },
        "/api/v1/rules": {
            "get": _op("Routing rules, best first", "routing", "supervisor, admin"),
            "post": _op(
                "Add a routing rule",
                "routing",
                "admin",
                body={
                    "type": "object",
                    "required": ["category"],
                    "properties": {
                        "category": {"type": "string"},
                        "unit": {"type": "string"},
                        "role": {"type": "string"},
                        "layer": {"type": "string"},
                        "zone": {"type": "string"},
                        "context": {"type": "string"},
                        "priority": {"type": "integer"},
                        "description": {"type": "string"},
                    },
                },
                status="201",
            ),
        },
        "/api/v1/rules/{rule_id}": {
            "delete": _op("Remove a routing rule", "routing", "admin", params=[_path("rule_id")]),
        },
        "/api/v1/reports": {
            "post": {
                **_op(
                    "Submit a report (idempotent by client_id): 201 new case, 200 the same "
                    "case again",
                    "reports",
                    "inspector, supervisor, admin",
                    CASE_ENVELOPE,
                    status="201",
                ),
                "requestBody": MULTIPART_WITH_PHOTOS,
            },
        },
        "/api/v1/reports/nearby": {
            "get": _op(
                "Open cases of a category near a point (last 30 days), nearest first",
                "reports",
                "inspector, supervisor, admin",
                params=[
                    _query("lon", "Longitude", {"type": "number"}),
                    _query("lat", "Latitude", {"type": "number"}),
                    _query("crs", "Coordinate system (default wgs84)"),
                    _query("category", "Category code"),
                ],
            ),
        },
        "/api/v1/cases": {
            "get": _op(
                "Inbox: cases visible to the user, filtered, paged, by deadline",
                "cases",
                "any logged-in user (scoped)",
                params=[
                    _query("state", "Comma-separated states"),
                    _query("unit", "Unit code"),
                    _query("category", "Code or group"),
                    _query("district", "District adcode"),
                    _query("overdue", "1 for overdue only"),
                    _query("mine", "1 for my own reports"),
                    _query("from", "Reported on or after (YYYY-MM-DD)"),
                    _query("to", "Reported on or before (YYYY-MM-DD)"),
                    _query("q", "Text in number or description"),
                    _query("sort", "deadline (default), reported or -reported"),
                    _query("page", "Page, from 1", {"type": "integer"}),
                    _query("per_page", "1-200", {"type": "integer"}),
                ],
            ),
        },
        "/api/v1/cases/{case_id}": {
            "get": _op(
                "One case with its timeline (404 outside the user's scope)",
                "cases",
                "any logged-in user (scoped)",
                CASE_ENVELOPE,
                params=[_path("case_id")],
            ),
        },
        "/api/v1/cases/{case_id}/{action}": {
            "post": {
                **_op(
                    "A workflow action: accept, dispute, request_extension, rectify "
                    "(multipart with photos), assign, decide_dispute, decide_extension, "
                    "invalidate, reopen, verify (JSON or multipart)",
                    "cases",
                    "depends on the action (403), the state (409)",
                    CASE_ENVELOPE,
                    params=[_path("case_id"), _path("action")],
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"type": "object"}},
                        **MULTIPART_WITH_PHOTOS["content"],
                    },
                },
            },
        },
        "/api/v1/cases/{case_id}/photos": {
            "post": {
                **_op(
                    "Add photos of the same problem to an open case (idempotent)",
                    "reports",
                    "inspector, supervisor, admin",
                    CASE_ENVELOPE,
                    status="201",
                    params=[_path("case_id")],
                ),
                "requestBody": MULTIPART_WITH_PHOTOS,
            },
        },
        "/api/v1/cases/{case_id}/record.json": {
            "get": _op(
                "The full record of a case as a JSON download",
                "cases",
                "any logged-in user (scoped)",
                params=[_path("case_id")],
            ),
        },
        "/api/v1/cases/{case_id}/record.html": {
            "get": {
                **_op(
                    "The full record as a printable page",
                    "cases",
                    "any logged-in user (scoped)",
                    params=[_path("case_id")],
                ),
                "responses": {
                    "200": {
                        "description": "HTML",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            },
        },
        "/api/v1/photos/{photo_id}/{variant}": {
            "get": {
                **_op(
                    "A photo: display, thumb, or original (supervisors)",
                    "cases",
                    "users who may see the case",
                    params=[_path("photo_id"), _path("variant")],
                ),
                "responses": {
                    "200": {
                        "description": "JPEG (or the original's type)",
                        "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
            },
        },
        "/api/v1/supervision/kpis": {
            "get": _op(
                "KPIs per district, unit or category for a period, with weekly trends",
                "supervision",
                "supervisor, admin",
                params=[_query("group", "district (default), unit or category"), *PERIOD],
            ),
        },
        "/api/v1/supervision/scores": {
            "get": _op(
                "District deduction scores, ranked (红黑榜)",
                "supervision",
                "supervisor, admin",
                params=PERIOD,
            ),
        },
        "/api/v1/supervision/scores/{district}": {
            "get": _op(
                "One district's score explained case by case",
                "supervision",
                "supervisor, admin",
                params=[_path("district"), *PERIOD],
            ),
        },
        "/api/v1/supervision/desk": {
            "get": _op(
                "Everything waiting for a supervisor: unrouted, disputes, extensions, "
                "stale rectifications",
                "supervision",
                "supervisor, admin",
            ),
        },
        "/api/v1/supervision/hotspots": {
            "get": _op(
                "Clusters of recurrences by place and category, among the cases the map's "
                "filters select",
                "supervision",
                "supervisor, admin",
                params=[
                    *PERIOD,
                    _query("state", "Comma-separated states"),
                    _query("category", "Code or group"),
                    _query("district", "Adcode"),
                    _query("unit", "Unit code"),
                    _query("overdue", "1"),
                ],
            ),
        },
        "/api/v1/supervision/map": {
            "get": _op(
                "Cases in a map view: grid counts below zoom 15, single cases above",
                "supervision",
                "supervisor, admin",
                params=[
                    _query("bbox", "minlon,minlat,maxlon,maxlat (WGS-84)"),
                    _query("zoom", "Web map zoom 0-22", {"type": "integer"}),
                    _query("state", "Comma-separated states"),
                    _query("category", "Code or group"),
                    _query("district", "Adcode"),
                    _query("unit", "Unit code"),
                    _query("overdue", "1"),
                    _query("recurrence", "1 for recurrences only"),
                    _query("from", "YYYY-MM-DD"),
                    _query("to", "YYYY-MM-DD"),
                ],
            ),
        },
        "/api/v1/supervision/export.{fmt}": {
            "get": {
                **_op(
                    "Export the filtered case list as csv (UTF-8 BOM), xlsx or geojson, streamed",
                    "supervision",
                    "supervisor, admin",
                    params=[
                        _path("fmt"),
                        _query("state", "Comma-separated states"),
                        _query("category", "Code or group"),
                        _query("district", "Adcode"),
                        _query("unit", "Unit code"),
                        _query("overdue", "1"),
                        _query("recurrence", "1"),
                        _query("from", "YYYY-MM-DD"),
                        _query("to", "YYYY-MM-DD"),
                    ],
                ),
                "responses": {
                    "200": {
                        "description": "The file",
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/geo+json": {"schema": {"type": "object"}},
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}
                            },
                        },
                    }
                },
            },
        },
        "/api/v1/supervision/brief": {
            "get": {
                **_op(
                    "The printable weekly brief",
                    "supervision",
                    "supervisor, admin",
                    params=[_query("week", "A day of the week (YYYY-MM-DD)")],
                ),
                "responses": {
                    "200": {
                        "description": "HTML",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            },
        },
        "/api/v1/categories/{code}": {
            "patch": _op(
                "Edit a category",
                "categories",
                "admin",
                {"type": "object", "properties": {"category": CATEGORY}},
                {"type": "object"},
                params=[_path("code")],
            ),
        },
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inspector (巡查督办) API",
            "version": "1",
            "description": "Cookie sessions need the X-CSRFToken header on writes; scripts use "
            "`Authorization: Bearer <token>` instead.",
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"session": []}, {"bearer": []}],
    }
