"""The spatial SQL of the zones feature, in one place, as named statements."""

from sqlalchemy import text

# Small pieces (at most 64 vertices) make a GiST lookup touch few, cheap polygons.
SUBDIVIDE_MAX_VERTICES = 64

INSERT_PARTS_FOR_ZONES = text(
    "INSERT INTO zone_parts (zone_id, geom) "
    "SELECT id, ST_Subdivide(geom, :max_vertices) FROM zones WHERE id = ANY(:zone_ids)"
).bindparams(max_vertices=SUBDIVIDE_MAX_VERTICES)

DELETE_PARTS_OF_RETIRED_ZONES = text(
    "DELETE FROM zone_parts p USING zones z WHERE p.zone_id = z.id AND z.retired_at IS NOT NULL"
)

BUMP_GENERATION = text(
    "UPDATE routing_state SET generation = nextval('routing_generation_seq') RETURNING generation"
)
CURRENT_GENERATION = text("SELECT generation FROM routing_state WHERE id = 1")

# Everything the in-process routing index needs, as WKB, for current zones only.
CURRENT_ZONES = text(
    "SELECT z.id, z.code, z.name, z.version, z.owner_unit_id, z.district_code, "
    "l.code AS layer_code, l.precedence, l.owner_role, ST_AsBinary(z.geom) AS wkb "
    "FROM zones z JOIN zone_layers l ON l.id = z.layer_id WHERE z.retired_at IS NULL"
)
CURRENT_PARTS = text(
    "SELECT p.zone_id, ST_AsBinary(p.geom) AS wkb FROM zone_parts p "
    "JOIN zones z ON z.id = p.zone_id WHERE z.retired_at IS NULL"
)

# The floor of a lookup: one prepared query on the subdivided, indexed table.
ZONES_COVERING_POINT = (
    "SELECT DISTINCT p.zone_id FROM zone_parts p "
    "WHERE ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))"
)

ZONE_AS_GEOJSON = text("SELECT ST_AsGeoJSON(geom, 6) FROM zones WHERE id = :zone_id")
