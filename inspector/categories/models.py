"""The problem taxonomy: groups and items, loaded from taxonomy.toml and edited by admins."""

from sqlalchemy import ARRAY, CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspector.extensions import db

DEADLINE_UNITS = ("h", "wh", "wd")  # natural hours, working hours, working days
SEVERITIES = ("normal", "serious", "severe")  # 一般 / 较重 / 严重(紧急)

# Location context (点位类型) of a case: used for scoring and by routing rules.
LOCATION_CONTEXTS: dict[str, tuple[str, str]] = {
    "arterial_road": ("主次干道", "Arterial road"),
    "commercial_street": ("商业大街", "Commercial street"),
    "back_alley": ("背街小巷", "Back alley"),
    "urban_village": ("城中村", "Urban village"),
    "urban_fringe": ("城乡结合部", "Urban-rural fringe"),
    "wet_market": ("农贸市场", "Wet market"),
    "residential_compound": ("老旧小区/小区", "Residential compound"),
    "square_park": ("公共广场/公园", "Square or park"),
    "station": ("车站/交通枢纽", "Station or transport hub"),
    "school_area": ("学校周边", "School area"),
    "hospital_area": ("医院周边", "Hospital area"),
    "construction_site": ("建筑工地", "Construction site"),
    "railway_corridor": ("铁路沿线", "Railway corridor"),
    "riverside": ("河道沿线", "Riverside"),
    "public_toilet": ("公共厕所", "Public toilet"),
    "waste_station": ("垃圾站", "Waste station"),
}


class CategoryGroup(db.Model):
    __tablename__ = "category_groups"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))

    items: Mapped[list["Category"]] = relationship(back_populates="group", order_by="Category.code")


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint("deadline_value > 0", name="deadline_positive"),
        CheckConstraint("deadline_unit IN ('h', 'wh', 'wd')", name="deadline_unit_known"),
        CheckConstraint(
            "emergency_deadline_unit IN ('h', 'wh', 'wd')", name="emergency_unit_known"
        ),
        CheckConstraint("deduction_base >= 0", name="deduction_base_not_negative"),
    )

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    group_code: Mapped[str] = mapped_column(ForeignKey("category_groups.code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    national_code: Mapped[str | None] = mapped_column(String(64))
    deadline_value: Mapped[float] = mapped_column(Numeric(8, 2, asdecimal=False))
    deadline_unit: Mapped[str] = mapped_column(String(2))
    emergency_deadline_value: Mapped[float] = mapped_column(Numeric(8, 2, asdecimal=False))
    emergency_deadline_unit: Mapped[str] = mapped_column(String(2))
    default_role: Mapped[str] = mapped_column(String(40))
    secondary_roles: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    deduction_base: Mapped[float] = mapped_column(Numeric(6, 2, asdecimal=False))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(20)), server_default="{}")
    keywords: Mapped[list[str]] = mapped_column(ARRAY(String(60)), server_default="{}")
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True, server_default="true")
    # Within this distance, a new report of the same category is probably the same problem.
    duplicate_radius_m: Mapped[float] = mapped_column(
        Numeric(8, 1, asdecimal=False), default=50, server_default="50"
    )

    group: Mapped[CategoryGroup] = relationship(back_populates="items")

    def deadline_for(self, severity: str) -> tuple[float, str]:
        """(value, unit) of the deadline that applies to a case of this severity."""
        if severity == "severe":
            return self.emergency_deadline_value, self.emergency_deadline_unit
        return self.deadline_value, self.deadline_unit

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "group": self.group_code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "national_code": self.national_code,
            "deadline": {"value": self.deadline_value, "unit": self.deadline_unit},
            "emergency_deadline": {
                "value": self.emergency_deadline_value,
                "unit": self.emergency_deadline_unit,
            },
            "default_role": self.default_role,
            "secondary_roles": list(self.secondary_roles or []),
            "deduction_base": self.deduction_base,
            "tags": list(self.tags or []),
            "keywords": list(self.keywords or []),
            "note": self.note,
            "active": self.active,
        }
