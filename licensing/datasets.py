"""The public datasets of DPMPTSP (open-data portal): permit applications by type and month with their service-level
compliance, and the hours of online-service disruption per month.

Aggregates only (counts, shares, hours; never an application, an applicant's name, NIK, NIB or address), computed
through the same functions as the licensing indicators (``indicators``)."""

from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from analytics.registry import Period
from opendata.registry import CITY_CODE, Column, Dataset, last_change, months_covered, percent, register, suppress
from smarteconomy.choices import Role

from .indicators import (
    application_periods,
    decided_with_days,
    disruption_hours,
    disruption_periods,
    submitted_by_type_and_month,
    within_service_level,
)
from .models import PermitApplication, PermitStatusChange, PermitType, ServiceDisruption

CONTACT = "DPMPTSP Kota Balikpapan — Bidang Pengolahan Data dan Sistem Informasi"
TOPIC = _("Licensing")


# --- Permits by type and month ---------------------------------------------------------------------------------------


def permit_rows():
    """Per month and permit type: the applications submitted (and of them online), the applications decided, and
    of those the ones decided within the permit type's service level in working days (the indicators'
    ``submitted_by_type_and_month`` and ``decided_with_days``, read one year at a time)."""
    types = {pk: (code, name) for pk, code, name in PermitType.objects.values_list("pk", "code", "name")}
    rows = []
    for year in sorted({period.year for period in application_periods()}):
        cells = {}

        def cell(month, permit_type, year=year, cells=cells):
            return cells.setdefault(
                (month, permit_type),
                {"applications": 0, "online": 0, "decided": 0, "within": 0, "year": year},
            )

        for row in submitted_by_type_and_month(Period(year)):
            counts = cell(row["month"], row["permit_type_id"])
            counts["applications"] += row["total"]
            counts["online"] += row["online"]
        for month, permit_type, working_days, service_level in decided_with_days(Period(year)):
            counts = cell(month, permit_type)
            counts["decided"] += 1
            counts["within"] += within_service_level(working_days, service_level)
        for (month, permit_type), counts in sorted(cells.items(), key=lambda item: (item[0][0], types[item[0][1]])):
            code, name = types[permit_type]
            rows.append(
                {
                    "month": str(Period(year, month)),
                    "permit_type_code": code,
                    "permit_type_name": name,
                    "applications": counts["applications"],
                    "applications_online": counts["online"],
                    "decided": counts["decided"],
                    "decided_within_service_level": counts["within"],
                    "within_service_level_percent": percent(counts["within"], counts["decided"]),
                }
            )
    return rows


register(
    Dataset(
        code="licensing-permits-by-type-and-month",
        title=_("Permit applications by type and month with service-level compliance"),
        description=_(
            "Per month and permit type: the applications submitted to DPMPTSP (online through Spontan or OSS and at "
            "the counter), the applications decided (approved or rejected) and how many of them were decided within "
            "the permit type's service level, counted in working days without weekends, public holidays, cuti "
            "bersama and the time an application was returned to the applicant."
        ),
        producer=Role.DPMPTSP,
        frequency="monthly",
        unit=_("applications, percent"),
        columns=(
            Column("month", _("Month"), type="period"),
            Column("permit_type_code", _("Permit type code")),
            Column("permit_type_name", _("Permit type")),
            Column("applications", _("Applications submitted"), type="integer", unit=_("applications")),
            Column("applications_online", _("Submitted online"), type="integer", unit=_("applications")),
            Column("decided", _("Applications decided"), type="integer", unit=_("applications")),
            Column(
                "decided_within_service_level",
                _("Decided within the service level"),
                type="integer",
                unit=_("applications"),
            ),
            Column("within_service_level_percent", _("Share within the service level (%)"), type="decimal", unit="%"),
        ),
        rows=permit_rows,
        period_covered=lambda: months_covered(application_periods()),
        last_updated=lambda: last_change(PermitApplication, PermitStatusChange, PermitType),
        reference_codes=(CITY_CODE,),
        keywords=("perizinan", "DPMPTSP", "OSS", "Spontan", "standar pelayanan"),
        contact=CONTACT,
        topic=TOPIC,
    )
)


# --- Disruption hours by month ---------------------------------------------------------------------------------------


def disruption_rows():
    """Per month, the hours in which Spontan, OSS or the network was disrupted (the indicator's
    ``disruption_hours``)."""
    return [
        {"month": str(period), "disruption_hours": disruption_hours(period).value}
        for period in disruption_periods()
        if period.is_month
    ]


register(
    Dataset(
        code="licensing-disruption-hours",
        title=_("Hours of online licensing service disruption by month"),
        description=_(
            "Per month, the hours in which the online licensing services (Spontan, OSS) or the network were disrupted, "
            "as logged by DPMPTSP. A disruption still going on counts up to the end of the month or up to now."
        ),
        producer=Role.DPMPTSP,
        frequency="monthly",
        unit=_("hours"),
        columns=(
            Column("month", _("Month"), type="period"),
            Column("disruption_hours", _("Hours of disruption"), type="decimal", unit=_("hours")),
        ),
        rows=disruption_rows,
        period_covered=lambda: months_covered(disruption_periods()),
        last_updated=lambda: last_change(ServiceDisruption),
        reference_codes=(CITY_CODE,),
        keywords=("perizinan", "gangguan layanan", "OSS", "Spontan"),
        contact=CONTACT,
        topic=TOPIC,
    )
)


# IKM per quarter (PermenPANRB 14/2017) ---------------------------------------------------------------------------


def _ikm_rows():
    from .ikm import SURVEY_ELEMENTS, ikm_table, periods_between, survey_months, to_decimal

    span = survey_months()
    if span is None:
        return []
    rows = []
    for period, result in ikm_table(periods_between(*span, "quarter")):
        row = {"period": str(period), "responses": suppress(result.responses)}
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
    first, last = (str(period_containing(p.year, p.month, "quarter")) for p in span)
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
