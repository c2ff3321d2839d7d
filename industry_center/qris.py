"""QRIS (EMVCo merchant-presented mode) payloads: parse, validate, build, and turn the city's static QRIS into a
dynamic one per bill. Standard library only (no QR or EMV package): the payload is a string of TLV data objects,
each a 2-digit tag, a 2-digit length and a value of that many *characters*; the templates (26-51 merchant account
information, 62 additional data, 64 language template, 80-99 unreserved) hold nested TLV objects. The last object is
the CRC (tag 63, length 04): CRC-16/CCITT-FALSE over the UTF-8 bytes of everything before it, ``6304`` included,
written as 4 upper-case hexadecimal digits.

A payload is changed only through its parsed tree, never by string replacement, so a tag-like sequence inside a
merchant name can never be mistaken for a data object.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

try:  # messages are translated inside the product; the module also works without Django
    from django.utils.translation import gettext as _
except ImportError:  # pragma: no cover

    def _(message):
        return message


# Tags whose value is a list of nested data objects.
TEMPLATE_TAGS = frozenset({f"{tag:02d}" for tag in (*range(26, 52), 62, 64, *range(80, 100))})
MERCHANT_ACCOUNT_TAGS = tuple(f"{tag:02d}" for tag in range(26, 52))
TAG_CRC = "63"
TAG_AMOUNT = "54"
TAG_COUNTRY = "58"
TAG_ADDITIONAL = "62"
SUBTAG_BILL_NUMBER = "01"
AMOUNT_AND_TIP_TAGS = ("54", "55", "56", "57")
POINT_OF_INITIATION = {"11": "static", "12": "dynamic"}
MANDATORY_TAGS = ("00", "01", "52", "53", "58", "59", "60", TAG_CRC)
MAX_BILL_NUMBER = 25

# Names of the data objects, for people reading a decoded payload.
TAG_NAMES = {
    "00": "Payload Format Indicator",
    "01": "Point of Initiation Method",
    "52": "Merchant Category Code",
    "53": "Transaction Currency",
    "54": "Transaction Amount",
    "55": "Tip or Convenience Indicator",
    "56": "Value of Convenience Fee Fixed",
    "57": "Value of Convenience Fee Percentage",
    "58": "Country Code",
    "59": "Merchant Name",
    "60": "Merchant City",
    "61": "Postal Code",
    "62": "Additional Data Field Template",
    "63": "CRC",
    "64": "Merchant Information - Language Template",
    **{tag: "Merchant Account Information" for tag in MERCHANT_ACCOUNT_TAGS},
    **{f"{tag:02d}": "Unreserved Template" for tag in range(80, 100)},
}
ADDITIONAL_NAMES = {
    "01": "Bill Number",
    "02": "Mobile Number",
    "03": "Store Label",
    "04": "Loyalty Number",
    "05": "Reference Label",
    "06": "Customer Label",
    "07": "Terminal Label",
    "08": "Purpose of Transaction",
    "09": "Additional Consumer Data Request",
}
MERCHANT_ACCOUNT_NAMES = {
    "00": "Globally Unique Identifier",
    "01": "Merchant PAN",
    "02": "Merchant ID",
    "03": "Merchant Criteria",
}

_AMOUNT_RE = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d{1,2})?$")


class QrisError(ValueError):
    """A payload or a request that cannot be accepted; ``str(error)`` says why, for a person."""


@dataclass(frozen=True)
class DataObject:
    """One TLV data object: a primitive (``value`` is text) or a template (``children`` holds its objects)."""

    tag: str
    value: str = ""
    children: tuple = ()

    @property
    def is_template(self):
        return self.tag in TEMPLATE_TAGS

    def child(self, tag):
        return next((child for child in self.children if child.tag == tag), None)


# --- CRC ------------------------------------------------------------------------------------------------------


def crc16_ccitt_false(data):
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
    ``data`` is bytes (or text, encoded as UTF-8). Check value: "123456789" -> 0x29B1."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def crc_text(data):
    return f"{crc16_ccitt_false(data):04X}"


# --- Parse and serialize --------------------------------------------------------------------------------------


def _parse_objects(text, *, where=""):
    objects = []
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        label = f"{where}{header[:2]}" if where else header[:2]
        if len(header) < 4:
            raise QrisError(
                _("Truncated data object at character %(pos)d: “%(rest)s” is too short for a tag and a length.")
                % {"pos": position + 1, "rest": header}
            )
        tag, length_text = header[:2], header[2:]
        if not tag.isdigit() or not tag.isascii():
            raise QrisError(_("Invalid tag “%(tag)s” at character %(pos)d.") % {"tag": tag, "pos": position + 1})
        if not length_text.isdigit() or not length_text.isascii():
            raise QrisError(
                _("Data object %(tag)s: the length “%(length)s” is not two digits.")
                % {"tag": label, "length": length_text}
            )
        length = int(length_text)
        if length == 0:
            raise QrisError(_("Data object %(tag)s has length 00; an empty object must be left out.") % {"tag": label})
        start = position + 4
        end = start + length
        if end > len(text):
            raise QrisError(
                _(
                    "Data object %(tag)s declares %(length)d characters but only %(left)d are left: the length runs "
                    "past the end of the payload."
                )
                % {"tag": label, "length": length, "left": len(text) - start}
            )
        value = text[start:end]
        if tag in TEMPLATE_TAGS and not where:
            objects.append(DataObject(tag, children=tuple(_parse_objects(value, where=f"{tag}."))))
        else:
            objects.append(DataObject(tag, value=value))
        position = end
    return objects


def parse(payload):
    """The payload's data objects (templates with their nested objects). Checks the TLV structure only; see
    ``validate`` for the CRC and the mandatory objects. Raises QrisError on a malformed payload."""
    if not isinstance(payload, str) or not payload:
        raise QrisError(_("The payload is empty."))
    return _parse_objects(payload)


def _encode_object(obj, *, where=""):
    if not (len(obj.tag) == 2 and obj.tag.isdigit() and obj.tag.isascii()):
        raise QrisError(_("Invalid tag “%(tag)s”: a tag is two digits.") % {"tag": obj.tag})
    if obj.tag in TEMPLATE_TAGS and not where:
        value = "".join(_encode_object(child, where=f"{obj.tag}.") for child in obj.children)
    else:
        if obj.children:
            raise QrisError(_("Data object %(tag)s is not a template; it cannot hold objects.") % {"tag": obj.tag})
        value = obj.value
    if not value:
        raise QrisError(_("Data object %(tag)s is empty; leave it out.") % {"tag": f"{where}{obj.tag}"})
    if len(value) > 99:
        raise QrisError(
            _("Data object %(tag)s is %(length)d characters long; at most 99 are allowed.")
            % {"tag": f"{where}{obj.tag}", "length": len(value)}
        )
    return f"{obj.tag}{len(value):02d}{value}"


def serialize(objects):
    """The payload text of ``objects``, exactly as given (no CRC added or checked)."""
    return "".join(_encode_object(obj) for obj in objects)


def build(objects):
    """A complete payload: ``objects`` without any CRC object, then ``6304`` and the CRC computed over it."""
    body = serialize([obj for obj in objects if obj.tag != TAG_CRC]) + TAG_CRC + "04"
    return body + crc_text(body)


# --- Validation -----------------------------------------------------------------------------------------------


def crc_problem(payload):
    """None when the payload ends with a correct CRC object, else a message."""
    if len(payload) < 8 or payload[-8:-4] != TAG_CRC + "04":
        return _("The payload does not end with the CRC object (6304 and 4 hexadecimal digits).")
    given = payload[-4:]
    expected = crc_text(payload[:-4])
    if given.upper() != expected:
        return _("Wrong CRC: the payload says %(given)s, its content gives %(expected)s.") % {
            "given": given,
            "expected": expected,
        }
    return None


def _value(objects, tag):
    return next((obj for obj in objects if obj.tag == tag), None)


def problems(payload):
    """Every reason the payload is not a valid QRIS, as messages (empty when valid). A malformed TLV structure
    gives that one message."""
    try:
        objects = parse(payload)
    except QrisError as error:
        return [str(error)]
    found = []
    tags = [obj.tag for obj in objects]
    duplicates = sorted({tag for tag in tags if tags.count(tag) > 1})
    if duplicates:
        found.append(_("These data objects appear more than once: %(tags)s.") % {"tags": ", ".join(duplicates)})
    if tags[:1] != ["00"]:
        found.append(_("The payload must start with the Payload Format Indicator (tag 00)."))
    if tags[-1:] != [TAG_CRC]:
        found.append(_("The CRC (tag 63) must be the last data object."))
    missing = [tag for tag in MANDATORY_TAGS if tag not in tags]
    if missing:
        found.append(_("Mandatory data objects are missing: %(tags)s.") % {"tags": ", ".join(missing)})
    if not any(tag in MERCHANT_ACCOUNT_TAGS for tag in tags):
        found.append(_("No merchant account information (tags 26 to 51)."))

    def check(tag, pattern, message):
        obj = _value(objects, tag)
        if obj is not None and not re.fullmatch(pattern, obj.value, flags=re.ASCII):
            found.append(message % {"value": obj.value})

    check("00", r"01", _("Payload Format Indicator must be 01, not “%(value)s”."))
    check("01", r"1[12]", _("Point of Initiation Method must be 11 (static) or 12 (dynamic), not “%(value)s”."))
    check("52", r"\d{4}", _("Merchant Category Code must be 4 digits, not “%(value)s”."))
    check("53", r"\d{3}", _("Transaction Currency must be a 3-digit ISO 4217 code (360 for Rupiah), not “%(value)s”."))
    check("58", r"[A-Z]{2}", _("Country Code must be 2 capital letters (ID), not “%(value)s”."))
    check("55", r"0[123]", _("Tip or Convenience Indicator must be 01, 02 or 03, not “%(value)s”."))
    check("61", r"[0-9A-Za-z]{1,10}", _("Postal Code “%(value)s” is not valid."))
    check(TAG_CRC, r"[0-9A-F]{4}", _("The CRC must be 4 upper-case hexadecimal digits, not “%(value)s”."))
    amount = _value(objects, TAG_AMOUNT)
    if amount is not None:
        if len(amount.value) > 13 or not _AMOUNT_RE.fullmatch(amount.value):
            found.append(
                _("Transaction Amount “%(value)s” must be digits with at most one decimal point (e.g. 150000).")
                % {"value": amount.value}
            )
        elif Decimal(amount.value) <= 0:
            found.append(_("Transaction Amount must be more than zero."))
    for name_tag, limit in (("59", 25), ("60", 15)):
        obj = _value(objects, name_tag)
        if obj is not None and len(obj.value) > limit:
            found.append(
                _("%(name)s is %(length)d characters long; at most %(max)d are allowed.")
                % {"name": TAG_NAMES[name_tag], "length": len(obj.value), "max": limit}
            )
    for obj in objects:
        if obj.tag in MERCHANT_ACCOUNT_TAGS and obj.child("00") is None:
            found.append(
                _("Merchant account information %(tag)s has no Globally Unique Identifier (sub-tag 00).")
                % {"tag": obj.tag}
            )
    if tags[-1:] == [TAG_CRC]:
        problem = crc_problem(payload)
        if problem:
            found.append(problem)
    return found


def validate(payload):
    """The parsed objects of a valid payload; QrisError listing every problem otherwise."""
    found = problems(payload)
    if found:
        raise QrisError(" ".join(found))
    return parse(payload)


# --- Decode for people ----------------------------------------------------------------------------------------


def _describe(obj, names):
    item = {"tag": obj.tag, "name": names.get(obj.tag, "")}
    if obj.is_template and obj.children:
        child_names = ADDITIONAL_NAMES if obj.tag == TAG_ADDITIONAL else MERCHANT_ACCOUNT_NAMES
        if obj.tag == "64":
            child_names = {"00": "Language Preference", "01": "Merchant Name", "02": "Merchant City"}
        item["objects"] = [_describe(child, child_names if obj.tag in TEMPLATE_TAGS else {}) for child in obj.children]
    else:
        item["value"] = obj.value
    return item


def decode(payload):
    """A JSON-ready description: the objects, whether the CRC is valid, and every problem. Raises QrisError only
    when the TLV structure itself is broken."""
    objects = parse(payload)
    found = problems(payload)
    return {
        "objects": [_describe(obj, TAG_NAMES) for obj in objects],
        "crc_valid": crc_problem(payload) is None,
        "valid": not found,
        "problems": found,
    }


def merchant_ids(payload_or_objects):
    """The merchant identifiers (sub-tag 02 of each merchant account template, e.g. the NMID in tag 51)."""
    objects = parse(payload_or_objects) if isinstance(payload_or_objects, str) else payload_or_objects
    ids = []
    for obj in objects:
        if obj.tag in MERCHANT_ACCOUNT_TAGS:
            merchant_id = obj.child("02")
            if merchant_id is not None:
                ids.append(merchant_id.value)
    return ids


def merchant_name(payload):
    obj = _value(parse(payload), "59")
    return obj.value if obj else ""


# --- Dynamic QRIS ---------------------------------------------------------------------------------------------


def format_amount(amount):
    """The text of tag 54 for an amount in Rupiah: digits, with a decimal point only when there are sen."""
    if isinstance(amount, float):
        raise QrisError(_("Give the amount as a whole number or a decimal text, not a float."))
    try:
        number = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise QrisError(_("The amount “%(value)s” is not a number.") % {"value": amount}) from None
    if not number.is_finite():
        raise QrisError(_("The amount “%(value)s” is not a number.") % {"value": amount})
    if number <= 0:
        raise QrisError(_("The amount must be more than zero (got %(value)s).") % {"value": amount})
    if number != number.quantize(Decimal("0.01")):
        raise QrisError(_("The amount has more than 2 decimal places (%(value)s).") % {"value": amount})
    text = str(number.quantize(Decimal(1))) if number == number.to_integral_value() else f"{number:.2f}"
    if len(text) > 13:
        raise QrisError(_("The amount %(value)s is too large for QRIS (at most 13 characters).") % {"value": text})
    return text


def make_dynamic(static_payload, *, amount, bill_number=None):
    """A dynamic payload from a valid (static or dynamic) one: tag 01 set to 12, any 54-57 removed, the amount in
    tag 54 immediately before tag 58, the bill number (if given) in tag 62 sub-tag 01, the CRC recomputed."""
    objects = validate(static_payload)
    amount_text = format_amount(amount)
    objects = [obj for obj in objects if obj.tag not in AMOUNT_AND_TIP_TAGS and obj.tag != TAG_CRC]
    objects = [DataObject("01", "12") if obj.tag == "01" else obj for obj in objects]
    country_at = next(index for index, obj in enumerate(objects) if obj.tag == TAG_COUNTRY)
    objects.insert(country_at, DataObject(TAG_AMOUNT, amount_text))
    if bill_number is not None:
        bill_number = str(bill_number).strip()
        if not bill_number:
            raise QrisError(_("The bill number is empty."))
        if len(bill_number) > MAX_BILL_NUMBER:
            raise QrisError(
                _("The bill number is %(length)d characters long; QRIS allows at most %(max)d.")
                % {"length": len(bill_number), "max": MAX_BILL_NUMBER}
            )
        objects = _with_bill_number(objects, bill_number)
    return build(objects)


def _with_bill_number(objects, bill_number):
    bill = DataObject(SUBTAG_BILL_NUMBER, bill_number)
    existing = _value(objects, TAG_ADDITIONAL)
    if existing is not None:
        others = [child for child in existing.children if child.tag != SUBTAG_BILL_NUMBER]
        position = next((i for i, child in enumerate(others) if child.tag > SUBTAG_BILL_NUMBER), len(others))
        children = tuple(others[:position]) + (bill,) + tuple(others[position:])
        return [DataObject(TAG_ADDITIONAL, children=children) if obj is existing else obj for obj in objects]
    template = DataObject(TAG_ADDITIONAL, children=(bill,))
    position = next((i for i, obj in enumerate(objects) if obj.tag > TAG_ADDITIONAL), len(objects))
    return [*objects[:position], template, *objects[position:]]


def bill_number_of(payload):
    additional = _value(parse(payload), TAG_ADDITIONAL)
    bill = additional.child(SUBTAG_BILL_NUMBER) if additional else None
    return bill.value if bill else None
