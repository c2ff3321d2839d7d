"""Published editions of the scorecard: Bappeda freezes the snapshots of a period (values, targets, statuses,
completeness, "data as of") into a ScorecardEdition, with the SHA-256 of a canonical JSON of its content. Its
reports are rendered from the frozen entries only, so later recomputes never change them; the live scorecard
compares itself with the latest edition of each period and shows what was revised since.

The canonical content (``canonical_content``) is a JSON object with sorted keys and no spaces:
``{"period", "data_as_of", "entries": [...]}``, each entry with the fields of ``ENTRY_FIELDS`` (numbers as
JSON floats, times in ISO 8601 UTC). The hash printed on the page and in the reports is its SHA-256."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from . import registry
from .choices import Pillar
from .models import EditionEntry, IndicatorSnapshot, ScorecardEdition
from .reports import NOT_COMPUTED, Report, ReportRow, build_report

ENTRY_FIELDS = (
    "indicator_code",
    "name",
    "pillar",
    "unit",
    "decimals",
    "direction",
    "period",
    "value",
    "target",
    "achievement",
    "status",
    "completeness",
    "computed_at",
    "trend",
)


ALREADY_PUBLISHED = gettext_noop("An edition “%(title)s” of %(period)s was already published.")
COMMAND_PUBLISHER = "manage.py publish_edition"  # the publisher's name when no user is given


class EditionError(Exception):
    """A publication refused; the message is an untranslated msgid with its parameters (see ``message``)."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.msgid, self.params = message, params

    @property
    def message(self):
        return _(self.msgid) % self.params if self.params else _(self.msgid)


# --------------------------------------------------------------------------------------------------
# Canonical content and hash
# --------------------------------------------------------------------------------------------------


def _time(moment):
    return moment.astimezone(UTC).isoformat() if moment else None


def _number(value):
    return None if value is None else float(value)


def entry_content(entry):
    """The canonical dict of one entry (an EditionEntry or an unsaved one)."""
    return {
        "indicator_code": entry.indicator_code,
        "name": entry.name,
        "pillar": entry.pillar,
        "unit": entry.unit,
        "decimals": int(entry.decimals),
        "direction": entry.direction,
        "period": entry.period,
        "value": _number(entry.value),
        "target": _number(entry.target),
        "achievement": _number(entry.achievement),
        "status": entry.status,
        "completeness": entry.completeness,
        "computed_at": _time(entry.computed_at),
        "trend": [[p, _number(v), _number(t)] for p, v, t in entry.trend],
    }


def canonical_content(*, period, data_as_of, entries):
    return {
        "period": str(period),
        "data_as_of": _time(data_as_of),
        "entries": [entry_content(entry) for entry in sorted(entries, key=lambda e: e.position)],
    }


def canonical_json(content):
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(content):
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def edition_content(edition):
    return canonical_content(period=edition.period, data_as_of=edition.data_as_of, entries=list(edition.entries.all()))


def verify(edition):
    """Whether the stored entries still give the hash printed at publication."""
    return content_hash(edition_content(edition)) == edition.content_hash


# --------------------------------------------------------------------------------------------------
# Publication
# --------------------------------------------------------------------------------------------------


def parse_period(text):
    try:
        period = registry.Period.parse(str(text).strip())
    except registry.RegistryError:
        period = None
    if period is None or period.is_quarter or not 1990 <= period.year <= 2100:
        raise EditionError(
            gettext_noop("“%(period)s” is not a period: use a year (YYYY, e.g. 2025) or a month (YYYY-MM)."),
            period=text,
        )
    return period


def _already_published(title, period):
    return ScorecardEdition.objects.filter(title=title, period=str(period)).exists()


def _has_snapshots(period):
    snapshots = IndicatorSnapshot.objects.all()
    if period.is_month:
        return snapshots.filter(period=str(period)).exists()
    return snapshots.filter(period_start__year=period.year).exists()


def _entry(position, row):
    indicator, snapshot = row.indicator, row.snapshot
    entry = EditionEntry(
        position=position,
        indicator_code=indicator.code,
        name=str(indicator.name),  # untranslated (publish runs with translations off): the pages translate it
        pillar=indicator.pillar,
        unit=indicator.unit,
        decimals=indicator.decimals,
        direction=indicator.direction,
        period=snapshot.period if snapshot else "",
        value=snapshot.value if snapshot else None,
        target=snapshot.target if snapshot else None,
        achievement=snapshot.achievement if snapshot else None,
        status=snapshot.status if snapshot else NOT_COMPUTED,
        completeness=snapshot.completeness if snapshot else {},
        computed_at=snapshot.computed_at if snapshot else None,
        trend=[[p, v, t] for p, v, t in row.trend()],
    )
    return entry


def publish(period, title, by, *, notes=""):
    """Publish an edition of the scorecard for ``period`` (a Period or its text): one entry per indicator, as the
    monitoring report of that period shows it. Refuses (EditionError, nothing written) an invalid period, an
    empty title, a title already used for the period, and a period without snapshots."""
    period = period if isinstance(period, registry.Period) else parse_period(period)
    title = " ".join((title or "").split())
    if not title:
        raise EditionError(gettext_noop("An edition needs a title."))
    if len(title) > ScorecardEdition._meta.get_field("title").max_length:
        raise EditionError(gettext_noop("The title is too long (200 characters at most)."))
    with transaction.atomic():
        if _already_published(title, period):
            raise EditionError(ALREADY_PUBLISHED, title=title, period=str(period))
        if not _has_snapshots(period):
            raise EditionError(
                gettext_noop("The scorecard has no snapshots for %(period)s: recompute it before publishing."),
                period=str(period),
            )
        with override(None):  # names and texts are frozen untranslated
            report = build_report(period)
            entries = [_entry(position, row) for position, row in enumerate(report.rows)]
        data_as_of = report.data_as_of
        edition = ScorecardEdition(
            title=title,
            period=str(period),
            published_by=by,
            published_by_name=(by.get_full_name() or by.get_username()) if by else COMMAND_PUBLISHER,
            published_at=timezone.now().replace(microsecond=0),
            data_as_of=data_as_of,
            content_hash=content_hash(canonical_content(period=period, data_as_of=data_as_of, entries=entries)),
            notes=(notes or "").strip(),
        )
        try:
            with transaction.atomic():  # a publication of the same title racing this one: the database decides
                edition.save()
        except IntegrityError:
            raise EditionError(ALREADY_PUBLISHED, title=title, period=str(period)) from None
        for entry in entries:
            entry.edition = edition
        EditionEntry.objects.bulk_create(entries)
    return edition


# --------------------------------------------------------------------------------------------------
# The edition's report (from its entries only)
# --------------------------------------------------------------------------------------------------


@dataclass
class FrozenIndicator:
    """What the reports read of an indicator, as the edition froze it."""

    code: str
    name: str
    pillar: str
    unit: str
    decimals: int
    direction: str


def frozen_indicator(entry):
    return FrozenIndicator(
        code=entry.indicator_code,
        name=_(entry.name) if entry.name else entry.indicator_code,
        pillar=entry.pillar,
        unit=entry.unit,
        decimals=entry.decimals,
        direction=entry.direction,
    )


class EditionRow(ReportRow):
    """A report row from a frozen entry: its trend is the one frozen with it."""

    def trend(self):
        return [tuple(point) for point in self.entry.trend]


def edition_rows(edition, user=None):
    """(entry, EditionRow) of every entry; with ``user``, the indicators withheld from the user have no value."""
    from .selectors import indicator_withheld

    rows = []
    for entry in edition.entries.all():
        indicator = frozen_indicator(entry)
        withheld = user is not None and _withheld(entry, user, indicator_withheld)
        row = EditionRow(indicator, entry if entry.period and not withheld else None)
        row.entry = entry if not withheld else _blank_entry(entry)
        row.withheld = withheld
        rows.append((entry, row))
    return rows


def _withheld(entry, user, indicator_withheld):
    try:
        return indicator_withheld(registry.get_indicator(entry.indicator_code), user)
    except registry.RegistryError:
        return False


def _blank_entry(entry):
    return EditionEntry(indicator_code=entry.indicator_code, name=entry.name, trend=[])


def edition_report(edition, user=None):
    by_pillar = {}
    for _entry, row in edition_rows(edition, user):
        by_pillar.setdefault(row.indicator.pillar, []).append(row)
    pillars = [(pillar, by_pillar.get(pillar.value, [])) for pillar in Pillar]
    return Report(
        period=registry.Period.parse(edition.period),
        pillars=pillars,
        data_as_of=edition.data_as_of,
        generated_at=edition.published_at,
        edition=edition,
    )


# --------------------------------------------------------------------------------------------------
# The live scorecard against the editions
# --------------------------------------------------------------------------------------------------


@dataclass
class Revision:
    """A value of an edition that the live scorecard no longer has."""

    edition: ScorecardEdition
    entry: EditionEntry
    indicator: FrozenIndicator
    old: float | None
    new: float | None

    @property
    def key(self):
        return (self.entry.indicator_code, self.entry.period)


def _differs(old, new):
    return old != new


def latest_entries():
    """{(indicator code, period): entry} of the latest published edition covering each indicator's period."""
    latest = {}
    entries = (
        EditionEntry.objects.exclude(period="")
        .select_related("edition")
        .order_by("edition__published_at", "edition_id", "position")
    )
    for entry in entries:
        latest[(entry.indicator_code, entry.period)] = entry
    return latest


def revisions(snapshots):
    """{(indicator code, period): Revision} where the latest edition covering a snapshot's period has another
    value than the live snapshot. ``snapshots``: the live snapshots (those the reader may see)."""
    latest = latest_entries()
    found = {}
    for snapshot in snapshots:
        entry = latest.get((snapshot.indicator_code, snapshot.period))
        if entry is not None and _differs(entry.value, snapshot.value):
            found[(snapshot.indicator_code, snapshot.period)] = Revision(
                edition=entry.edition,
                entry=entry,
                indicator=frozen_indicator(entry),
                old=entry.value,
                new=snapshot.value,
            )
    return found


def changes_since(edition, user=None):
    """[(entry, live snapshot or None, changed)] for every entry of the edition that has a period."""
    rows = [(entry, row) for entry, row in edition_rows(edition, user) if row.snapshot is not None]
    live = {
        (s.indicator_code, s.period): s
        for s in IndicatorSnapshot.objects.filter(period__in={entry.period for entry, _row in rows})
    }
    result = []
    for entry, _row in rows:
        snapshot = live.get((entry.indicator_code, entry.period))
        changed = snapshot is None or _differs(entry.value, snapshot.value)
        result.append((entry, snapshot, changed))
    return result
