"""The licensing office's public datasets (opendata.registry): aggregates only, never an application or a person."""

from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from opendata.registry import Column, Dataset, register, suppress
from smarteconomy.choices import Role

# IKM per quarter (PermenPANRB 14/2017) ---------------------------------------------------------------------------


def _ikm_rows():
    from .ikm import SURVEY_ELEMENTS, ikm_table, periods_between, survey_months, to_decimal

    span = survey_months()
    if span is None:
        return []
    rows = []
    for period, result in ikm_table(periods_between(*span, "quarter")):
        row = {"period": period.label, "responses": suppress(result.responses)}
        # Fewer than 3 answers in a quarter: their scores would be one or two applicants' own; not published.
        shown = result.responses >= 3
        for code in SURVEY_ELEMENTS:
            row[code] = to_decimal(result.nrr[code]).quantize(Decimal("0.0001")) if shown else None
        row["ikm"] = result.ikm_rounded if shown else None
        row["category"] = result.category if shown else ""
        row["lowest_element"] = result.elements_lowest_first()[0][0].upper() if shown else ""
        rows.append(row)
    return rows


def _ikm_covered():
    from .ikm import period_containing, survey_months

    span = survey_months()
    if span is None:
        return (None, None)
    first, last = (period_containing(p.year, p.month, "quarter").label for p in span)
    return (first, last)


def _ikm_updated():
    from .models import SurveyResponse

    return SurveyResponse.objects.aggregate(last=Max("created_at"))["last"]


_ELEMENT_LABELS = {
    "u1": _("U1 requirements (NRR)"),
    "u2": _("U2 procedure (NRR)"),
    "u3": _("U3 completion time (NRR)"),
    "u4": _("U4 cost (NRR)"),
    "u5": _("U5 service product (NRR)"),
    "u6": _("U6 staff competence (NRR)"),
    "u7": _("U7 staff behaviour (NRR)"),
    "u8": _("U8 complaint handling (NRR)"),
    "u9": _("U9 facilities (NRR)"),
}

register(
    Dataset(
        code="licensing-ikm-by-quarter",
        title=_("Service satisfaction index (IKM) of DPMPTSP per quarter"),
        description=_(
            "The Indeks Kepuasan Masyarakat of the licensing service of DPMPTSP Kota Balikpapan per quarter "
            "(PermenPANRB 14/2017), from the survey answered by applicants after the decision on their application. "
            "For each of the nine service elements the mean score 1-4 (NRR); IKM = Σ (NRR × 1/9) × 25, with its "
            "quality category (A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99). A quarter with fewer than "
            '3 answers shows "<3" and no scores.'
        ),
        producer=Role.DPMPTSP,
        frequency="quarterly",
        unit=_("index points (25-100); NRR 1-4"),
        columns=(
            Column("period", _("Quarter"), "period"),
            Column("responses", _("Answers"), "integer", suppress=True),
            *(Column(code, label, "decimal") for code, label in _ELEMENT_LABELS.items()),
            Column("ikm", _("IKM"), "decimal", unit=_("index points")),
            Column("category", _("Quality category"), "string"),
            Column("lowest_element", _("Lowest element"), "string"),
        ),
        rows=_ikm_rows,
        period_covered=_ikm_covered,
        last_updated=_ikm_updated,
        keywords=("IKM", "SKM", "kepuasan masyarakat", "perizinan", "DPMPTSP"),
        contact="DPMPTSP Kota Balikpapan",
        topic=_("Licensing"),
    )
)
