"""Writes of the msme app: keyword-only, in one transaction, with a clear ValidationError (and nothing written)
when an input is refused."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smarteconomy.models import Kelurahan
from smarteconomy.periods import changed_span, mark_dirty

from .choices import OutletMovementKind, ParticipantStatus
from .duplicates import find_candidates, name_key
from .models import (
    Listing,
    Msme,
    OutletMovement,
    OutletPayout,
    OutletProduct,
    Training,
    TrainingParticipant,
)
from .validators import normalize_phone

REGISTRY_SOURCE = "msme.registry"
LISTINGS_SOURCE = "msme.listings"
TRAININGS_SOURCE = "msme.trainings"
OUTLET_SOURCE = "msme.outlet"

MSME_FIELDS = (
    "name",
    "owner_name",
    "owner_nik",
    "nib",
    "phone",
    "address",
    "kelurahan",
    "business_category",
    "scale",
    "registered_on",
    "status",
    "qris_since",
)


class DuplicateCandidates(ValidationError):
    """The entry may be a business already in the registry: the user must merge or confirm it is new."""

    def __init__(self, candidates):
        self.candidates = candidates
        super().__init__(
            _("This MSME may already be registered: %(candidates)s. Merge it into one of them, or confirm it is new.")
            % {"candidates": "; ".join(c.describe() for c in candidates)},
            code="duplicate",
        )


def _prepare(msme, fields):
    for name, value in fields.items():
        if name not in MSME_FIELDS:
            raise TypeError(f"unknown MSME field {name}")
        setattr(msme, name, value)
    msme.nib = msme.nib or ""
    msme.phone = normalize_phone(msme.phone)
    msme.name_key = name_key(msme.name)


@transaction.atomic
def msme_create(*, by=None, confirm_new=False, **fields):
    """Register an MSME. Refused with DuplicateCandidates when it may already be registered, unless the
    user confirmed it is a different business (``confirm_new``)."""
    msme = Msme()
    _prepare(msme, fields)
    msme.full_clean()
    if not confirm_new:
        candidates = find_candidates(
            name=msme.name,
            kelurahan_id=msme.kelurahan_id,
            phone=msme.phone,
            owner_nik=msme.owner_nik,
            nib=msme.nib,
        )
        if candidates:
            raise DuplicateCandidates(candidates)
    msme._history_user = by
    msme.save()
    mark_dirty(REGISTRY_SOURCE, [msme.registered_on])
    return msme


@transaction.atomic
def msme_update(*, msme, by=None, **fields):
    msme = Msme.objects.select_for_update().get(pk=msme.pk)
    before, qris_before = msme.registered_on, msme.qris_since
    changed = {name for name, value in fields.items() if getattr(msme, name) != value}
    _prepare(msme, fields)
    msme.full_clean()
    msme._history_user = by
    msme.save()
    if changed and changed <= {"qris_since"}:
        # A QRIS adoption (a training's follow-up) is data of the day it happened, not of the registration month:
        # an MSME registered in a locked month may still adopt QRIS later.
        mark_dirty(REGISTRY_SOURCE, [qris_before, msme.qris_since], consequences=[before])
    else:
        mark_dirty(REGISTRY_SOURCE, [before, msme.registered_on])
    return msme


# What a merge may take from the entry: every field but the status (the registered record keeps its own).
MERGE_FIELDS = tuple(name for name in MSME_FIELDS if name != "status")


def _is_empty(value):
    return value in (None, "")


@transaction.atomic
def msme_merge(*, into, take=None, by=None, **fields):
    """The entry (``fields``) is the business already registered as ``into``.

    ``take`` names the fields whose entry value replaces the registered one, as the officer chose on the
    side-by-side comparison; every other field keeps its registered value, so the owner's NIK changes only when
    ``owner_nik`` is in ``take``. Without ``take`` (an import, which has no comparison step) the entry only
    completes the record: it fills the fields that are empty there and gives an earlier registration date, and
    never replaces a registered value. Empty entry values never erase anything; the status is never taken.
    Nothing is saved (and no history row written) when nothing changes."""
    msme = Msme.objects.select_for_update().get(pk=into.pk)
    before = msme.registered_on
    if take is None:
        values = {
            name: value
            for name, value in fields.items()
            if name in MERGE_FIELDS and not _is_empty(value) and _is_empty(getattr(msme, name))
        }
        if fields.get("registered_on") and fields["registered_on"] < msme.registered_on:
            values["registered_on"] = fields["registered_on"]
    else:
        refused = set(take) - set(MERGE_FIELDS)
        if refused:
            raise ValidationError(
                _("A merge cannot take these fields from the entry: %(fields)s.")
                % {"fields": ", ".join(sorted(refused))}
            )
        values = {name: fields[name] for name in take if name in fields and not _is_empty(fields[name])}
    if "phone" in values:
        values["phone"] = normalize_phone(values["phone"])
    values = {name: value for name, value in values.items() if getattr(msme, name) != value}
    if not values:
        return msme
    _prepare(msme, values)
    msme.full_clean()
    msme._history_user = by
    msme.save()
    mark_dirty(REGISTRY_SOURCE, [before, msme.registered_on])
    return msme


# --- Marketplace ----------------------------------------------------------------------------------------------


@transaction.atomic
def listing_save(*, listing=None, by=None, **fields):
    """Create or change a Sobat UMKM listing. Delisting (``delisted_on``) makes it inactive."""
    listing = listing or Listing()
    # As stored (a form may have changed the instance already): a moved listing changes both its dates.
    stored = Listing.objects.filter(pk=listing.pk).first() if listing.pk else None
    before = (stored.listed_on, stored.delisted_on) if stored else ()
    for name, value in fields.items():
        setattr(listing, name, value)
    if listing.delisted_on:
        listing.active = False
    if listing.msme_id is None:
        raise ValidationError({"msme": _("Choose the MSME the product belongs to.")})
    listing.full_clean()
    listing._history_user = by
    listing.save()
    # The lock: a change of a listing of an approved month is refused, except its delisting (or a moved delisting
    # date), which changes only the months between the old and the new end: a listing of a locked month may still
    # be taken off the marketplace.
    only_end = stored is not None and all(
        getattr(stored, field.attname) == getattr(listing, field.attname)
        for field in Listing._meta.concrete_fields
        if field.name not in ("delisted_on", "active", "updated_at")
    )
    dates = changed_span(stored.delisted_on, listing.delisted_on) if only_end else [*before, listing.listed_on]
    mark_dirty(LISTINGS_SOURCE, [*dates, listing.delisted_on], consequences=[*before, listing.listed_on])
    return listing


# --- Trainings ------------------------------------------------------------------------------------------------


@transaction.atomic
def training_save(*, training=None, by=None, **fields):
    training = training or Training()
    before = Training.objects.filter(pk=training.pk).values_list("starts_on", "ends_on").first() or ()
    for name, value in fields.items():
        setattr(training, name, value)
    training.full_clean()
    if training.pk:
        selected = training.participants.filter(status=ParticipantStatus.SELECTED).count()
        if selected > training.quota:
            raise ValidationError(
                {
                    "quota": _("%(selected)d participants are already selected; the quota cannot be lower.")
                    % {"selected": selected}
                }
            )
    training._history_user = by
    training.save()
    mark_dirty(TRAININGS_SOURCE, [*before, training.starts_on, training.ends_on])
    return training


def priority_scores(training, msmes):
    """{msme id: (score, details)}: the transparent priority score of each applicant.

    Each criterion is between 0 and 1 and is multiplied by its weight (the training's configuration):
    never trained before (no earlier training attended), no digital payment yet (no QRIS), kecamatan equity
    (1 − the kecamatan's training coverage ÷ the highest coverage of any kecamatan, so that the least covered
    kecamatan get the most), and has products (at least one active marketplace listing)."""
    ids = [m.pk for m in msmes]
    trained_before = set(
        TrainingParticipant.objects.filter(
            msme_id__in=ids, attended=True, training__starts_on__lt=training.starts_on
        ).values_list("msme_id", flat=True)
    )
    with_products = set(Listing.objects.filter(msme_id__in=ids, active=True).values_list("msme_id", flat=True))
    registered = dict(
        Msme.objects.filter(status="active")
        .values("kelurahan__kecamatan_id")
        .annotate(n=Count("id"))
        .values_list("kelurahan__kecamatan_id", "n")
    )
    trained = dict(
        TrainingParticipant.objects.filter(attended=True, training__starts_on__lt=training.starts_on)
        .values("msme__kelurahan__kecamatan_id")
        .annotate(n=Count("msme_id", distinct=True))
        .values_list("msme__kelurahan__kecamatan_id", "n")
    )
    coverage = {k: trained.get(k, 0) / n for k, n in registered.items() if n}
    kecamatan_of = dict(Kelurahan.objects.values_list("pk", "kecamatan_id"))
    highest = max(coverage.values(), default=0)
    weights = {
        "never_trained": training.weight_never_trained,
        "no_digital_payment": training.weight_no_digital_payment,
        "kecamatan_equity": training.weight_kecamatan_equity,
        "has_products": training.weight_has_products,
    }
    result = {}
    for msme in msmes:
        kecamatan_id = kecamatan_of.get(msme.kelurahan_id)
        parts = {
            "never_trained": 0.0 if msme.pk in trained_before else 1.0,
            "no_digital_payment": 1.0 if msme.qris_since is None or msme.qris_since > training.starts_on else 0.0,
            "kecamatan_equity": 1.0 if highest == 0 else round(1 - coverage.get(kecamatan_id, 0) / highest, 4),
            "has_products": 1.0 if msme.pk in with_products else 0.0,
        }
        score = sum(Decimal(str(parts[name])) * weights[name] for name in parts)
        details = {name: {"value": parts[name], "weight": weights[name]} for name in parts}
        result[msme.pk] = (score.quantize(Decimal("0.01")), details)
    return result


@transaction.atomic
def training_apply(*, training, msme, by=None, at=None):
    """Record an MSME's application to a training, with its priority score."""
    if msme.status != "active":
        raise ValidationError(
            _("Only an active MSME can apply to a training (%(name)s is not active).") % {"name": msme}
        )
    if TrainingParticipant.objects.filter(training=training, msme=msme).exists():
        raise ValidationError(_("%(name)s has already applied to this training.") % {"name": msme})
    score, details = priority_scores(training, [msme])[msme.pk]
    participant = TrainingParticipant(
        training=training, msme=msme, applied_at=at or timezone.now(), priority_score=score, score_details=details
    )
    participant.full_clean()
    participant._history_user = by
    participant.save()
    return participant


@transaction.atomic
def training_apply_many(*, training, applications, by=None):
    """Many applications at once ([(msme, applied at)]), scored together: one scoring pass, not one per MSME."""
    existing = set(training.participants.values_list("msme_id", flat=True))
    problems = [
        _("%(name)s is not active.") % {"name": msme}
        if msme.status != "active"
        else _("%(name)s has already applied.") % {"name": msme}
        for msme, _at in applications
        if msme.status != "active" or msme.pk in existing
    ]
    if problems:
        raise ValidationError(problems)
    scores = priority_scores(training, [msme for msme, _at in applications])
    participants = []
    for msme, at in applications:
        score, details = scores[msme.pk]
        participant = TrainingParticipant(
            training=training, msme=msme, applied_at=at, priority_score=score, score_details=details
        )
        participant._history_user = by
        participant.save()
        participants.append(participant)
    return participants


def _selected_count(training):
    return training.participants.filter(status=ParticipantStatus.SELECTED).count()


@transaction.atomic
def training_run_selection(*, training, by=None):
    """Recompute every open application's priority score, give the free seats to the highest scores (earlier
    application first on a tie) and put the others on the waitlist, in score order. Selected participants
    keep their seats. Returns (selected, waitlisted)."""
    training = Training.objects.select_for_update().get(pk=training.pk)
    open_ = list(
        training.participants.filter(
            status__in=(ParticipantStatus.APPLIED, ParticipantStatus.WAITLISTED)
        ).select_related("msme__kelurahan")
    )
    scores = priority_scores(training, [p.msme for p in open_])
    for participant in open_:
        participant.priority_score, participant.score_details = scores[participant.msme_id]
    open_.sort(key=lambda p: (-p.priority_score, p.applied_at, p.pk))
    free = training.quota - _selected_count(training)
    selected = waitlisted = 0
    for participant in open_:
        if free > 0:
            participant.status = ParticipantStatus.SELECTED
            free -= 1
            selected += 1
        else:
            participant.status = ParticipantStatus.WAITLISTED
            waitlisted += 1
        participant._history_user = by
        participant.save()
    mark_dirty(TRAININGS_SOURCE, [training.starts_on])
    return selected, waitlisted


@transaction.atomic
def participant_select(*, participant, by=None):
    """Give a seat to one applicant directly. Refused when the quota is full."""
    training = Training.objects.select_for_update().get(pk=participant.training_id)
    participant = TrainingParticipant.objects.get(pk=participant.pk)
    if participant.status == ParticipantStatus.SELECTED:
        return participant
    taken = _selected_count(training)
    if taken >= training.quota:
        raise ValidationError(
            _("The training is full: %(taken)d of %(quota)d seats are taken. Withdraw a participant first.")
            % {"taken": taken, "quota": training.quota}
        )
    participant.status = ParticipantStatus.SELECTED
    participant._history_user = by
    participant.save()
    mark_dirty(TRAININGS_SOURCE, [training.starts_on])
    return participant


@transaction.atomic
def participant_withdraw(*, participant, by=None):
    """Withdraw a participant; a freed seat goes to the first of the waitlist. Returns the promoted one."""
    training = Training.objects.select_for_update().get(pk=participant.training_id)
    participant = TrainingParticipant.objects.get(pk=participant.pk)
    had_seat = participant.status == ParticipantStatus.SELECTED
    participant.status = ParticipantStatus.WITHDRAWN
    participant.attended = False
    participant._history_user = by
    participant.save()
    promoted = None
    if had_seat:
        promoted = (
            training.participants.filter(status=ParticipantStatus.WAITLISTED)
            .order_by("-priority_score", "applied_at", "pk")
            .first()
        )
        if promoted is not None:
            promoted.status = ParticipantStatus.SELECTED
            promoted._history_user = by
            promoted.save()
    mark_dirty(TRAININGS_SOURCE, [training.starts_on])
    return promoted


@transaction.atomic
def participant_record(*, participant, attended=None, qris_adopted_on=None, by=None):
    """Attendance and the follow-up of the outcomes. Only a selected participant can attend."""
    participant = TrainingParticipant.objects.select_related("training").get(pk=participant.pk)
    if attended is not None:
        if attended and participant.status != ParticipantStatus.SELECTED:
            raise ValidationError(_("Only a selected participant can be marked as attending."))
        participant.attended = attended
    if qris_adopted_on is not None:
        participant.qris_adopted_on = qris_adopted_on
        msme = participant.msme
        if msme.qris_since is None or msme.qris_since > qris_adopted_on:
            msme_update(msme=msme, by=by, qris_since=qris_adopted_on)
    participant.full_clean()
    participant._history_user = by
    participant.save()
    # Attendance is data of the training's month (refused when it is locked); the QRIS adoption of the follow-up
    # is data of the day it happened, and makes the training's month dirty only as a consequence.
    dates = [participant.training.starts_on] if attended is not None else []
    mark_dirty(TRAININGS_SOURCE, [*dates, qris_adopted_on], consequences=[participant.training.starts_on])
    return participant


# --- SME Center outlet ----------------------------------------------------------------------------------------


@transaction.atomic
def outlet_product_save(*, product=None, by=None, **fields):
    product = product or OutletProduct()
    owner = OutletProduct.objects.filter(pk=product.pk).values_list("msme_id", flat=True).first()
    for name, value in fields.items():
        setattr(product, name, value)
    product.full_clean()
    product._history_user = by
    product.save()
    if owner is not None and owner != product.msme_id:  # its sales now belong to another owner's months
        mark_dirty(OUTLET_SOURCE, product.movements.values_list("on", flat=True).distinct())
    return product


def outlet_stock(product):
    totals = dict(
        OutletMovement.objects.filter(product=product)
        .values("kind")
        .annotate(q=Sum("quantity"))
        .values_list("kind", "q")
    )
    return (
        (totals.get(OutletMovementKind.INTAKE) or 0)
        - (totals.get(OutletMovementKind.SALE) or 0)
        - (totals.get(OutletMovementKind.RETURN) or 0)
    )


@transaction.atomic
def outlet_movement_record(*, product, kind, quantity, on, note="", by=None):
    """Goods in, a sale or a return to the owner. A sale or a return cannot exceed the stock."""
    product = OutletProduct.objects.select_for_update().get(pk=product.pk)
    if kind not in OutletMovementKind.values:
        raise ValidationError(_("Unknown movement “%(kind)s”.") % {"kind": kind})
    if not quantity or quantity < 1:
        raise ValidationError({"quantity": _("The quantity must be at least 1.")})
    if kind != OutletMovementKind.INTAKE:
        stock = outlet_stock(product)
        if quantity > stock:
            raise ValidationError(
                {
                    "quantity": _("Only %(stock)d in stock of %(product)s; %(quantity)d cannot be taken out.")
                    % {"stock": stock, "product": product.name, "quantity": quantity}
                }
            )
    movement = OutletMovement(
        product=product,
        kind=kind,
        quantity=quantity,
        on=on,
        unit_price=product.unit_price,
        commission_percent=product.commission_percent if kind == OutletMovementKind.SALE else 0,
        note=note,
        by=by,
    )
    movement.full_clean()
    movement._history_user = by
    movement.save()
    mark_dirty(OUTLET_SOURCE, [on])
    return movement


def owner_share(quantity, unit_price, commission_percent):
    gross = Decimal(quantity) * unit_price
    return (gross * (Decimal(100) - commission_percent) / Decimal(100)).quantize(Decimal("0.01"))


def outlet_owed(msme, until=None):
    """What the outlet owes the owner for sales up to ``until`` (all when None), before payouts."""
    sales = OutletMovement.objects.filter(product__msme=msme, kind=OutletMovementKind.SALE)
    if until:
        sales = sales.filter(on__lte=until)
    return sum(
        (owner_share(q, p, c) for q, p, c in sales.values_list("quantity", "unit_price", "commission_percent")),
        Decimal("0.00"),
    )


def outlet_outstanding(msme):
    paid = OutletPayout.objects.filter(msme=msme).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    return outlet_owed(msme) - paid


@transaction.atomic
def outlet_payout_record(*, msme, month, amount, paid_on, method, reference, by=None):
    """The monthly digital payout to an owner. Refused above the outstanding balance."""
    msme = Msme.objects.select_for_update().get(pk=msme.pk)
    month = date(month.year, month.month, 1)
    outstanding = outlet_outstanding(msme)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than Rp 0.")})
    if amount > outstanding:
        raise ValidationError(
            {
                "amount": _("The outlet owes %(name)s %(outstanding)s; a payout of %(amount)s is more than that.")
                % {"name": msme.name, "outstanding": _rupiah(outstanding), "amount": _rupiah(amount)}
            }
        )
    if OutletPayout.objects.filter(msme=msme, month=month).exists():
        raise ValidationError({"month": _("%(name)s has already been paid for this month.") % {"name": msme.name}})
    payout = OutletPayout(
        msme=msme, month=month, amount=amount, paid_on=paid_on, method=method, reference=reference.strip(), by=by
    )
    payout.full_clean()
    payout._history_user = by
    payout.save()
    # The payout is data of the day it is paid; the month it pays for (usually one that has ended, perhaps already
    # approved) changes only as a consequence: owners are paid after Bappeda approved the month's sales.
    mark_dirty(OUTLET_SOURCE, [paid_on], consequences=[month])
    return payout


def _rupiah(value):
    from smarteconomy.templatetags.formatting import rupiah

    return rupiah(value, 0 if value == value.to_integral_value() else 2)
