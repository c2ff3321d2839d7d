"""The analytics importers (regions, GRDP), fuzzed by smarteconomy/tests/test_importer_fuzz.py. The reference
data (regions, BPS sectors) is loaded before each run."""

from hypothesis import strategies as st

from smarteconomy.testing_fuzz import FuzzCase

FUZZ = [
    FuzzCase("regions", cells={"code": st.sampled_from(["64", "64.71", "64.72", "65.01", "11.01"])}),
    FuzzCase("grdp"),
    # The BPS table as published: the random long-layout files and bytes are refused as tables without years;
    # analytics/tests/test_grdp_bps.py fuzzes the wide layout itself.
    FuzzCase("grdp_bps", setup=lambda: {"region": "64.71", "price_basis": "ADHK", "unit": ""}),
]
