"""Supervision API: KPIs, scores, the desk, hotspots, the map, exports, the weekly brief."""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, jsonify, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on

from inspector.auth.services import roles_required
from inspector.cases import clock
from inspector.cases.models import Case
from inspector.cases.queries import apply_filters
from inspector.cases.services import utcnow, visible_cases_query
from inspector.errors import validation_error
from inspector.extensions import db
from inspector.supervision import desk as desk_service
from inspector.supervision import exports, kpis, scores, services
from inspector.units.models import Unit

bp = Blueprint(
    "supervision", __name__, url_prefix="/api/v1/supervision", template_folder="templates"
)
SUPERVISORS = ("supervisor", "admin")


def period() -> tuple[datetime, datetime]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive, local days); default: the last 30 days."""
    today = datetime.now(clock.LOCAL_TZ).date()
    first = _date(request.args.get("from"), "from", today - timedelta(days=29))
    last = _date(request.args.get("to"), "to", today)
    if last < first:
        raise validation_error({"to": _("must not be before from")})
    return (
        datetime.combine(first, time.min, clock.LOCAL_TZ),
        datetime.combine(last + timedelta(days=1), time.min, clock.LOCAL_TZ),
    )


def _date(value, field, default) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise validation_error({field: _("a date YYYY-MM-DD")}) from None


@bp.get("/kpis")
@roles_required(*SUPERVISORS)
def kpi_table():
    group = request.args.get("group", "district")
    if group not in kpis.GROUPS:
        raise validation_error({"group": _("one of %(values)s", values=", ".join(kpis.GROUPS))})
    start, end = period()
    rows = kpis.kpis(group, start, end, utcnow())
    if group == "unit":
        codes = dict(db.session.execute(select(Unit.id, Unit.code)).all())
        for row in rows:
            row["key"] = codes.get(row["key"])
    return jsonify(
        group=group,
        start=start.isoformat(),
        end=end.isoformat(),
        rows=rows,
        trend=kpis.weekly_trend(start, end),
    )


@bp.get("/scores")
@roles_required(*SUPERVISORS)
def score_ranking():
    start, end = period()
    ranking = scores.district_scores(start, end, utcnow())
    return jsonify(
        start=start.isoformat(),
        end=end.isoformat(),
        ranking=[scores.as_dict(entry) for entry in ranking],
    )


@bp.get("/scores/<district>")
@roles_required(*SUPERVISORS)
def score_explained(district: str):
    start, end = period()
    entry = scores.explain_district(district, start, end, utcnow())
    if entry is None:
        return jsonify(
            error={"code": "not_found", "message": _("No score for this district.")}
        ), 404
    return jsonify(scores.as_dict(entry, with_cases=True))


@bp.get("/desk")
@roles_required(*SUPERVISORS)
def arbitration_desk():
    return jsonify(items=desk_service.desk(utcnow()))


@bp.get("/hotspots")
@roles_required(*SUPERVISORS)
def hotspots():
    start, end = period()
    return jsonify(hotspots=services.hotspots(_filtered(), start, end))


@bp.get("/map")
@roles_required(*SUPERVISORS)
def problem_map():
    args = request.args
    try:
        bbox = tuple(float(value) for value in args.get("bbox", "").split(","))
        zoom = int(args.get("zoom", "11"))
    except ValueError:
        raise validation_error(
            {"bbox": _("minlon,minlat,maxlon,maxlat and an integer zoom")}
        ) from None
    if len(bbox) != 4 or not 0 <= zoom <= 22:
        raise validation_error({"bbox": _("minlon,minlat,maxlon,maxlat and an integer zoom")})
    return jsonify(services.map_features(_filtered(), bbox, zoom, utcnow(), request.args))


def _filtered():
    query = apply_filters(visible_cases_query(current_user), request.args, utcnow())
    if request.args.get("recurrence") in ("1", "true"):
        query = query.where(Case.recurrence_of_id.is_not(None))
    return query


@bp.get("/export.<fmt>")
@roles_required(*SUPERVISORS)
def export(fmt: str):
    rows = exports.export_rows(_filtered())
    stamp = datetime.now(clock.LOCAL_TZ).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        return _download(exports.csv_stream(rows), "text/csv; charset=utf-8", f"cases-{stamp}.csv")
    if fmt == "geojson":
        return _download(
            exports.geojson_stream(rows), "application/geo+json", f"cases-{stamp}.geojson"
        )
    if fmt == "xlsx":
        return send_file(
            exports.xlsx_file(rows),
            as_attachment=True,
            download_name=f"cases-{stamp}.xlsx",
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise validation_error({"format": _("csv, xlsx or geojson")})


def _download(chunks, mimetype: str, filename: str) -> Response:
    response = Response(chunks, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/brief")
@roles_required(*SUPERVISORS)
def weekly_brief():
    """The printable weekly brief: KPIs, the red/black list, the worst cases with photos."""
    day = _date(request.args.get("week"), "week", datetime.now(clock.LOCAL_TZ).date())
    start, end = services.week_bounds(datetime.combine(day, time.min, clock.LOCAL_TZ))
    now = utcnow()
    ranking = scores.district_scores(start, end, now, explain=True)
    worst = sorted(
        (deduction for entry in ranking for deduction in entry.cases),
        key=lambda d: d.find + d.handle,
        reverse=True,
    )[:10]
    photos = _first_photos([deduction.case_id for deduction in worst])
    return render_template(
        "brief.html",
        start=start,
        end=end - timedelta(days=1),
        rows=kpis.kpis("district", start, end, now),
        ranking=[scores.as_dict(entry) for entry in ranking],
        worst=worst,
        photos=photos,
    )


def _first_photos(case_ids: list[int]) -> dict[int, str]:
    from inspector.cases.models import CasePhoto

    rows = db.session.execute(
        select(CasePhoto.case_id, CasePhoto.id)
        .where(CasePhoto.case_id.in_(case_ids))
        .order_by(CasePhoto.case_id, CasePhoto.id)
        .ext(distinct_on(CasePhoto.case_id))
    )
    return {case_id: f"/api/v1/photos/{photo_id}/display" for case_id, photo_id in rows}
