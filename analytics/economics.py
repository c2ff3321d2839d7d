"""Leading-sector economics: location quotient, dynamic LQ, shift-share (four methods) and the Klassen
typology. Pure functions on pandas/numpy in float64; nothing here touches the database, and nothing is
rounded (rounding is for display only).

Inputs are "wide" frames: one row per sector (index: BPS sector codes, in BPS order), one column per year
(int), values in any unit as long as region and reference share it. ``q`` is the region (e.g. Kota
Balikpapan), ``e`` the reference region (e.g. Provinsi Kalimantan Timur).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext, gettext_noop

BASIS = "basis"
NON_BASIS = "non-basis"
NEUTRAL = "neutral"

# Klassen typology (LQ against 1 × the sector's growth in the region against the same sector in the reference)
KLASSEN_I = "maju dan tumbuh pesat"
KLASSEN_II = "maju tapi tertekan"
KLASSEN_III = "potensial/berkembang cepat"
KLASSEN_IV = "relatif tertinggal"

# Static LQ (mean over the window) × dynamic LQ
DLQ_LEADING = "unggulan"  # basis and staying basis
DLQ_DECLINING = "andalan, melemah"  # basis now, losing its position
DLQ_PROSPECTIVE = "prospektif"  # non-basis now, gaining
DLQ_LAGGING = "tertinggal"  # non-basis and staying so

SHIFT_SHARE_METHODS = ("classic", "dynamic", "annual-average", "esteban-marquillas")
DLQ_VARIANTS = ("compound", "arithmetic")
TOTAL = "TOTAL"


class EconomicsError(ValueError):
    """The data cannot support the requested computation; the message says why, for the user.

    It keeps the untranslated message (marked with ``gettext_noop``) and its named parameters, so that ``str()``
    reads in the active language and a stored note (``analytics.registry.text``) is translated when shown."""

    def __init__(self, message, **params):
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self):
        return gettext(self.message) % self.params if self.params else gettext(self.message)


@dataclass(frozen=True)
class Panel:
    """Region and reference values for the same sectors and years."""

    q: pd.DataFrame
    e: pd.DataFrame

    @property
    def years(self):
        return list(self.q.columns)


def panel_from_long(frame, *, region, reference, sector_order):
    """Build a checked Panel from long rows with columns region, sector, year, value."""
    if frame.empty:
        raise EconomicsError(
            gettext_noop("No GRDP data for region %(region)s or reference %(reference)s."),
            region=region,
            reference=reference,
        )
    wide = {}
    for code in (region, reference):
        rows = frame[frame["region"] == code]
        if rows.empty:
            raise EconomicsError(gettext_noop("No GRDP data for region %(region)s."), region=code)
        # groupby + unstack: the same table as pivot_table(aggfunc="sum"), several times faster.
        table = rows.groupby(["sector", "year"], sort=False)["value"].sum().unstack("year")
        wide[code] = table.astype("float64")
    q, e = wide[region], wide[reference]
    years = sorted(set(q.columns) & set(e.columns))
    missing_years = sorted(set(q.columns) ^ set(e.columns))
    if missing_years:
        # Only years present for both regions can be compared.
        q, e = q[years], e[years]
    sectors = [code for code in sector_order if code in q.index or code in e.index]
    q = q.reindex(index=sectors, columns=years)
    e = e.reindex(index=sectors, columns=years)
    # A sector absent in a year counts as 0, as in BPS tables where it is published as "-".
    q, e = q.fillna(0.0), e.fillna(0.0)
    panel = Panel(q=q, e=e)
    check_reference_contains_region(panel)
    return panel


def check_reference_contains_region(panel):
    """The reference must be the larger economy in every sector and year (it contains the region)."""
    smaller = panel.e < panel.q
    if smaller.to_numpy().any():
        pairs = [f"{sector} {year}" for sector, year in smaller.stack().loc[lambda s: s].index]
        raise EconomicsError(
            gettext_noop(
                "The reference region is smaller than the region for: %(pairs)s. Choose a reference that contains "
                "the region (for Kota Balikpapan: Provinsi Kalimantan Timur)."
            ),
            pairs=", ".join(pairs[:10]) + (" …" if len(pairs) > 10 else ""),
        )


def check_window(start, end, *, one_year=False):
    """Start not after end; a window of one year (start = end) only where ``one_year`` says the computation
    needs no growth (LQ)."""
    if start > end:
        raise EconomicsError(
            gettext_noop("The start year (%(start)s) must not be after the end year (%(end)s)."), start=start, end=end
        )
    if start == end and not one_year:
        raise EconomicsError(
            gettext_noop(
                "Growth needs two different years: widen the window from %(start)s to two years or more (only "
                "the location quotient can be computed for one year)."
            ),
            start=start,
        )


def window_years(panel, start, end, *, every_year=False, one_year=False):
    """The years of [start, end] in the data (see check_window). Start and end must be there; with
    ``every_year`` all must."""
    check_window(start, end, one_year=one_year)
    present = [year for year in panel.years if start <= year <= end]
    missing = [year for year in (start, end) if year not in present]
    if every_year:
        missing = [year for year in range(start, end + 1) if year not in present]
    if missing:
        raise EconomicsError(
            gettext_noop("No GRDP data for both regions in %(years)s (window %(start)s–%(end)s)."),
            years=", ".join(str(y) for y in missing),
            start=start,
            end=end,
        )
    return present


def location_quotient(panel):
    """LQ_i,t = (q_i,t / Q_t) / (e_i,t / E_t) for every sector and year."""
    share_region = panel.q / panel.q.sum()
    share_reference = panel.e / panel.e.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return share_region / share_reference


def lq_class(value):
    if value > 1:
        return BASIS
    if value < 1:
        return NON_BASIS
    return NEUTRAL


def lq_summary(panel, start, end):
    """lq_<year> for each year of the window present in the data, lq_mean over those years, class. One year
    (start = end) is a window too: the most common request is the LQ of a single year."""
    years = window_years(panel, start, end, one_year=True)
    lq = location_quotient(panel)[years]
    result = lq.rename(columns=lambda year: f"lq_{year}")
    result["lq_mean"] = lq.mean(axis=1)
    result["class"] = result["lq_mean"].map(lq_class)
    return result


def _rates(frame, years, variant):
    """Average annual growth rate per row between the first and last year, in the variant asked for."""
    start, end = years[0], years[-1]
    if (frame[start] <= 0).any():
        zero = list(frame.index[frame[start] <= 0])
        raise EconomicsError(
            gettext_noop("Growth is undefined: the %(year)s value is zero for %(sectors)s."),
            year=start,
            sectors=", ".join(map(str, zero)),
        )
    if variant == "compound":
        return (frame[end] / frame[start]) ** (1.0 / (end - start)) - 1.0
    if variant == "arithmetic":
        if years != list(range(start, end + 1)):
            raise EconomicsError(
                gettext_noop("The arithmetic mean of annual growth rates needs every year of the window.")
            )
        annual = [frame[y] / frame[y - 1] - 1.0 for y in range(start + 1, end + 1)]
        return sum(annual) / len(annual)
    raise EconomicsError(
        gettext_noop("Unknown variant %(variant)s; use one of %(choices)s."),
        variant=repr(variant),
        choices=", ".join(DLQ_VARIANTS),
    )


def dynamic_lq(panel, start, end, variant="compound"):
    """DLQ_i = [((1 + g_i) / (1 + g)) / ((1 + G_i) / (1 + G))] ** t, with t = end − start and g_i, g, G_i, G the
    average annual growth of the region's sector, the region's total, the reference's sector and total.

    ``compound``: growth rates are compound averages, so DLQ_i equals LQ_i,end / LQ_i,start exactly.
    ``arithmetic``: growth rates are the arithmetic mean of the annual rates (needs every year)."""
    years = window_years(panel, start, end, every_year=variant == "arithmetic")
    t = end - start
    region = panel.q.copy()
    reference = panel.e.copy()
    region.loc[TOTAL] = panel.q.sum()
    reference.loc[TOTAL] = panel.e.sum()
    g = _rates(region, years, variant)
    big_g = _rates(reference, years, variant)
    dlq = (((1 + g) / (1 + g[TOTAL])) / ((1 + big_g) / (1 + big_g[TOTAL]))) ** t
    dlq = dlq.drop(TOTAL)
    slq = lq_summary(panel, start, end)["lq_mean"]
    result = pd.DataFrame({"dlq": dlq, "slq_mean": slq})
    result["quadrant"] = [
        (DLQ_LEADING if d > 1 else DLQ_DECLINING) if s > 1 else (DLQ_PROSPECTIVE if d > 1 else DLQ_LAGGING)
        for s, d in zip(result["slq_mean"], result["dlq"], strict=True)
    ]
    return result


def _classic(q0, q1, e0, e1):
    """One period's decomposition. Returns a DataFrame indexed by sector with a TOTAL row."""
    if (q0 <= 0).any() or (e0 <= 0).any():
        zero = sorted(set(q0.index[q0 <= 0]) | set(e0.index[e0 <= 0]))
        raise EconomicsError(
            gettext_noop("Shift-share is undefined: a base-year value is zero for %(sectors)s."),
            sectors=", ".join(zero),
        )
    big_g = e1.sum() / e0.sum() - 1.0  # G: growth of the reference economy
    g = e1 / e0 - 1.0  # g_i: growth of the sector in the reference
    r = q1 / q0 - 1.0  # r_i: growth of the sector in the region
    frame = pd.DataFrame(
        {
            "base_value": q0,
            "end_value": q1,
            "delta": q1 - q0,
            "regional_share": q0 * big_g,
            "proportional_shift": q0 * (g - big_g),
            "differential_shift": q0 * (r - g),
        }
    )
    # Esteban-Marquillas: the homothetic base q*_i = Q_0 · e_i,0 / E_0 splits DS into CE + AE.
    homothetic = q0.sum() * e0 / e0.sum()
    frame["competitive_effect"] = homothetic * (r - g)
    frame["allocation_effect"] = (q0 - homothetic) * (r - g)
    frame.loc[TOTAL] = frame.sum()
    return frame


def shift_share(panel, start, end, method="classic"):
    """ΔQ_i = PR_i + PS_i + DS_i for every sector and the total (exact up to float64 rounding).

    classic: one period start → end. dynamic: the classic decomposition of each consecutive year pair,
    summed (needs every year). annual-average: dynamic ÷ the number of year pairs. esteban-marquillas:
    classic plus DS = CE + AE."""
    if method not in SHIFT_SHARE_METHODS:
        raise EconomicsError(
            gettext_noop("Unknown method %(method)s; use one of %(choices)s."),
            method=repr(method),
            choices=", ".join(SHIFT_SHARE_METHODS),
        )
    q, e = panel.q, panel.e
    if method in ("classic", "esteban-marquillas"):
        window_years(panel, start, end)
        frame = _classic(q[start], q[end], e[start], e[end])
        if method == "classic":
            frame = frame.drop(columns=["competitive_effect", "allocation_effect"])
        return frame
    window_years(panel, start, end, every_year=True)
    pairs = [_classic(q[y - 1], q[y], e[y - 1], e[y]) for y in range(start + 1, end + 1)]
    components = ["delta", "regional_share", "proportional_shift", "differential_shift"]
    frame = sum(pair[components] for pair in pairs)
    if method == "annual-average":
        frame = frame / len(pairs)
    base = q[start].copy()
    base.loc[TOTAL] = q[start].sum()
    final = q[end].copy()
    final.loc[TOTAL] = q[end].sum()
    frame.insert(0, "base_value", base)
    frame.insert(1, "end_value", final)
    return frame


def klassen(panel, start, end):
    """Klassen typology per sector: LQ mean over the window against 1, and the sector's compound annual growth
    in the region against the same sector's in the reference."""
    years = window_years(panel, start, end)
    lq_mean = lq_summary(panel, start, end)["lq_mean"]
    region_growth = _rates(panel.q, years, "compound")
    reference_growth = _rates(panel.e, years, "compound")
    result = pd.DataFrame({"lq_mean": lq_mean, "region_growth": region_growth, "reference_growth": reference_growth})

    basis = (result["lq_mean"] > 1).to_numpy()
    faster = (result["region_growth"] > result["reference_growth"]).to_numpy()
    result["quadrant"] = np.where(
        basis, np.where(faster, KLASSEN_I, KLASSEN_II), np.where(faster, KLASSEN_III, KLASSEN_IV)
    )
    return result
