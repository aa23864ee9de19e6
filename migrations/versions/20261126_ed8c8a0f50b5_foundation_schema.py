"""Foundation schema: PostGIS, units, users, tokens, login attempts, taxonomy, zones.

Revision ID: ed8c8a0f50b5
Revises:
Create Date: 2026-11-26 07:09:06.869641

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "ed8c8a0f50b5"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # Every environment needs PostGIS; on a managed server the extension may already exist.
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "category_groups",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_category_groups")),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(op.f("ix_login_attempts_at"), "login_attempts", ["at"], unique=False)
    op.create_index(op.f("ix_login_attempts_ip"), "login_attempts", ["ip"], unique=False)
    op.create_index(
        op.f("ix_login_attempts_username"), "login_attempts", ["username"], unique=False
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("district_code", sa.String(length=12), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('district_government', 'development_zone', 'street_office', 'urban_management', 'sanitation', 'traffic_police', 'market_regulation', 'patriotic_health', 'housing_construction', 'civilisation_office', 'railway', 'ecology_environment', 'water_affairs', 'landscaping', 'municipal_engineering', 'street_lighting', 'transport', 'civil_affairs', 'fire_rescue', 'natural_resources', 'commerce', 'public_security', 'property_management', 'asset_owner', 'command_centre')",
            name=op.f("ck_units_kind_known"),
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name=op.f("fk_units_parent_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("code", name=op.f("uq_units_code")),
    )
    op.create_index(op.f("ix_units_district_code"), "units", ["district_code"], unique=False)
    op.create_index(op.f("ix_units_kind"), "units", ["kind"], unique=False)
    op.create_index(op.f("ix_units_parent_id"), "units", ["parent_id"], unique=False)
    op.create_table(
        "zone_layers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=True),
        sa.Column("precedence", sa.Integer(), nullable=False),
        sa.Column("owner_role", sa.String(length=40), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_layers")),
        sa.UniqueConstraint("code", name=op.f("uq_zone_layers_code")),
    )
    op.create_table(
        "categories",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("group_code", sa.String(length=4), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("national_code", sa.String(length=64), nullable=True),
        sa.Column(
            "deadline_value", sa.Numeric(precision=8, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("deadline_unit", sa.String(length=2), nullable=False),
        sa.Column(
            "emergency_deadline_value",
            sa.Numeric(precision=8, scale=2, asdecimal=False),
            nullable=False,
        ),
        sa.Column("emergency_deadline_unit", sa.String(length=2), nullable=False),
        sa.Column("default_role", sa.String(length=40), nullable=False),
        sa.Column(
            "secondary_roles", sa.ARRAY(sa.String(length=40)), server_default="{}", nullable=False
        ),
        sa.Column(
            "deduction_base", sa.Numeric(precision=6, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("tags", sa.ARRAY(sa.String(length=20)), server_default="{}", nullable=False),
        sa.Column("keywords", sa.ARRAY(sa.String(length=60)), server_default="{}", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.CheckConstraint(
            "deadline_unit IN ('h', 'wh', 'wd')", name=op.f("ck_categories_deadline_unit_known")
        ),
        sa.CheckConstraint(
            "emergency_deadline_unit IN ('h', 'wh', 'wd')",
            name=op.f("ck_categories_emergency_unit_known"),
        ),
        sa.CheckConstraint("deadline_value > 0", name=op.f("ck_categories_deadline_positive")),
        sa.CheckConstraint(
            "deduction_base >= 0", name=op.f("ck_categories_deduction_base_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["group_code"],
            ["category_groups.code"],
            name=op.f("fk_categories_group_code_category_groups"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_categories")),
    )
    op.create_index(op.f("ix_categories_group_code"), "categories", ["group_code"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "role <> 'staff' OR unit_id IS NOT NULL", name=op.f("ck_users_staff_has_unit")
        ),
        sa.CheckConstraint(
            "role IN ('inspector', 'staff', 'supervisor', 'admin')",
            name=op.f("ck_users_role_known"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_users_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_index(op.f("ix_users_unit_id"), "users", ["unit_id"], unique=False)
    op.create_geospatial_table(
        "zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("district_code", sa.String(length=12), nullable=True),
        sa.Column("source_crs", sa.String(length=20), nullable=False),
        sa.Column(
            "properties",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["zone_layers.id"], name=op.f("fk_zones_layer_id_zone_layers")
        ),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["units.id"], name=op.f("fk_zones_owner_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("layer_id", "code", "version", name="uq_zones_layer_code_version"),
    )
    op.create_geospatial_index(
        "ix_zones_geom", "zones", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index(op.f("ix_zones_layer_id"), "zones", ["layer_id"], unique=False)
    op.create_index(op.f("ix_zones_owner_unit_id"), "zones", ["owner_unit_id"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)


def downgrade():
    # PostGIS stays: other schemas on the server may use it.
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_zones_owner_unit_id"), table_name="zones")
    op.drop_index(op.f("ix_zones_layer_id"), table_name="zones")
    op.drop_geospatial_index(
        "ix_zones_geom", table_name="zones", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("zones")
    op.drop_index(op.f("ix_users_unit_id"), table_name="users")
    op.drop_table("users")
    op.drop_index(op.f("ix_categories_group_code"), table_name="categories")
    op.drop_table("categories")
    op.drop_table("zone_layers")
    op.drop_index(op.f("ix_units_parent_id"), table_name="units")
    op.drop_index(op.f("ix_units_kind"), table_name="units")
    op.drop_index(op.f("ix_units_district_code"), table_name="units")
    op.drop_table("units")
    op.drop_index(op.f("ix_login_attempts_username"), table_name="login_attempts")
    op.drop_index(op.f("ix_login_attempts_ip"), table_name="login_attempts")
    op.drop_index(op.f("ix_login_attempts_at"), table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_table("category_groups")
