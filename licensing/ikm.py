"""The service satisfaction index (Indeks Kepuasan Masyarakat, IKM) of PermenPANRB 14/2017, in one place.

Per service element U1..U9 the mean score of the responses is its NRR (nilai rata-rata). Each NRR is weighted by
1/9 (the regulation's equal weight; exactly 1/9 here, not the rounded 0,111 of the regulation's worked example),
the weighted NRRs are summed and multiplied by 25 to give the IKM on a 25-100 scale. Everything is computed with
exact fractions; an NRR is shown with full precision (28 significant digits for a non-terminating one).

The quality category is decided on the IKM rounded to two decimals (half up), the precision of the regulation's
table, so that its intervals leave no gap: A 88,31-100,00, B 76,61-88,30, C 65,00-76,60, D 25,00-64,99. An IKM of
88,305 rounds to 88,31 and is A; 88,3049... rounds to 88,30 and is B.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smarteconomy.periods import Period, PeriodError

from .models import SURVEY_ELEMENTS, SurveyResponse

WEIGHT = Fraction(1, 9)
SCALE = 25
# (category, lowest rounded IKM of the category); checked from the top.
CATEGORIES = (("A", Decimal("88.31")), ("B", Decimal("76.61")), ("C", Decimal("65.00")), ("D", Decimal("25.00")))
CATEGORY_LABELS = {
    "A": _("Very good"),
    "B": _("Good"),
    "C": _("Less than good"),
    "D": _("Not good"),
}
ELEMENT_NAMES = {
    "u1": _("Requirements"),
    "u2": _("Systems, mechanisms and procedures"),
    "u3": _("Completion time"),
    "u4": _("Costs and tariffs"),
    "u5": _("Specification of the service product"),
    "u6": _("Competence of the staff"),
    "u7": _("Behaviour of the staff"),
    "u8": _("Handling of complaints, suggestions and feedback"),
    "u9": _("Facilities and infrastructure"),
}
PERIOD_LENGTHS = ("quarter", "month", "year")


class IkmError(ValueError):
    pass


def to_decimal(fraction):
    """A fraction as a Decimal: exact when it terminates, 28 significant digits otherwise."""
    return Decimal(fraction.numerator) / Decimal(fraction.denominator)


def rounded(value):
    return to_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def category(ikm):
    """The quality category (A-D) of an IKM (a Fraction or Decimal), decided on its value rounded to 2 decimals;
    "" below 25 (impossible with scores 1-4) or for no IKM."""
    if ikm is None:
        return ""
    value = rounded(Fraction(ikm))
    for name, lowest in CATEGORIES:
        if value >= lowest:
            return name
    return ""


@dataclass(frozen=True)
class IkmResult:
    """The IKM of a set of responses: their number, each element's NRR (exact Fraction; None without responses),
    the IKM (exact Fraction) and its category."""

    responses: int
    nrr: dict  # {"u1": Fraction, ...}

    @property
    def ikm(self):
        if not self.responses:
            return None
        return sum((value * WEIGHT for value in self.nrr.values()), Fraction(0)) * SCALE

    @property
    def ikm_rounded(self):
        return None if self.ikm is None else rounded(self.ikm)

    @property
    def category(self):
        return category(self.ikm)

    @property
    def category_label(self):
        return CATEGORY_LABELS.get(self.category, "")

    def elements_lowest_first(self):
        """[(code, name, NRR as Decimal)] from the lowest NRR to the highest (the lowest are what to improve);
        equal NRRs in element order."""
        if not self.responses:
            return []
        order = sorted(SURVEY_ELEMENTS, key=lambda code: (self.nrr[code], code))
        return [(code, ELEMENT_NAMES[code], to_decimal(self.nrr[code])) for code in order]


def ikm_from_totals(responses, totals):
    """The IKM of ``responses`` answers whose scores sum to ``totals`` ({"u1": int, ...})."""
    if not responses:
        return IkmResult(0, {code: None for code in SURVEY_ELEMENTS})
    return IkmResult(responses, {code: Fraction(totals[code], responses) for code in SURVEY_ELEMENTS})


def ikm_of_scores(rows):
    """The IKM of responses given as sequences of nine scores (U1..U9)."""
    rows = list(rows)
    totals = {code: sum(row[index] for row in rows) for index, code in enumerate(SURVEY_ELEMENTS)}
    return ikm_from_totals(len(rows), totals)


# Periods ------------------------------------------------------------------------------------------------------


def period_containing(year, month, length):
    """The month, quarter or year (a Period) containing month ``month`` of ``year``."""
    if length == "month":
        return Period(year, month)
    if length == "quarter":
        return Period.quarter_of(Period(year, month))
    if length == "year":
        return Period(year)
    raise IkmError(f"Unknown period length {length!r}; use one of {', '.join(PERIOD_LENGTHS)}.")


def parse_month(text):
    try:
        period = Period.parse(text)
    except PeriodError:
        period = None
    if period is None or not period.is_month:
        raise IkmError(f"{text!r} is not a month; use YYYY-MM.")
    return period


def periods_between(start, end, length="quarter"):
    """The whole periods of ``length`` from the one containing month ``start`` to the one containing month ``end``
    (Periods or "YYYY-MM" texts), oldest first."""
    start = parse_month(start) if not isinstance(start, Period) else start
    end = parse_month(end) if not isinstance(end, Period) else end
    if (end.year, end.month) < (start.year, start.month):
        raise IkmError(f"The end {end} is before the start {start}.")
    periods = [period_containing(start.year, start.month, length)]
    last = period_containing(end.year, end.month, length)
    while periods[-1] != last:
        after = periods[-1].end
        periods.append(period_containing(after.year, after.month, length))
    return periods


# Reads --------------------------------------------------------------------------------------------------------


def responses_in(period, permit_type=None):
    """The survey responses submitted in ``period`` (WITA), of one permit type (its code) or all."""
    start, end = period.moments()
    responses = SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if permit_type:
        responses = responses.filter(application__permit_type__code=permit_type)
    return responses


def ikm_for(period, permit_type=None):
    """The IKM of the responses submitted in ``period``: one aggregate query."""
    sums = responses_in(period, permit_type).aggregate(
        responses=Count("id"), **{code: Sum(code) for code in SURVEY_ELEMENTS}
    )
    return ikm_from_totals(sums["responses"], sums)


def ikm_table(periods, permit_type=None):
    """[(period, IkmResult)] for each period."""
    return [(period, ikm_for(period, permit_type)) for period in periods]


def survey_months():
    """(first, last) month ("YYYY-MM") with a response, or None."""
    tz = timezone.get_current_timezone()
    months = SurveyResponse.objects.datetimes("submitted_at", "month", tzinfo=tz)
    if not months:
        return None
    return Period(months[0].year, months[0].month), Period(months.last().year, months.last().month)


def report_rows(table):
    """The rows of ``ikm_report`` and of the dataset: period, responses, u1..u9 (NRR, full precision), ikm (rounded
    to 2 decimals, the value the category is decided on), category. Empty values for a period without responses."""
    rows = []
    for period, result in table:
        row = {"period": str(period), "responses": result.responses}
        for code in SURVEY_ELEMENTS:
            row[code] = "" if not result.responses else str(to_decimal(result.nrr[code]))
        row["ikm"] = "" if not result.responses else str(result.ikm_rounded)
        row["category"] = result.category
        rows.append(row)
    return rows


REPORT_COLUMNS = ("period", "responses", *SURVEY_ELEMENTS, "ikm", "category")
