"""Small helpers to make msme records in tests (through the services, so the rules apply)."""

from datetime import date

from msme.services import msme_create
from smarteconomy.models import Kelurahan

# Women add 40 to the birth day: 41 07 85 = 1 July 1985.
NIK_WOMAN = "6471054107850003"
NIK_MAN = "6471011203900001"


def kelurahan(code="64.71.01.1001"):
    return Kelurahan.objects.get(code=code)


def make_msme(n=1, *, confirm_new=True, **fields):
    values = {
        "name": f"Usaha Contoh {n}",
        "owner_name": f"Pemilik {n}",
        "owner_nik": f"64710112039{n:05d}"[:16] if n else NIK_MAN,
        "phone": "",
        "kelurahan": kelurahan(),
        "business_category": "culinary",
        "scale": "micro",
        "registered_on": date(2022, 3, 1),
        "status": "active",
    }
    values.update(fields)
    return msme_create(confirm_new=confirm_new, **values)
