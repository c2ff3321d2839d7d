"""Logging pieces: a filter that masks personal data (NIK, phone numbers) in every log line, and a JSON
formatter for production (one object per line, for journald or any log collector).

No Django imports: gunicorn's master process loads these through deploy/gunicorn.conf.py."""

import json
import logging
import re
from datetime import UTC, datetime

# A NIK is 16 digits; 16 digits within a longer number (an id, an amount, the decimals of a duration) are left alone.
NIK = re.compile(r"(?<![\d.,])\d{16}(?!\d|[.,]\d)")
# Indonesian phone numbers: 08..., 628..., +62 8..., with optional spaces, dots or dashes between the groups.
PHONE = re.compile(r"(?<![\w+.,])(?:\+62[\s-]?|62[\s-]?|0)8\d{1,3}(?:[\s.-]?\d{2,5}){1,3}(?!\d|[.,]\d)")


def _keep_edges(text, start, end):
    return text[:start] + "*" * (len(text) - start - end) + text[len(text) - end :]


def mask_personal_data(text):
    """Mask NIKs and phone numbers as the pages do (smarteconomy.roles.mask_nik / mask_phone): 6471**********01,
    0812*****890. Phone numbers are reduced to their digits first, so "+62 812-3456-7890" becomes 6281*****890."""
    if not text:
        return text
    text = NIK.sub(lambda m: _keep_edges(m.group(0), 4, 2), text)

    def phone(match):
        digits = re.sub(r"\D", "", match.group(0))
        if not 9 <= len(digits) <= 15:
            return match.group(0)
        return _keep_edges(digits, 4, 3)

    return PHONE.sub(phone, text)


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
