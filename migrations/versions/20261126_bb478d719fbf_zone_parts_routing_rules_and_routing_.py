"""Zone parts (subdivided lookups), routing rules, and the routing generation row.

Revision ID: bb478d719fbf
Revises: ed8c8a0f50b5
Create Date: 2026-11-26 07:14:20.258656

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = "bb478d719fbf"
down_revision = "ed8c8a0f50b5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "routing_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_routing_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_state")),
    )
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_pattern", sa.String(length=16), nullable=False),
        sa.Column("layer_code", sa.String(length=40), nullable=True),
        sa.Column("zone_code", sa.String(length=64), nullable=True),
        sa.Column("location_context", sa.String(length=40), nullable=True),
        sa.Column("target_unit_id", sa.Integer(), nullable=True),
        sa.Column("target_role", sa.String(length=40), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "(target_unit_id IS NULL) <> (target_role IS NULL)",
            name=op.f("ck_routing_rules_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["target_unit_id"], ["units.id"], name=op.f("fk_routing_rules_target_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
    )
    op.create_geospatial_table(
        "zone_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_zone_parts_zone_id_zones"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_parts")),
    )
    op.create_geospatial_index(
        "ix_zone_parts_geom",
        "zone_parts",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_zone_parts_zone_id"), "zone_parts", ["zone_id"], unique=False)
    # Generations come from a sequence so that a rolled-back change never reuses a number that
    # a process may already have cached an index for.
    op.execute("CREATE SEQUENCE routing_generation_seq START 2")
    op.execute("INSERT INTO routing_state (id, generation) VALUES (1, 1)")
    # Zones that already exist get their lookup pieces too.
    op.execute(
        "INSERT INTO zone_parts (zone_id, geom) "
        "SELECT id, ST_Subdivide(geom, 64) FROM zones WHERE retired_at IS NULL"
    )


def downgrade():
    op.drop_index(op.f("ix_zone_parts_zone_id"), table_name="zone_parts")
    op.drop_geospatial_index(
        "ix_zone_parts_geom", table_name="zone_parts", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("zone_parts")
    op.drop_table("routing_rules")
    op.drop_table("routing_state")
    op.execute("DROP SEQUENCE IF EXISTS routing_generation_seq")
