"""Cases, their photos, the append-only case log, the working calendar, duplicate radii.

Revision ID: c3a769eee406
Revises: bb478d719fbf
Create Date: 2026-11-26 07:28:02.233061

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "c3a769eee406"
down_revision = "bb478d719fbf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=True),
        sa.CheckConstraint(
            "kind IN ('holiday', 'workday')", name=op.f("ck_calendar_days_kind_known")
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    op.create_geospatial_table(
        "cases",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("location_context", sa.String(length=40), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("raw_x", sa.Float(), nullable=False),
        sa.Column("raw_y", sa.Float(), nullable=False),
        sa.Column("raw_crs", sa.String(length=20), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("location_source", sa.String(length=10), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "reported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("district_code", sa.String(length=12), nullable=True),
        sa.Column("routing_status", sa.String(length=10), nullable=False),
        sa.Column("routing_reason", sa.Text(), nullable=False),
        sa.Column("routing_rule_id", sa.Integer(), nullable=True),
        sa.Column("routing_zone_ids", sa.ARRAY(sa.Integer()), server_default="{}", nullable=False),
        sa.Column("boundary_distance_m", sa.Float(), nullable=True),
        sa.Column("routing_generation", sa.BigInteger(), nullable=True),
        sa.Column("recurrence_of_id", sa.BigInteger(), nullable=True),
        sa.Column("merged_into_id", sa.BigInteger(), nullable=True),
        sa.Column("clock_kind", sa.String(length=8), nullable=True),
        sa.Column("budget_minutes", sa.Float(), nullable=True),
        sa.Column("used_minutes", sa.Float(), server_default="0", nullable=False),
        sa.Column("clock_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rework_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "location_source IN ('device', 'exif', 'manual')",
            name=op.f("ck_cases_location_source_known"),
        ),
        sa.CheckConstraint(
            "severity IN ('normal', 'serious', 'severe')", name=op.f("ck_cases_severity_known")
        ),
        sa.CheckConstraint(
            "state IN ('submitted', 'unrouted', 'dispatched', 'in_progress', 'disputed', 'extension_requested', 'rectified', 'closed', 'invalid')",
            name=op.f("ck_cases_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["category_code"], ["categories.code"], name=op.f("fk_cases_category_code_categories")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["cases.id"], name=op.f("fk_cases_merged_into_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recurrence_of_id"], ["cases.id"], name=op.f("fk_cases_recurrence_of_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_cases_reporter_id_users")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_cases_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("client_id", name=op.f("uq_cases_client_id")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    op.create_index(op.f("ix_cases_category_code"), "cases", ["category_code"], unique=False)
    op.create_index(op.f("ix_cases_district_code"), "cases", ["district_code"], unique=False)
    op.create_geospatial_index(
        "ix_cases_location",
        "cases",
        ["location"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_cases_reporter_id"), "cases", ["reporter_id"], unique=False)
    op.create_index(op.f("ix_cases_state"), "cases", ["state"], unique=False)
    op.create_index("ix_cases_state_deadline", "cases", ["state", "deadline_at"], unique=False)
    op.create_index(op.f("ix_cases_unit_id"), "cases", ["unit_id"], unique=False)
    op.create_index(
        "ix_cases_unit_state_deadline", "cases", ["unit_id", "state", "deadline_at"], unique=False
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=True),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "payload", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_case_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_case_events_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_case_id"), "case_events", ["case_id"], unique=False)
    op.create_table(
        "case_photos",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=20), nullable=False),
        sa.Column("original_key", sa.String(length=120), nullable=False),
        sa.Column("display_key", sa.String(length=120), nullable=False),
        sa.Column("thumb_key", sa.String(length=120), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("exif_captured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exif_lon", sa.Float(), nullable=True),
        sa.Column("exif_lat", sa.Float(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_photos_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_case_photos_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_photos")),
    )
    op.create_index(op.f("ix_case_photos_case_id"), "case_photos", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_photos_client_id"), "case_photos", ["client_id"], unique=False)
    op.create_index(op.f("ix_case_photos_sha256"), "case_photos", ["sha256"], unique=False)
    op.add_column(
        "categories",
        sa.Column(
            "duplicate_radius_m",
            sa.Numeric(precision=8, scale=1, asdecimal=False),
            server_default="50",
            nullable=False,
        ),
    )
    op.execute("CREATE SEQUENCE case_number_seq")
    # The case log is the archive evaluators read: the database itself refuses to change it.
    op.execute(
        """
        CREATE FUNCTION refuse_case_event_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
        "FOR EACH ROW EXECUTE FUNCTION refuse_case_event_change()"
    )
    op.execute(
        "CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_case_event_change()"
    )


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS case_events_no_truncate ON case_events")
    op.execute("DROP TRIGGER IF EXISTS case_events_append_only ON case_events")
    op.execute("DROP FUNCTION IF EXISTS refuse_case_event_change()")
    op.execute("DROP SEQUENCE IF EXISTS case_number_seq")
    op.drop_column("categories", "duplicate_radius_m")
    op.drop_index(op.f("ix_case_photos_sha256"), table_name="case_photos")
    op.drop_index(op.f("ix_case_photos_client_id"), table_name="case_photos")
    op.drop_index(op.f("ix_case_photos_case_id"), table_name="case_photos")
    op.drop_table("case_photos")
    op.drop_index(op.f("ix_case_events_case_id"), table_name="case_events")
    op.drop_table("case_events")
    op.drop_index("ix_cases_unit_state_deadline", table_name="cases")
    op.drop_index(op.f("ix_cases_unit_id"), table_name="cases")
    op.drop_index("ix_cases_state_deadline", table_name="cases")
    op.drop_index(op.f("ix_cases_state"), table_name="cases")
    op.drop_index(op.f("ix_cases_reporter_id"), table_name="cases")
    op.drop_geospatial_index(
        "ix_cases_location", table_name="cases", postgresql_using="gist", column_name="location"
    )
    op.drop_index(op.f("ix_cases_district_code"), table_name="cases")
    op.drop_index(op.f("ix_cases_category_code"), table_name="cases")
    op.drop_geospatial_table("cases")
    op.drop_table("calendar_days")
