"""The QRIS module: CRC, TLV parsing and building, validation, dynamic conversion, and the ``qris`` command.

Expected CRCs are checked against the standard library's binascii.crc_hqx (CRC-CCITT, polynomial 0x1021,
seeded with 0xFFFF: CRC-16/CCITT-FALSE), an implementation independent of ours, and against the published
example payload of the EMVCo merchant-presented QR specification (CRC A13A, with a Chinese merchant name in
the language template)."""

import binascii
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industry_center import qris
from industry_center.qris import DataObject as O

EMVCO_EXAMPLE = (
    "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT"
    "6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016"
    "A0112233449988770708123456786304A13A"
)

# A static QRIS of our own making (not a real merchant): Bankaltimtara account in tag 26, the NMID in tag 51.
STATIC = (
    "00020101021126740024ID.CO.BANKKALTIMTARA.WWW0119936001240000012345602120001950123450303UMI51440014ID.CO.QRIS"
    ".WWW0215ID10200678123450303UMI5204939953033605802ID5917PEMKOT BALIKPAPAN6010BALIKPAPAN610576114630499B3"
)


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages (the interface is Indonesian by default)."""
    with translation.override("en"):
        yield


def independent_crc(text):
    return f"{binascii.crc_hqx(text.encode('utf-8'), 0xFFFF):04X}"


def tags(payload):
    return [obj.tag for obj in qris.parse(payload)]


# --- CRC ---------------------------------------------------------------------------------------------------


def test_crc_check_value_of_123456789_is_29b1():
    assert qris.crc16_ccitt_false(b"123456789") == 0x29B1
    assert qris.crc16_ccitt_false("123456789") == 0x29B1


def test_crc_of_empty_input_is_the_initial_value():
    assert qris.crc16_ccitt_false(b"") == 0xFFFF


@given(st.binary(max_size=300))
def test_crc_agrees_with_binascii_crc_hqx(data):
    assert qris.crc16_ccitt_false(data) == binascii.crc_hqx(data, 0xFFFF)


def test_crc_is_over_utf8_bytes_not_characters():
    latin1 = binascii.crc_hqx("é".encode("latin-1"), 0xFFFF)
    assert qris.crc_text("é") == independent_crc("é") != f"{latin1:04X}"


# --- Parsing -----------------------------------------------------------------------------------------------


def test_the_emvco_example_payload_parses_and_is_valid():
    assert qris.problems(EMVCO_EXAMPLE) == []
    objects = qris.parse(EMVCO_EXAMPLE)
    language = next(obj for obj in objects if obj.tag == "64")
    assert language.child("01").value == "最佳运输"  # 4 characters, 12 UTF-8 bytes: length 04
    assert language.child("02").value == "北京"
    assert next(obj for obj in objects if obj.tag == "54").value == "23.72"
    assert qris.decode(EMVCO_EXAMPLE)["crc_valid"] is True


def test_our_static_payload_has_an_independently_computed_crc():
    assert STATIC.endswith(independent_crc(STATIC[:-4]))
    assert qris.problems(STATIC) == []


def test_nested_templates_are_parsed():
    objects = qris.parse(STATIC)
    account = next(obj for obj in objects if obj.tag == "26")
    assert [child.tag for child in account.children] == ["00", "01", "02", "03"]
    assert account.child("00").value == "ID.CO.BANKKALTIMTARA.WWW"
    assert account.child("01").value == "9360012400000123456"  # a PAN, not Luhn-checked
    assert qris.merchant_ids(STATIC) == ["000195012345", "ID1020067812345"]


def test_a_tag_like_sequence_inside_a_value_is_not_an_object():
    payload = qris.build(
        [
            O("00", "01"),
            O("01", "11"),
            O("51", children=(O("00", "ID.CO.QRIS.WWW"), O("02", "ID1"))),
            O("52", "5411"),
            O("53", "360"),
            O("58", "ID"),
            O("59", "TOKO 5802ID6304ABCD"),
            O("60", "BALIKPAPAN"),
        ]
    )
    assert qris.problems(payload) == []
    dynamic = qris.make_dynamic(payload, amount=1000)
    assert next(obj for obj in qris.parse(dynamic) if obj.tag == "59").value == "TOKO 5802ID6304ABCD"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "empty"),
        ("000201010", "Truncated"),
        ("0002010102", "runs past the end"),
        ("00020101021", "runs past the end"),
        ("0002010", "Truncated"),
        ("0002015920PEMKOT", "runs past the end"),
        ("0A0201", "Invalid tag"),
        ("00X201", "not two digits"),
        ("000001", "length 00"),
        ("00020126100005ABCDE", "runs past the end"),  # inside a template
    ],
)
def test_malformed_tlv_is_rejected_with_a_clear_message(payload, message):
    with pytest.raises(qris.QrisError, match=message):
        qris.parse(payload)


def test_wrong_crc_is_reported_with_both_values():
    broken = STATIC[:-4] + "0000"
    found = qris.problems(broken)
    assert any("Wrong CRC" in text and "0000" in text and "99B3" in text for text in found)
    assert qris.decode(broken)["crc_valid"] is False
    with pytest.raises(qris.QrisError, match="Wrong CRC"):
        qris.validate(broken)


def test_lower_case_crc_is_not_accepted_as_the_format():
    lower = STATIC[:-4] + STATIC[-4:].lower()
    assert any("upper-case" in text for text in qris.problems(lower))


def test_missing_mandatory_objects_and_bad_formats_are_listed():
    payload = qris.build(
        [
            O("00", "02"),
            O("01", "13"),
            O("52", "93"),
            O("53", "IDR"),
            O("54", "15OOO"),
            O("58", "id"),
            O("59", "X" * 26),
        ]
    )
    text = " ".join(qris.problems(payload))
    assert "Payload Format Indicator must be 01" in text
    assert "Point of Initiation Method must be 11" in text
    assert "Merchant Category Code must be 4 digits" in text
    assert "3-digit ISO 4217" in text
    assert "Transaction Amount “15OOO”" in text
    assert "Country Code must be 2 capital letters" in text
    assert "at most 25" in text
    assert "missing: 60" in text
    assert "No merchant account information" in text


def test_crc_not_last_and_duplicate_tags_are_problems():
    body = qris.serialize([O("00", "01"), O("00", "01")])
    assert any("more than once" in text for text in qris.problems(body + "6304" + qris.crc_text(body + "6304")))
    assert any("must be the last" in text for text in qris.problems("000201"))


# --- Building and round trips ------------------------------------------------------------------------------


def test_build_then_parse_gives_back_the_objects():
    objects = qris.parse(STATIC)
    assert qris.build(objects) == STATIC
    assert qris.serialize(objects) == STATIC


def test_build_refuses_values_longer_than_99_characters_and_empty_objects():
    with pytest.raises(qris.QrisError, match="at most 99"):
        qris.serialize([O("59", "x" * 100)])
    with pytest.raises(qris.QrisError, match="empty"):
        qris.serialize([O("59", "")])
    with pytest.raises(qris.QrisError, match="two digits"):
        qris.serialize([O("5", "x")])


def test_lengths_count_characters_for_non_ascii_names():
    payload = qris.build(
        [
            O("00", "01"),
            O("01", "11"),
            O("51", children=(O("00", "ID.CO.QRIS.WWW"), O("02", "ID1"))),
            O("52", "5411"),
            O("53", "360"),
            O("58", "ID"),
            O("59", "Tahu Ñam Bu Sri ✓"),
            O("60", "BALIKPAPAN"),
        ]
    )
    assert "5917Tahu Ñam Bu Sri ✓" in payload  # 17 characters, 21 bytes
    assert payload.endswith(independent_crc(payload[:-4]))
    assert qris.problems(payload) == []


# Random TLV trees: primitives at non-template tags, templates with 1-4 primitive children.
_value_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
_primitive_tags = st.sampled_from(sorted({f"{t:02d}" for t in range(100)} - qris.TEMPLATE_TAGS))
_child = st.builds(O, tag=st.sampled_from([f"{t:02d}" for t in range(100)]), value=_value_text)
_template = st.builds(
    O, tag=st.sampled_from(sorted(qris.TEMPLATE_TAGS)), children=st.lists(_child, min_size=1, max_size=4).map(tuple)
)
_primitive = st.builds(O, tag=_primitive_tags, value=_value_text)
_tree = st.lists(st.one_of(_primitive, _template), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tree)
def test_parse_of_serialize_is_the_identity_on_random_trees(objects):
    assert qris.parse(qris.serialize(objects)) == objects


@settings(max_examples=200, deadline=None)
@given(_tree.map(lambda objects: [obj for obj in objects if obj.tag != "63"]))
def test_build_appends_a_correct_crc_on_random_trees(objects):
    payload = qris.build(objects)
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == independent_crc(payload[:-4])
    assert qris.crc_problem(payload) is None
    assert qris.parse(payload)[:-1] == objects


# --- Dynamic QRIS ------------------------------------------------------------------------------------------


def test_dynamic_sets_01_to_12_and_places_54_right_before_58():
    dynamic = qris.make_dynamic(STATIC, amount=150000)
    objects = qris.parse(dynamic)
    order = [obj.tag for obj in objects]
    assert order.index("54") == order.index("58") - 1
    assert next(obj for obj in objects if obj.tag == "01").value == "12"
    assert next(obj for obj in objects if obj.tag == "54").value == "150000"
    assert dynamic.endswith(independent_crc(dynamic[:-4]))
    assert qris.problems(dynamic) == []


def test_dynamic_from_a_hand_built_static_gives_the_expected_payload():
    expected_body = (
        "00020101021226740024ID.CO.BANKKALTIMTARA.WWW0119936001240000012345602120001950123450303UMI51440014"
        "ID.CO.QRIS.WWW0215ID10200678123450303UMI52049399530336054061500005802ID5917PEMKOT BALIKPAPAN6010"
        "BALIKPAPAN61057611462210117SKRD/2025/01/00016304"
    )
    dynamic = qris.make_dynamic(STATIC, amount="150000", bill_number="SKRD/2025/01/0001")
    assert dynamic == expected_body + independent_crc(expected_body)


def test_dynamic_removes_old_54_to_57_and_keeps_the_other_objects():
    with_tip = qris.build(
        [
            *[obj for obj in qris.parse(STATIC) if obj.tag not in ("58", "59", "60", "61", "63")],
            O("54", "99"),
            O("55", "02"),
            O("56", "500"),
            O("57", "3"),
            *[obj for obj in qris.parse(STATIC) if obj.tag in ("58", "59", "60", "61")],
        ]
    )
    dynamic = qris.make_dynamic(with_tip, amount=25000)
    order = tags(dynamic)
    assert order.count("54") == 1 and not {"55", "56", "57"} & set(order)
    assert order == ["00", "01", "26", "51", "52", "53", "54", "58", "59", "60", "61", "63"]


def test_bill_number_goes_into_62_01_of_an_existing_template_keeping_its_other_subtags():
    static = qris.build(
        [obj for obj in qris.parse(STATIC) if obj.tag != "63"] + [O("62", children=(O("01", "OLD"), O("07", "KASIR1")))]
    )
    dynamic = qris.make_dynamic(static, amount=1, bill_number="B-2")
    additional = next(obj for obj in qris.parse(dynamic) if obj.tag == "62")
    assert [(c.tag, c.value) for c in additional.children] == [("01", "B-2"), ("07", "KASIR1")]
    assert qris.bill_number_of(dynamic) == "B-2"


def test_dynamic_from_a_dynamic_replaces_the_amount():
    once = qris.make_dynamic(STATIC, amount=1000, bill_number="A")
    twice = qris.make_dynamic(once, amount=2000, bill_number="B")
    assert twice == qris.make_dynamic(STATIC, amount=2000, bill_number="B")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("15O00", "not a number"),
        ("abc", "not a number"),
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("10.005", "more than 2 decimal"),
        ("12345678901234", "too large"),
        (1.5, "not a float"),
    ],
)
def test_bad_amounts_are_refused(amount, message):
    with pytest.raises(qris.QrisError, match=message):
        qris.make_dynamic(STATIC, amount=amount)


def test_amount_with_sen_keeps_two_decimals():
    assert qris.format_amount("1500.5") == "1500.50"
    assert qris.format_amount(150000) == "150000"
    assert qris.format_amount("150000.00") == "150000"


def test_dynamic_refuses_an_invalid_static_and_a_long_bill_number():
    with pytest.raises(qris.QrisError, match="Wrong CRC"):
        qris.make_dynamic(STATIC[:-1] + "0", amount=1000)
    with pytest.raises(qris.QrisError, match="at most 25"):
        qris.make_dynamic(STATIC, amount=1000, bill_number="X" * 26)


# --- The command -------------------------------------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("qris", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_command_decode_prints_json_with_crc_valid():
    result = json.loads(run("decode", STATIC))
    assert result["crc_valid"] is True and result["valid"] is True
    assert result["objects"][0] == {"tag": "00", "name": "Payload Format Indicator", "value": "01"}
    merchant = next(obj for obj in result["objects"] if obj["tag"] == "51")
    assert {"tag": "02", "name": "Merchant ID", "value": "ID1020067812345"} in merchant["objects"]


def test_command_dynamic_prints_the_payload():
    output = run("dynamic", STATIC, "--amount", "150000", "--bill-number", "SKRD/2025/01/0001").strip()
    assert output == qris.make_dynamic(STATIC, amount=150000, bill_number="SKRD/2025/01/0001")


@pytest.mark.parametrize(
    "args",
    [
        ("decode", STATIC[:-4] + "FFFF"),
        ("decode", "00020"),
        ("dynamic", STATIC, "--amount", "12a"),
        ("dynamic", STATIC[:-4] + "FFFF", "--amount", "1000"),
    ],
)
def test_command_fails_with_a_clear_message(args):
    with pytest.raises(CommandError, match="invalid QRIS"):
        run(*args)


def test_command_accepts_a_payload_pasted_with_a_newline_but_parse_keeps_values_exact():
    assert json.loads(run("decode", STATIC + "\n"))["valid"] is True
    assert qris.parse("5901 ") == [O("59", " ")]
