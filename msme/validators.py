"""Structural checks of Indonesian identifiers. A NIK (Nomor Induk Kependudukan) has 16 digits: the 6-digit
Kemendagri code of the district where it was issued (province, regency/city, kecamatan), the holder's birth date
as DDMMYY with 40 added to the day for women, and a 4-digit serial number. The check is structural: it cannot
tell whether the person exists, only whether the number can be a NIK at all."""

import re
import warnings
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Province codes of Kemendagri (Permendagri 58/2021 and the 2022 Papua provinces).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

nib_validator = RegexValidator(r"^\d{13}$", gettext_lazy("An NIB has exactly 13 digits."))


def nik_problem(value):
    """The reason ``value`` cannot be a NIK, or None when it is structurally valid."""
    text = "" if value is None else str(value)
    if not re.fullmatch(r"\d{16}", text):
        return _("A NIK has exactly 16 digits (got “%(value)s”).") % {"value": text}
    province, regency, district = text[0:2], text[2:4], text[4:6]
    if province not in PROVINCE_CODES or regency == "00" or district == "00":
        return _(
            "The first 6 digits of a NIK are the region code (province, regency/city, kecamatan); %(code)s is not one."
        ) % {"code": text[:6]}
    day, month, year = int(text[6:8]), int(text[8:10]), int(text[10:12])
    if day > 40:
        day -= 40  # women
    if not _is_date(day, month, year):
        return _(
            "Digits 7 to 12 of a NIK are the birth date DDMMYY (day + 40 for women); %(digits)s is not a date."
        ) % {"digits": text[6:12]}
    if text[12:] == "0000":
        return _("The last 4 digits of a NIK are a serial number from 0001.")
    return None


def _is_date(day, month, yy):
    for century in (1900, 2000):
        try:
            date(century + yy, month, day)
        except ValueError:
            continue
        return True
    return False


def validate_nik(value):
    problem = nik_problem(value)
    if problem:
        raise ValidationError(problem, code="nik")


def normalize_phone(value):
    """Digits only, in the domestic form: +62 812-3456-789 -> 0812345678 9."""
    digits = re.sub(r"\D", "", str(value or ""))
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def validate_phone(value):
    digits = normalize_phone(value)
    if value and not re.fullmatch(r"0\d{8,13}", digits):
        raise ValidationError(
            _("“%(value)s” is not an Indonesian phone number (0812… or +62812…, 9 to 14 digits).") % {"value": value},
            code="phone",
        )


MAX_PHOTO_BYTES = 2 * 1024 * 1024
# 40 megapixels: more than any phone camera. A small file can declare a huge picture (a "decompression bomb":
# a few KB of PNG that decodes to gigabytes in whatever draws it).
MAX_PHOTO_PIXELS = 40_000_000


def validate_image_size(file):
    """At most 2 MB and 40 megapixels, and a picture Pillow can read (not a renamed document or a damaged file).
    Only the header is read: the picture is never decoded here."""
    if not file:
        return
    if file.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is %(size).1f MB; at most %(max)d MB are accepted.")
            % {"size": file.size / (1024 * 1024), "max": MAX_PHOTO_BYTES // (1024 * 1024)},
            code="photo_size",
        )
    from PIL import Image

    too_many_pixels = ValidationError(
        _("The photo is too large in pixels; at most %(max)d megapixels are accepted.")
        % {"max": MAX_PHOTO_PIXELS // 1_000_000},
        code="photo_pixels",
    )
    try:
        position = file.tell() if hasattr(file, "tell") else 0
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                image.verify()
        file.seek(position)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except Exception:  # Pillow raises many types for a file that is not an image
        raise ValidationError(_("The photo is not a readable JPEG, PNG or WebP image."), code="photo_invalid") from None
    if width * height > MAX_PHOTO_PIXELS:
        raise too_many_pixels
