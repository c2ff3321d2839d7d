"""Duplicate detection in the MSME registry, on entry and on import.

Two records are duplicate candidates when they have the same owner NIK, the same NIB, or a *close match*: names
at least 85 % alike (rapidfuzz ratio of the normalized names: letter case, punctuation and legal forms such as
CV or UD ignored) in the same kelurahan or with the same phone number. The user then decides: merge into the
existing record, or confirm that it is a different business (an owner may run several)."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from .choices import DuplicateReason
from .models import Msme
from .validators import normalize_phone

NAME_SIMILARITY = 85
LEGAL_FORMS = re.compile(r"\b(cv|ud|pt|tbk|pd|koperasi)\b")


def name_key(name):
    text = LEGAL_FORMS.sub(" ", str(name or "").casefold())
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@dataclass
class Candidate:
    pk: int
    name: str
    kelurahan_id: int
    reasons: list = field(default_factory=list)
    similarity: float = 0.0

    def reason_labels(self):
        return [str(DuplicateReason(reason).label) for reason in self.reasons]

    def describe(self):
        return _("#%(pk)d %(name)s (%(reasons)s)") % {
            "pk": self.pk,
            "name": self.name,
            "reasons": ", ".join(self.reason_labels()),
        }


def _reasons(entry, other, similarity):
    reasons = []
    if entry["owner_nik"] and entry["owner_nik"] == other["owner_nik"]:
        reasons.append(DuplicateReason.SAME_NIK)
    if entry["nib"] and entry["nib"] == other["nib"]:
        reasons.append(DuplicateReason.SAME_NIB)
    if similarity >= NAME_SIMILARITY and (
        entry["kelurahan_id"] == other["kelurahan_id"] or (entry["phone"] and entry["phone"] == other["phone"])
    ):
        reasons.append(DuplicateReason.CLOSE_MATCH)
    return reasons


def _entry(*, name, kelurahan_id, phone="", owner_nik="", nib=""):
    return {
        "name_key": name_key(name),
        "kelurahan_id": kelurahan_id,
        "phone": normalize_phone(phone),
        "owner_nik": owner_nik or "",
        "nib": nib or "",
    }


FIELDS = ("pk", "name", "name_key", "kelurahan_id", "phone", "owner_nik", "nib")


def find_candidates(*, name, kelurahan_id, phone="", owner_nik="", nib="", exclude_pk=None):
    """Existing records that may be the same business as the one being entered, most alike first."""
    from django.db.models import Q

    entry = _entry(name=name, kelurahan_id=kelurahan_id, phone=phone, owner_nik=owner_nik, nib=nib)
    condition = Q(kelurahan_id=kelurahan_id)
    if entry["owner_nik"]:
        condition |= Q(owner_nik=entry["owner_nik"])
    if entry["nib"]:
        condition |= Q(nib=entry["nib"])
    if entry["phone"]:
        condition |= Q(phone=entry["phone"])
    rows = Msme.objects.filter(condition)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    candidates = []
    for other in rows.values(*FIELDS).iterator(chunk_size=5000):
        similarity = fuzz.ratio(entry["name_key"], other["name_key"])
        reasons = _reasons(entry, other, similarity)
        if reasons:
            candidates.append(Candidate(other["pk"], other["name"], other["kelurahan_id"], reasons, similarity))
    candidates.sort(key=lambda c: (-len(c.reasons), -c.similarity, c.pk))
    return candidates


def find_candidates_bulk(entries):
    """For many new entries at once (an import): {index: [Candidate]} against the registry, and
    {index: [(other index, reasons)]} against the earlier entries of the same batch.

    ``entries`` is a list of dicts (name, kelurahan_id, phone, owner_nik, nib). The name comparison runs per
    kelurahan (and per phone number) with rapidfuzz's vectorized cdist, so 50,000 rows take seconds."""
    prepared = [_entry(**entry) for entry in entries]
    existing = list(Msme.objects.values(*FIELDS).iterator(chunk_size=10000))
    against_registry = {}
    within_file = {}

    def add_registry(index, other, similarity):
        reasons = _reasons(prepared[index], other, similarity)
        if reasons:
            found = against_registry.setdefault(index, {})
            if other["pk"] not in found:
                found[other["pk"]] = Candidate(other["pk"], other["name"], other["kelurahan_id"], reasons, similarity)

    def add_within(index, earlier, similarity):
        reasons = _reasons(prepared[index], prepared[earlier], similarity)
        if reasons:
            pairs = within_file.setdefault(index, {})
            pairs.setdefault(earlier, reasons)

    # Exact keys: NIK and NIB.
    for key in ("owner_nik", "nib"):
        registry_index = {}
        for other in existing:
            if other[key]:
                registry_index.setdefault(other[key], []).append(other)
        first_seen = {}
        for index, entry in enumerate(prepared):
            value = entry[key]
            if not value:
                continue
            for other in registry_index.get(value, ()):
                add_registry(index, other, fuzz.ratio(entry["name_key"], other["name_key"]))
            for earlier in first_seen.get(value, ()):
                add_within(index, earlier, fuzz.ratio(entry["name_key"], prepared[earlier]["name_key"]))
            first_seen.setdefault(value, []).append(index)

    # Close matches: similar names in the same block (kelurahan, then phone number).
    for key in ("kelurahan_id", "phone"):
        file_blocks, registry_blocks = {}, {}
        for index, entry in enumerate(prepared):
            if entry[key]:
                file_blocks.setdefault(entry[key], []).append(index)
        for other in existing:
            if other[key] and other[key] in file_blocks:
                registry_blocks.setdefault(other[key], []).append(other)
        for value, indexes in file_blocks.items():
            names = [prepared[i]["name_key"] for i in indexes]
            others = registry_blocks.get(value, [])
            if others:
                scores = process.cdist(
                    names, [o["name_key"] for o in others], scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, workers=-1
                )
                for row, column in zip(*scores.nonzero(), strict=True):
                    add_registry(indexes[row], others[column], float(scores[row, column]))
            if len(indexes) > 1:
                scores = process.cdist(names, names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, workers=-1)
                for row, column in zip(*scores.nonzero(), strict=True):
                    if column < row:
                        add_within(indexes[row], indexes[column], float(scores[row, column]))

    return (
        {index: sorted(found.values(), key=lambda c: c.pk) for index, found in against_registry.items()},
        {index: sorted(pairs.items()) for index, pairs in within_file.items()},
    )
