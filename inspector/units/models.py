"""Units: the district governments, street offices and departments that fix problems."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspector.extensions import db

# Unit kinds double as the abstract "unit roles" of the taxonomy and the routing rules.
UNIT_KINDS: dict[str, tuple[str, str]] = {
    "district_government": ("区县政府", "District government"),
    "development_zone": ("开发区管委会", "Development zone committee"),
    "street_office": ("街道办事处", "Street office"),
    "urban_management": ("城市管理局", "Urban management bureau"),
    "sanitation": ("环卫", "Sanitation"),
    "traffic_police": ("交警大队", "Traffic police brigade"),
    "market_regulation": ("市场监管局", "Market regulation"),
    "patriotic_health": ("爱卫办", "Patriotic health office"),
    "housing_construction": ("住建局", "Housing and construction"),
    "civilisation_office": ("文明办", "Civilisation office"),
    "railway": ("铁路站段", "Railway section"),
    "ecology_environment": ("生态环境局", "Ecology and environment"),
    "water_affairs": ("水务局", "Water affairs"),
    "landscaping": ("园林绿化", "Landscaping"),
    "municipal_engineering": ("市政", "Municipal engineering"),
    "street_lighting": ("路灯管理所", "Street lighting"),
    "transport": ("交通运输局", "Transport"),
    "civil_affairs": ("民政局", "Civil affairs"),
    "fire_rescue": ("消防救援", "Fire and rescue"),
    "natural_resources": ("自然资源局", "Natural resources"),
    "commerce": ("商务局", "Commerce"),
    "public_security": ("公安", "Public security"),
    "property_management": ("物业", "Property management"),
    "asset_owner": ("部件权属单位", "Asset owner"),
    "command_centre": ("指挥中心", "Command centre"),
}


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in UNIT_KINDS) + ")", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Administrative code (adcode) of the district the unit serves; None for city-wide units.
    district_code: Mapped[str | None] = mapped_column(String(12), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    parent: Mapped["Unit | None"] = relationship(remote_side=[id])

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "kind": self.kind,
            "parent": self.parent.code if self.parent else None,
            "district_code": self.district_code,
            "active": self.active,
        }
