"""The MSME registry: NIK and NIB checks, duplicate detection and the merge / confirm-new choice."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from msme.choices import DuplicateReason
from msme.duplicates import find_candidates, find_candidates_bulk, name_key
from msme.models import Msme
from msme.services import DuplicateCandidates, msme_create, msme_merge
from msme.validators import nik_problem, validate_nik

from .factories import NIK_MAN, NIK_WOMAN, kelurahan, make_msme

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "nik",
    [
        "6471054107850003",  # woman born 1 July 1985 (day 41)
        "6471011203900001",  # man born 12 March 1990
        "3174095512990002",  # woman born 15 December 1999, Jakarta Selatan
    ],
)
def test_valid_niks(nik):
    assert nik_problem(nik) is None


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("647105410785000", "16 digits"),
        ("64710541078500031", "16 digits"),
        ("64710541O7850003", "16 digits"),
        ("9971054107850003", "region code"),  # 99 is no province
        ("6400054107850003", "region code"),  # regency 00
        ("6471003203900001", "region code"),  # kecamatan 00
        ("6471013202900001", "birth date"),  # 32 February
        ("6471017102900001", "birth date"),  # 71 - 40 = 31 February
        ("6471014113900001", "birth date"),  # month 13
        ("6471012902010001", "birth date"),  # 29 February 2001 / 1901
        ("6471011203900000", "serial"),
    ],
)
def test_malformed_niks_are_refused_with_the_reason(nik, fragment):
    problem = nik_problem(nik)
    assert problem and fragment in problem
    with pytest.raises(ValidationError):
        validate_nik(nik)


def test_leap_day_of_2000_is_a_valid_birth_date():
    assert nik_problem("6471012902000001") is None
    assert nik_problem("6471016902000001") is None  # a woman born 29 February 2000


def test_name_key_ignores_case_punctuation_and_legal_forms():
    assert name_key("CV. Amplang  Bu-Sari") == name_key("amplang bu sari")


@pytest.fixture
def registered(reference_data):
    return make_msme(
        1,
        name="Amplang Ibu Sari",
        owner_nik=NIK_WOMAN,
        nib="9120001234567",
        phone="0812-3456-7890",
        kelurahan=kelurahan("64.71.01.1001"),
    )


def _entry(**overrides):
    values = {
        "name": "Keripik Pisang Borneo",
        "owner_name": "Andi",
        "owner_nik": NIK_MAN,
        "nib": "",
        "phone": "",
        "kelurahan": kelurahan("64.71.02.1001"),
        "business_category": "culinary",
        "scale": "micro",
        "registered_on": date(2023, 1, 10),
        "status": "active",
    }
    values.update(overrides)
    return values


def test_phone_is_stored_as_domestic_digits(registered):
    assert registered.phone == "081234567890"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"owner_nik": NIK_WOMAN}, DuplicateReason.SAME_NIK),
        ({"nib": "9120001234567"}, DuplicateReason.SAME_NIB),
        ({"name": "Amplang Bu Sari", "kelurahan": "64.71.01.1001"}, DuplicateReason.CLOSE_MATCH),
        ({"name": "CV Amplang Ibu Sari", "phone": "+62 812 3456 7890"}, DuplicateReason.CLOSE_MATCH),
    ],
)
def test_entry_that_may_be_registered_is_stopped_with_its_candidates(registered, overrides, reason):
    if isinstance(overrides.get("kelurahan"), str):
        overrides["kelurahan"] = kelurahan(overrides["kelurahan"])
    before = Msme.objects.count()
    with pytest.raises(DuplicateCandidates) as caught:
        msme_create(**_entry(**overrides))
    assert [c.pk for c in caught.value.candidates] == [registered.pk]
    assert reason in caught.value.candidates[0].reasons
    assert Msme.objects.count() == before


def test_different_business_is_not_a_candidate(registered):
    # Similar name but another kelurahan and no common phone, NIK or NIB: not a duplicate.
    msme_create(**_entry(name="Amplang Ibu Sari"))
    assert Msme.objects.count() == 2
    # A clearly different name in the same kelurahan: not a duplicate either.
    assert find_candidates(name="Bengkel Motor Jaya", kelurahan_id=registered.kelurahan_id) == []


def test_confirm_new_registers_the_entry_anyway(registered):
    created = msme_create(confirm_new=True, **_entry(owner_nik=NIK_WOMAN, name="Salon Sari"))
    assert created.pk != registered.pk and Msme.objects.count() == 2


def test_merge_without_choices_only_completes_and_keeps_the_earlier_date(registered):
    """An import's merge (no comparison step): empty fields are filled, registered values are never replaced."""
    merged = msme_merge(
        into=registered,
        **_entry(name="Amplang Ibu Sari", owner_nik=NIK_MAN, address="Jl. Manggar 5", registered_on=date(2019, 5, 1)),
    )
    assert merged.pk == registered.pk and Msme.objects.count() == 1
    assert merged.address == "Jl. Manggar 5"
    assert merged.registered_on == date(2019, 5, 1)
    assert merged.nib == "9120001234567"  # an empty value does not erase
    assert merged.owner_nik == NIK_WOMAN and merged.owner_name == "Pemilik 1"  # registered values are kept
    assert merged.kelurahan.code == "64.71.01.1001"
    assert merged.history.count() == 2


def test_merge_keeps_every_registered_value_by_default(registered, make_user, roles):
    before = Msme.objects.values().get(pk=registered.pk)
    merged = msme_merge(into=registered, take=[], **_entry(address="Jl. Baru 1", qris_since=date(2024, 1, 1)))
    assert Msme.objects.values().get(pk=merged.pk) == before
    assert merged.history.count() == 1  # nothing changed: no history row


def test_merge_takes_only_the_chosen_fields_and_the_nik_only_when_chosen(registered, make_user, roles):
    officer = make_user("officer", "dkumkmp")
    entry = _entry(name="Amplang Ibu Sari", owner_name="Sari Wulandari", owner_nik=NIK_MAN, address="Jl. Baru 1")
    merged = msme_merge(into=registered, take=["owner_name"], by=officer, **entry)
    assert merged.owner_name == "Sari Wulandari"
    assert merged.owner_nik == NIK_WOMAN and merged.address == "" and merged.kelurahan.code == "64.71.01.1001"
    latest = merged.history.latest()
    assert latest.history_user == officer
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["owner_name"]

    merged = msme_merge(into=registered, take=["owner_nik"], by=officer, **entry)
    assert merged.owner_nik == NIK_MAN and merged.owner_name == "Sari Wulandari"
    latest = merged.history.latest()
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["owner_nik"]
    assert merged.history.count() == 3

    with pytest.raises(ValidationError, match="status"):
        msme_merge(into=registered, take=["status"], **_entry(status="inactive"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"owner_nik": "12345"}, "owner_nik"),
        ({"nib": "912000123456"}, "nib"),
        ({"phone": "12ab"}, "phone"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(reference_data, overrides, field):
    with pytest.raises(ValidationError) as caught:
        msme_create(**_entry(**overrides))
    assert field in caught.value.message_dict
    assert Msme.objects.count() == 0


def test_bulk_detection_finds_registry_and_within_file_candidates(registered):
    entries = [
        {"name": "Toko Baru", "kelurahan_id": registered.kelurahan_id, "phone": "", "owner_nik": NIK_MAN, "nib": ""},
        {"name": "Amplang Ibu Sarii", "kelurahan_id": registered.kelurahan_id, "phone": "", "owner_nik": "", "nib": ""},
        {"name": "Toko Baru!", "kelurahan_id": registered.kelurahan_id, "phone": "", "owner_nik": "", "nib": ""},
    ]
    registry, within = find_candidates_bulk(entries)
    assert list(registry) == [1] and registry[1][0].pk == registered.pk
    assert within == {2: [(0, [DuplicateReason.CLOSE_MATCH])]}
