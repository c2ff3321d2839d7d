"""The importers of reference data (and the test-only sample importer), fuzzed by test_importer_fuzz.py."""

from hypothesis import strategies as st

from smarteconomy.testing_fuzz import FuzzCase

KECAMATAN = [f"64.71.0{n}" for n in range(1, 7)]


def consistent_area(draw, values):
    """The code has the shape of its level, and a kelurahan names its kecamatan (one of the city's six, or
    sometimes an unknown one: refused, since it is neither in the file nor in the database)."""
    level = draw(st.sampled_from(["kota", "kecamatan", "kelurahan"]))
    kecamatan = draw(st.sampled_from([*KECAMATAN, "64.71.09"]))
    values["level"] = level
    if level == "kota":
        values["kode_kemendagri"] = "64.71"
    elif level == "kecamatan":
        values["kode_kemendagri"] = kecamatan
    else:
        values["kode_kemendagri"] = f"{kecamatan}.{draw(st.integers(min_value=1000, max_value=9999))}"
        values["kecamatan"] = values["kecamatan"] or "Balikpapan Timur"


FUZZ = [
    FuzzCase("wilayah", fix=consistent_area),
    FuzzCase("sectors", cells={"code": st.sampled_from(["A", "B", "C", "MN", "RSTU", "ZZ"])}),
    FuzzCase("holidays"),
    FuzzCase("sample-payments", cells={"reference": st.sampled_from(["INV-1", "INV-2", "INV-3", "INV-4"])}),
]
