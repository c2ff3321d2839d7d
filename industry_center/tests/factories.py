"""Small builders for the industry-centre tests (through the services, as the pages do)."""

from datetime import date, datetime

from django.utils import timezone

from industry_center.services import centre_save, production_house_save, tenancy_save, tenant_save

STATIC_QRIS = (
    "00020101021126740024ID.CO.BANKKALTIMTARA.WWW0119936001240000012345602120001950123450303UMI51440014ID.CO.QRIS"
    ".WWW0215ID10200678123450303UMI5204939953033605802ID5917PEMKOT BALIKPAPAN6010BALIKPAPAN610576114630499B3"
)
MERCHANT_ID = "ID1020067812345"


def at(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def make_centre(code="SIKS", static_qris=STATIC_QRIS):
    return centre_save(code=code, name=f"Sentra {code}", static_qris=static_qris)


def make_house(centre, unit_code="RP-01", **fields):
    fields.setdefault("commodity", "tempeh")
    fields.setdefault("equipment_level", "traditional")
    return production_house_save(centre=centre, unit_code=unit_code, **fields)


def make_tenant(name="UD Tempe Barokah", owner_name="Siti Aminah", **fields):
    return tenant_save(name=name, owner_name=owner_name, **fields)


def make_tenancy(centre, unit_code="RP-01", tenant_name="UD Tempe Barokah", levy=150_000, start=date(2025, 1, 1), **kw):
    house = make_house(centre, unit_code)
    tenant_fields = {name: kw.pop(name) for name in ("owner_name", "phone", "nib") if name in kw}
    tenant_fields.setdefault("owner_name", "Siti Aminah")
    tenant = make_tenant(tenant_name, **tenant_fields)
    return tenancy_save(tenant=tenant, house=house, start=start, monthly_levy=levy, **kw)
