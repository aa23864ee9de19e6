"""Exports of any filtered case list: CSV (UTF-8 with BOM), XLSX and GeoJSON, streamed.

Rows are read in batches with a server-side cursor and written as they come, so 100,000 rows
use the memory of one batch (XLSX through xlsxwriter's constant_memory mode, which flushes each
row to a temporary file).
"""

import csv
import io
import json
import tempfile
from collections.abc import Iterator

from sqlalchemy import func, select

from inspector.cases.models import Case
from inspector.categories.models import Category
from inspector.extensions import db
from inspector.units.models import Unit

COLUMNS = [
    "number",
    "state",
    "category",
    "category_name",
    "severity",
    "context",
    "district",
    "unit",
    "reported_at",
    "deadline_at",
    "closed_at",
    "on_time",
    "rework_count",
    "recurrence_of",
    "lon",
    "lat",
    "description",
]
BATCH = 2000


def export_rows(filtered_query) -> Iterator[list]:
    """Rows of COLUMNS for every case of an inbox query (its filters, no paging)."""
    ids = filtered_query.with_only_columns(Case.id).order_by(None).subquery()
    query = (
        select(
            Case.number,
            Case.state,
            Case.category_code,
            Category.name_zh,
            Case.severity,
            Case.location_context,
            Case.district_code,
            Unit.code,
            Case.reported_at,
            Case.deadline_at,
            Case.closed_at,
            Case.on_time,
            Case.rework_count,
            Case.recurrence_of_id,
            func.ST_X(Case.location),
            func.ST_Y(Case.location),
            Case.description,
        )
        .join(ids, ids.c.id == Case.id)
        .join(Category, Category.code == Case.category_code)
        .outerjoin(Unit, Unit.id == Case.unit_id)
        .order_by(Case.id)
        .execution_options(yield_per=BATCH)
    )
    for row in db.session.execute(query):
        yield [_plain(value) for value in row]


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def csv_stream(rows: Iterator[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # the BOM makes Excel read UTF-8 Chinese correctly
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if value is None else value for value in row])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_stream(rows: Iterator[list]) -> Iterator[str]:
    lon, lat = COLUMNS.index("lon"), COLUMNS.index("lat")
    yield '{"type": "FeatureCollection", "features": ['
    for index, row in enumerate(rows):
        properties = {
            name: value
            for name, value in zip(COLUMNS, row, strict=True)
            if name not in ("lon", "lat")
        }
        feature = {
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": "Point", "coordinates": [row[lon], row[lat]]},
        }
        yield ("," if index else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"


def xlsx_file(rows: Iterator[list]):
    """An XLSX written row by row to a temporary file (constant memory); returns the file."""
    import xlsxwriter

    handle = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("cases")
    sheet.write_row(0, 0, COLUMNS)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, ["" if value is None else value for value in row])
    workbook.close()
    handle.seek(0)
    return handle
