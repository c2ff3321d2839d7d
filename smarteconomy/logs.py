"""Logging pieces: a filter that masks personal data (NIK, phone numbers) in every log line, and a JSON
formatter for production (one object per line, for journald or any log collector).

No Django imports: gunicorn's master process loads these through deploy/gunicorn.conf.py."""

import json
import logging
import re
from datetime import UTC, datetime

# What may stand between the groups of a NIK or a phone number: a space, a dot or a dash as typed, and the same in
# a query string (a space is "+" or "%20" there; gunicorn's access log writes the request line as it came).
_SEP = r"(?:[ \t\u00a0.\-]|%20|\+)"
# The start of a number: no digit (or decimal separator) right before it; a percent escape before it ("q=Budi%20"
# then the number) is a boundary too.
_START = r"(?:(?<![\d.,])|(?<=%[0-9A-Fa-f]{2}))"
_END = r"(?!\d|[.,]\d)"
# A NIK is 16 digits, written as one run (any 16 digits within a longer number, an id, an amount or the decimals of a
# duration, are left alone) or in the groups people type: 4-4-4-4 (the way the card prints it), 6-6-4 (region, birth
# date, serial) or 2-2-2-6-4. A grouped NIK must carry a birth date in digits 7 to 10 (day, or day + 40 for women,
# and month), so that four years in a row ("2021 2022 2023 2024") are not taken for one.
NIK = re.compile(
    _START + r"(?:\d{16}|\d{4}(?:S\d{4}){3}|\d{6}S\d{6}S\d{4}|\d{2}S\d{2}S\d{2}S\d{6}S\d{4})".replace("S", _SEP) + _END
)
# Indonesian mobile numbers: 08..., 628..., +62 8... (+ written "%2B" in a query string), with a space, dot or dash
# (or their query-string forms) between the groups.
PHONE = re.compile(
    r"(?:(?<![\w.,])|(?<=%[0-9A-Fa-f]{2})|(?<=\+))"
    + r"(?:(?:\+|%2[bB])62S?|62S?|0)8\d{1,3}(?:S?\d{2,5}){1,3}".replace("S", _SEP)
    + _END
)
# A Rupiah amount grouped by thousands (62.812.345.678) is not a phone number that happens to start with 628.
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?:,\d{3})+")


def _keep_edges(text, start, end):
    return text[:start] + "*" * (len(text) - start - end) + text[len(text) - end :]


def _digits(text):
    return re.sub(r"%[0-9A-Fa-f]{2}|\D", "", text)


def _is_birth_date(digits):
    day, month = int(digits[6:8]), int(digits[8:10])
    return (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12


def mask_personal_data(text):
    """Mask NIKs and phone numbers as the pages do (smarteconomy.roles.mask_nik / mask_phone): 6471**********01,
    0812*****890. Both are reduced to their digits first, so "+62 812-3456-7890" becomes 6281*****890 and
    "6471 0150 1290 0001" becomes 6471**********01."""
    if not text:
        return text

    def nik(match):
        found = match.group(0)
        digits = _digits(found)
        if len(found) != 16 and not _is_birth_date(digits):
            return found
        return _keep_edges(digits, 4, 2)

    def phone(match):
        found = match.group(0)
        digits = _digits(found)
        if not 9 <= len(digits) <= 15 or _THOUSANDS.fullmatch(found):
            return found
        return _keep_edges(digits, 4, 3)

    return PHONE.sub(phone, NIK.sub(nik, text))


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message (and its traceback) with NIKs and phone numbers masked."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record as it is rather than lose it
            return True
        record.msg = mask_personal_data(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, process, and the traceback."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        for name in ("status_code", "task_id", "task_name"):
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        return json.dumps(entry, ensure_ascii=False, default=str)
