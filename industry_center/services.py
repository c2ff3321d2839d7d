"""Writes of the industry-centre app: records, the monthly billing, late interest and arrears bills, payments
and the reconciliation of the bank's QRIS settlement files. Every function runs in one transaction and refuses
bad input with a ValidationError whose message says what to do; nothing is written then."""

import calendar
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from smarteconomy.periods import changed_span, mark_dirty, months_between
from smarteconomy.sources import ensure_unlocked
from smarteconomy.texts import render_text, text

from . import qris
from .choices import OPEN_BILL_STATUSES, OPEN_SETTLEMENT_STATUSES, BillKind, BillStatus, PaymentChannel
from .choices import SettlementStatus as SS
from .models import Centre, LevyBill, Payment, ProductionHouse, SettlementRow, Tenancy, Tenant

LEVY_SOURCE = "industry_center.levy"
HOUSES_SOURCE = "industry_center.houses"


# --- Dates ------------------------------------------------------------------------------------------------------


def month_start(day):
    return day.replace(day=1)


def add_months(day, months, *, on_day=None):
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(on_day or day.day, calendar.monthrange(year, month)[1]))


def due_date_for(period):
    """The due date of a monthly bill issued on time: LEVY_DUE_DAY of the billed month (its last day if shorter)."""
    return period.replace(day=min(settings.LEVY_DUE_DAY, calendar.monthrange(period.year, period.month)[1]))


def _period_text(day):
    return f"{day.year}-{day.month:02d}"


def _local_date(moment):
    return timezone.localtime(moment).date() if isinstance(moment, datetime) else moment


# --- Centre, houses, tenants, tenancies --------------------------------------------------------------------------


def _save(instance, fields, by):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance._history_user = by
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def centre_save(*, centre=None, by=None, **fields):
    """Create or change a centre. A static QRIS must be valid; its merchant ID (used to recognise the centre's
    rows in settlement files) is taken from it."""
    centre = centre or Centre()
    payload = (fields.get("static_qris", centre.static_qris) or "").strip()
    fields["static_qris"] = payload
    if payload:
        try:
            objects = qris.validate(payload)
        except qris.QrisError as error:
            raise ValidationError(
                {"static_qris": _("This is not a valid QRIS: %(error)s") % {"error": error}}
            ) from None
        ids = qris.merchant_ids(objects)
        if not ids:
            raise ValidationError({"static_qris": _("The QRIS has no merchant ID (sub-tag 02 of tags 26 to 51).")})
        centre.merchant_id = ids[-1]
    else:
        centre.merchant_id = ""
    return _save(centre, fields, by)


@transaction.atomic
def production_house_save(*, house=None, by=None, **fields):
    house = _save(house or ProductionHouse(), fields, by)
    # The indicators read a house as it was at the end of each period (its history): a change counts from now.
    mark_dirty(HOUSES_SOURCE, [timezone.localdate()])
    return house


@transaction.atomic
def tenant_save(*, tenant=None, by=None, **fields):
    return _save(tenant or Tenant(), fields, by)


@transaction.atomic
def tenancy_save(*, tenancy=None, by=None, **fields):
    """Create or change a tenancy. Refused when the house is let to someone else for part of the same time, or
    when the change would leave monthly bills outside the tenancy."""
    tenancy = tenancy or Tenancy()
    stored = Tenancy.objects.filter(pk=tenancy.pk).first() if tenancy.pk else None
    before = (stored.start, stored.end) if stored else ()
    for name, value in fields.items():
        setattr(tenancy, name, value)
    tenancy.full_clean()
    ProductionHouse.objects.select_for_update().filter(pk=tenancy.house_id).first()
    overlapping = Tenancy.objects.filter(house_id=tenancy.house_id).exclude(pk=tenancy.pk)
    overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gte=tenancy.start))
    if tenancy.end:
        overlapping = overlapping.filter(start__lte=tenancy.end)
    clash = overlapping.select_related("tenant").first()
    if clash is not None:
        raise ValidationError(
            _("Production house %(house)s is already let to %(tenant)s from %(start)s%(until)s.")
            % {
                "house": tenancy.house,
                "tenant": clash.tenant,
                "start": clash.start.strftime("%d/%m/%Y"),
                "until": _(" until %(end)s") % {"end": clash.end.strftime("%d/%m/%Y")} if clash.end else "",
            }
        )
    if tenancy.pk:
        outside = tenancy.bills.filter(kind=BillKind.MONTHLY).exclude(status=BillStatus.CANCELLED)
        outside = outside.filter(
            Q(period__lt=month_start(tenancy.start)) | (Q(period__gt=tenancy.end) if tenancy.end else Q(pk__in=[]))
        )
        if outside.exists():
            raise ValidationError(
                _("Bills already issued fall outside these dates (%(bills)s); cancel them first.")
                % {"bills": ", ".join(outside.values_list("number", flat=True)[:5])}
            )
    # Occupancy reads the tenancies' dates: the months of the old and the new dates (and every later one) are made
    # dirty. The lock (mark_dirty's ``dates``) refuses what changes the occupancy or the levy of an approved month:
    # a new tenancy's start and end; of a changed one, the months between an old and a new date, or every month
    # of both spans when the house, the tenant or the levy changed. Ending a running tenancy thus changes no month
    # before its end, and today's month (the house as it is now) is only a consequence.
    if stored is None:
        changed = [tenancy.start, tenancy.end]
    elif any(getattr(stored, name) != getattr(tenancy, name) for name in fields if name not in ("start", "end")):
        changed = [*months_between(stored.start, stored.end or timezone.now())]
        changed += months_between(tenancy.start, tenancy.end or timezone.now())
    else:
        changed = changed_span(stored.start, tenancy.start) + changed_span(stored.end, tenancy.end)
    tenancy._history_user = by
    tenancy.save()
    mark_dirty(HOUSES_SOURCE, changed, consequences=[*before, tenancy.start, tenancy.end, timezone.localdate()])
    return tenancy


# --- Bills ---------------------------------------------------------------------------------------------------------


def _next_numbers(prefix, count):
    """``count`` new bill numbers ``prefix-0001``… after the highest one in use (cancelled bills keep theirs)."""
    last = LevyBill.objects.filter(number__startswith=prefix + "-").aggregate(last=Max("number"))["last"]
    start = int(last.rsplit("-", 1)[1]) if last else 0
    return [f"{prefix}-{start + index:04d}" for index in range(1, count + 1)]


def _bill_prefix(kind, centre, month):
    return f"{'SKRD' if kind == BillKind.MONTHLY else 'STRD'}-{centre.code}-{month:%Y%m}"


@transaction.atomic
def levy_bills_mark_overdue(*, today=None):
    """Bills past their due date with money still owed become overdue. Returns how many changed."""
    today = today or timezone.localdate()
    bills = LevyBill.objects.filter(
        status__in=(BillStatus.ISSUED, BillStatus.PARTLY_PAID), due_date__lt=today, paid_amount__lt=F("amount")
    )
    periods = set(bills.values_list("period", flat=True))
    changed = bills.update(status=BillStatus.OVERDUE)
    if changed:
        # Time made these bills overdue, no one changed their data: a consequence (never refused by a lock).
        mark_dirty(LEVY_SOURCE, [], consequences=periods)
    return changed


def levy_bills_issue_month(*, period=None, today=None, by=None):
    """Issue the monthly bill (SKRD) of every tenancy active in ``period`` (a month; default: this month) that
    has none yet, and mark overdue bills. Idempotent: a second run issues nothing, and the database refuses a
    second monthly bill for the same tenancy and month even from two runs at once. Returns (created, details)."""
    today = today or timezone.localdate()
    period = month_start(period or today)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                overdue = levy_bills_mark_overdue(today=today)
                created = _issue_month(period, today, by)
        except IntegrityError:
            continue  # another run issued some of these bills at the same moment: recount and try again
        return created, {"period": _period_text(period), "bills_issued": created, "bills_now_overdue": overdue}
    raise ValidationError(_("The bills of %(period)s could not be issued; try again.") % {"period": period})


def _issue_month(period, today, by=None):
    last_day = period.replace(day=calendar.monthrange(period.year, period.month)[1])
    tenancies = (
        Tenancy.objects.filter(start__lte=last_day)
        .filter(Q(end__isnull=True) | Q(end__gte=period))
        # A cancelled bill does not count: the tenancy gets a new bill (with a new number) for its month.
        .exclude(
            pk__in=LevyBill.objects.filter(kind=BillKind.MONTHLY, period=period)
            .exclude(status=BillStatus.CANCELLED)
            .values("tenancy_id")
        )
        .select_related("house__centre")
        .order_by("house__centre_id", "house__unit_code", "id")
    )
    by_centre = {}
    for tenancy in tenancies:
        by_centre.setdefault(tenancy.house.centre, []).append(tenancy)
    # Issued on the 1st, or later when a run was missed or a tenancy recorded late (never after the month for a
    # past month being caught up: then it is issued today). A bill issued after the month's due day gets the same
    # term from its issue date, so that no bill is born overdue.
    issued_on = max(period, today)
    due = due_date_for(period)
    if issued_on > due:
        due = issued_on + timedelta(days=settings.LEVY_DUE_DAY - 1)
    bills = []
    for centre, items in by_centre.items():
        numbers = _next_numbers(_bill_prefix(BillKind.MONTHLY, centre, period), len(items))
        for tenancy, number in zip(items, numbers, strict=True):
            bills.append(
                LevyBill(
                    number=number,
                    kind=BillKind.MONTHLY,
                    tenancy=tenancy,
                    period=period,
                    amount=tenancy.monthly_levy,
                    issued_on=issued_on,
                    due_date=due,
                    status=BillStatus.ISSUED,
                )
            )
    bulk_create_with_history(bills, LevyBill, batch_size=500, default_user=by)
    if bills:
        mark_dirty(LEVY_SOURCE, [period])
    return len(bills)


def months_late(due_date, on):
    """Started months of lateness: a day after the due date is one month, the same day a month later is still
    one, the day after that two; capped at LEVY_INTEREST_CAP_MONTHS."""
    cap = settings.LEVY_INTEREST_CAP_MONTHS
    months = 0
    while months < cap and on > add_months(due_date, months, on_day=due_date.day):
        months += 1
    return months


def levy_interest(bill, *, as_of=None):
    """Late interest of a monthly bill in whole Rupiah: LEVY_INTEREST_RATE_PER_MONTH percent of each amount paid
    late for each started month it was late, and of the amount still owed up to ``as_of`` (default: today)."""
    if bill.kind != BillKind.MONTHLY or bill.status == BillStatus.CANCELLED:
        return 0
    as_of = as_of or timezone.localdate()
    rate = Decimal(settings.LEVY_INTEREST_RATE_PER_MONTH) / 100
    base = Decimal(0)
    paid = 0
    for amount, paid_at in bill.payments.order_by("paid_at", "id").values_list("amount", "paid_at"):
        base += Decimal(amount) * months_late(bill.due_date, _local_date(paid_at))
        paid += amount
    base += Decimal(max(bill.amount - paid, 0)) * months_late(bill.due_date, as_of)
    return int((base * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@transaction.atomic
def levy_bill_issue_arrears(*, bill, on=None, by=None):
    """Issue the STRD for the late interest of a monthly bill, up to ``on`` (default today). One per bill."""
    bill = LevyBill.objects.select_for_update().select_related("tenancy__house__centre").get(pk=bill.pk)
    on = on or timezone.localdate()
    if bill.kind != BillKind.MONTHLY:
        raise ValidationError(_("An arrears bill is issued for a monthly bill, not for another arrears bill."))
    if LevyBill.objects.filter(arrears_of=bill).exists():
        raise ValidationError(
            _("Bill %(number)s already has its arrears bill %(arrears)s.")
            % {"number": bill.number, "arrears": bill.arrears_bill.number}
        )
    if bill.status == BillStatus.CANCELLED:
        raise ValidationError(_("Bill %(number)s is cancelled.") % {"number": bill.number})
    interest = levy_interest(bill, as_of=on)
    if interest <= 0:
        raise ValidationError(
            _("Bill %(number)s owes no late interest on %(day)s (due %(due)s).")
            % {"number": bill.number, "day": on.strftime("%d/%m/%Y"), "due": bill.due_date.strftime("%d/%m/%Y")}
        )
    month = month_start(on)
    number = _next_numbers(_bill_prefix(BillKind.ARREARS, bill.tenancy.house.centre, month), 1)[0]
    arrears = LevyBill(
        number=number,
        kind=BillKind.ARREARS,
        tenancy=bill.tenancy,
        period=month,
        amount=interest,
        issued_on=on,
        due_date=on + timedelta(days=settings.LEVY_ARREARS_DUE_DAYS),
        arrears_of=bill,
    )
    arrears._history_user = by
    arrears.full_clean()
    arrears.save()
    mark_dirty(LEVY_SOURCE, [month])
    return arrears


@transaction.atomic
def levy_bill_cancel(*, bill, reason, by=None, at=None):
    """Cancel a bill that has no payment, with the reason."""
    bill = LevyBill.objects.select_for_update().get(pk=bill.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the bill is cancelled."))
    if bill.status == BillStatus.CANCELLED:
        raise ValidationError(_("Bill %(number)s is already cancelled.") % {"number": bill.number})
    if bill.paid_amount or bill.payments.exists():
        raise ValidationError(
            _("Bill %(number)s has payments and cannot be cancelled; record a refund outside the bill.")
            % {"number": bill.number}
        )
    bill.status = BillStatus.CANCELLED
    bill.cancel_reason = reason[:300]
    bill.cancelled_at = at or timezone.now()
    bill._history_user = by
    bill.full_clean()
    bill.save()
    mark_dirty(LEVY_SOURCE, [bill.period])
    return bill


# --- Payments ------------------------------------------------------------------------------------------------------


def _rupiah(amount):
    return "Rp" + f"{amount:,}".replace(",", ".")


def payment_problem_text(bill, amount):
    """Why ``amount`` cannot be paid on ``bill`` (double payment, overpayment, cancelled), or None: a stored
    text (smarteconomy.texts), since a settlement row keeps it as its reason and is read in either language."""
    if bill.status == BillStatus.CANCELLED:
        return text(
            gettext_noop("Bill %(number)s is cancelled (%(reason)s)."), number=bill.number, reason=bill.cancel_reason
        )
    if bill.status == BillStatus.PAID:
        return text(
            gettext_noop("Double payment: bill %(number)s was already paid in full on %(day)s."),
            number=bill.number,
            day=bill.paid_on.strftime("%d/%m/%Y") if bill.paid_on else "?",
        )
    if amount > bill.outstanding:
        return text(
            gettext_noop("Overpayment: %(amount)s is more than the %(outstanding)s still owed on bill %(number)s."),
            amount=_rupiah(amount),
            outstanding=_rupiah(bill.outstanding),
            number=bill.number,
        )
    return None


def payment_problem(bill, amount):
    """Why ``amount`` cannot be paid on ``bill``, in the active language, or None."""
    problem = payment_problem_text(bill, amount)
    return render_text(problem) if problem else None


@transaction.atomic
def payment_record(*, bill, channel, amount, paid_at, reference="", by=None, note=""):
    """Record a payment on a bill. Refused: a double payment (bill already paid, or a reference already
    recorded), an overpayment, a QRIS or transfer payment without its reference, a time in the future. A monthly
    bill paid in full after its due date gets its arrears bill (STRD) for the late interest."""
    bill = LevyBill.objects.select_for_update().select_related("tenancy__house__centre").get(pk=bill.pk)
    reference = (reference or "").strip()
    if channel not in PaymentChannel.values:
        raise ValidationError(_("Unknown payment channel “%(channel)s”.") % {"channel": channel})
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise ValidationError(
            _("The amount “%(amount)s” is not a whole number of Rupiah.") % {"amount": amount}
        ) from None
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."))
    if paid_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("The payment time is in the future."))
    if channel != PaymentChannel.CASH and not reference:
        raise ValidationError(
            _(
                "A %(channel)s payment needs its reference (the RRN of a QRIS payment, the bank reference of a transfer)."
            )
            % {"channel": PaymentChannel(channel).label}
        )
    if reference:
        earlier = Payment.objects.filter(channel=channel, reference=reference).select_related("bill").first()
        if earlier is not None:
            raise ValidationError(
                _("Double payment: reference %(reference)s is already recorded on bill %(number)s (%(day)s).")
                % {
                    "reference": reference,
                    "number": earlier.bill.number,
                    "day": timezone.localtime(earlier.paid_at).strftime("%d/%m/%Y %H:%M"),
                }
            )
    problem = payment_problem(bill, amount)
    if problem:
        raise ValidationError(problem)
    payment = Payment(
        bill=bill, channel=channel, amount=amount, paid_at=paid_at, reference=reference, recorded_by=by, note=note
    )
    payment._history_user = by
    # The reference, the amount and the bill's state were checked above with clear messages; the database
    # constraints still hold the line. (Django would validate each constraint with its own query.)
    payment.full_clean(validate_constraints=False)
    payment.save()
    bill.paid_amount += amount
    paid_day = _local_date(paid_at)
    if bill.paid_amount >= bill.amount:
        bill.status = BillStatus.PAID
        bill.paid_on = paid_day
    else:
        bill.status = BillStatus.OVERDUE if timezone.localdate() > bill.due_date else BillStatus.PARTLY_PAID
    bill._history_user = by
    bill.full_clean(validate_constraints=False)
    bill.save()
    # The payment is data of the month it was made (refused when that month is locked); a bill of a locked month
    # may still be paid later, which changes the bill's month only as a consequence (e.g. its collection rate in
    # the live scorecard, never in a published edition).
    mark_dirty(LEVY_SOURCE, [paid_at], consequences=[bill.period])
    if (
        bill.status == BillStatus.PAID
        and bill.kind == BillKind.MONTHLY
        and paid_day > bill.due_date
        and not LevyBill.objects.filter(arrears_of=bill).exists()
        and levy_interest(bill, as_of=paid_day) > 0
    ):
        levy_bill_issue_arrears(bill=bill, on=paid_day, by=by)
    return payment


# --- QRIS settlement reconciliation ----------------------------------------------------------------------------


def settlement_match(*, centre, amount, transaction_at, bill_number="", payer=""):
    """(status, bill, candidates, reason) for one settlement transaction: by the bill number in the QRIS when
    there is one; else by amount, the payer's name and the date window among the centre's open bills. The reason
    is a stored text (smarteconomy.texts), or "" for a match."""
    bills = LevyBill.objects.filter(tenancy__house__centre=centre)
    if bill_number:
        bill = bills.filter(number=bill_number).first()
        if bill is None:
            return SS.UNMATCHED, None, [], text(gettext_noop("No bill with number %(number)s."), number=bill_number)
        problem = payment_problem_text(bill, amount)
        if problem:
            return SS.REVIEW, None, [bill], problem
        return SS.MATCHED, bill, [bill], ""
    day = _local_date(transaction_at)
    window = bills.filter(issued_on__lte=day, issued_on__gte=day - timedelta(days=settings.QRIS_MATCH_WINDOW_DAYS))
    open_bills = window.filter(status__in=OPEN_BILL_STATUSES).annotate(owed=F("amount") - F("paid_amount"))
    candidates = list(open_bills.filter(owed=amount).select_related("tenancy__tenant").order_by("due_date", "id"))
    if payer and len(candidates) > 1:
        named = [
            bill
            for bill in candidates
            if payer.casefold() in bill.tenancy.tenant.name.casefold()
            or payer.casefold() in bill.tenancy.tenant.owner_name.casefold()
        ]
        candidates = named or candidates
    if len(candidates) == 1:
        return SS.MATCHED, candidates[0], candidates, ""
    if candidates:
        return (
            SS.AMBIGUOUS,
            None,
            candidates,
            text(gettext_noop("%(count)d open bills of this amount in the window; choose one."), count=len(candidates)),
        )
    paid = list(window.filter(status=BillStatus.PAID, amount=amount).order_by("-paid_on")[:5])
    if paid:
        return (
            SS.REVIEW,
            None,
            paid,
            text(
                gettext_noop("Possible double payment: no open bill of this amount, but %(bills)s already paid."),
                bills=", ".join(bill.number for bill in paid),
            ),
        )
    return SS.UNMATCHED, None, [], text(gettext_noop("No open bill of this amount issued in the window."))


def settlement_row_record(
    *, centre, row_number, transaction_at, amount, rrn, merchant_id, bill_number="", payer="", batch=None, by=None
):
    """Record one settlement transaction and match it; a matched row records its QRIS payment. Refused in a month
    whose settlement files are locked (the importer lists such rows before this runs)."""
    _ensure_settlements_unlocked(transaction_at)
    status, bill, candidates, reason = settlement_match(
        centre=centre, amount=amount, transaction_at=transaction_at, bill_number=bill_number, payer=payer
    )
    row = SettlementRow(
        batch=batch,
        row_number=row_number,
        transaction_at=transaction_at,
        amount=amount,
        rrn=rrn,
        bill_number=bill_number,
        merchant_id=merchant_id,
        payer=payer,
        centre=centre,
        status=status,
        reason=render_text(reason)[:300],  # as the importing user read it (search, exports)
        reason_text=reason or {},  # shown in each reader's language
    )
    if bill is not None:
        row.payment = payment_record(
            bill=bill, channel=PaymentChannel.QRIS, amount=amount, paid_at=transaction_at, reference=rrn, by=by
        )
    row._history_user = by
    row.full_clean(validate_unique=False)  # the importer has checked the RRN; the database keeps it unique
    row.save()
    if candidates:
        row.candidates.set(candidates)
    return row


def _ensure_settlements_unlocked(moment):
    from .sources import SETTLEMENTS_SOURCE  # the sources module reads this one's codes

    ensure_unlocked(SETTLEMENTS_SOURCE, [moment])


@transaction.atomic
def settlement_row_resolve(*, row, bill, by=None):
    """A person assigns an unmatched, ambiguous or reviewed row to a bill: its QRIS payment is recorded. Refused
    when the row's month of settlement files is locked (the office reconciles before it submits the month)."""
    row = SettlementRow.objects.select_for_update().get(pk=row.pk)
    _ensure_settlements_unlocked(row.transaction_at)
    if row.status not in OPEN_SETTLEMENT_STATUSES:
        raise ValidationError(_("This row is already %(status)s.") % {"status": row.get_status_display().lower()})
    if bill.tenancy.house.centre_id != row.centre_id:
        raise ValidationError(_("Bill %(number)s belongs to another centre.") % {"number": bill.number})
    row.payment = payment_record(
        bill=bill,
        channel=PaymentChannel.QRIS,
        amount=row.amount,
        paid_at=row.transaction_at,
        reference=row.rrn,
        by=by,
        note=_("Matched by hand from the settlement file"),
    )
    row.status = SS.RESOLVED
    row.resolved_by = by
    row.resolved_at = timezone.now()
    row._history_user = by
    row.save()
    return row


@transaction.atomic
def settlement_row_set_aside(*, row, reason, by=None):
    """A person sets a row aside (e.g. a refund, or not a levy payment), with the reason. Refused when the row's
    month of settlement files is locked."""
    row = SettlementRow.objects.select_for_update().get(pk=row.pk)
    _ensure_settlements_unlocked(row.transaction_at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the row is set aside."))
    if row.status not in OPEN_SETTLEMENT_STATUSES:
        raise ValidationError(_("This row is already %(status)s.") % {"status": row.get_status_display().lower()})
    row.status = SS.IGNORED
    row.reason = reason[:300]
    row.reason_text = {}  # a person's own words, shown as typed
    row.resolved_by = by
    row.resolved_at = timezone.now()
    row._history_user = by
    row.save()
    return row
